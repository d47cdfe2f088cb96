"""The pages run under the real Content Security Policy without a single violation."""

import pytest

from tests.conftest import PASSWORD

from .test_partnership_pages import give_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def strict_page(browser):
    context = browser.new_context()  # no bypass_csp: the app's own policy applies
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_no_page_violates_the_policy(live_server, strict_page, tenants):
    page = strict_page
    visited = []
    for path in ["/", "/sign-in/", "/accessibility/", "/nowhere/"]:
        page.goto(f"{live_server.url}{path}")
        visited.append((path, page.evaluate("window.__cspViolations")))
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill("a_admin")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    # An administrator's second factor: the page with the passkey's script, then the code.
    visited.append(("/sign-in/second-factor/", page.evaluate("window.__cspViolations")))
    give_code(page)
    from outcomes.models import ImportBatch

    running = ImportBatch.objects.create(
        partnership=tenants.a, created_by=tenants.users["a_admin"], file_name="big.csv",
        format="tidy", status="validating", rows_total=100,
    )
    from outcomes.models import Metric

    metric = Metric.objects.get(code="numbers_in_treatment", owner=None)
    for path in ["/partnerships/rotherham/", f"/partnerships/rotherham/metrics/{metric.pk}/",
                 "/partnerships/rotherham/about/", "/partnerships/rotherham/members/",
                 "/partnerships/rotherham/members/add/",
                 "/partnerships/rotherham/data/imports/new/",
                 f"/partnerships/rotherham/data/imports/{running.pk}/",
                 "/account/two-factor/", "/account/password/"]:
        page.goto(f"{live_server.url}{path}")
        assert page.locator("body.govuk-frontend-supported").count() == 1
        if "/metrics/" in path or path == "/partnerships/rotherham/":
            # plotly.js has drawn (and would have tried to inject its styles by now).
            page.wait_for_selector(".cdp-chart--drawn .main-svg")
        visited.append((path, page.evaluate("window.__cspViolations")))
    assert [(path, v) for path, v in visited if v] == []


def test_an_inline_script_would_be_caught(live_server, strict_page):
    """The check above can fail: an inline script is blocked and recorded."""
    page = strict_page
    page.goto(f"{live_server.url}/")
    page.evaluate("""() => {
        const s = document.createElement('script');
        s.textContent = 'window.__ran = true';
        document.body.appendChild(s);
    }""")
    assert page.evaluate("window.__ran === undefined")
    assert page.evaluate("window.__cspViolations.length") >= 1
