"""Board packs in a real browser: one click makes a pack (in process: no broker), its page
shows a progress bar the static script keeps up to date, then the download link. axe-clean."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from cdp.models import BoardPack

from .conftest import axe_violations
from .test_partnership_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tenants(tenants):
    """The shared partnerships, before anyone has asked for a board pack (the shared fixture
    holds a failed one in each, for the isolation tests)."""
    BoardPack.objects.all().delete()
    return tenants


def test_a_lead_makes_a_board_pack_in_one_click(live_server, page, axe_source, tenants):
    sign_in(page, live_server.url, "a_lead")
    expect(page.get_by_role("heading", name="Rotherham CDP")).to_be_visible()
    page.get_by_role("button", name="Make a board pack").click()

    expect(page.get_by_role("heading", name=re.compile(r"^Board pack, "))).to_be_visible()
    expect(page.get_by_text("Ready", exact=True)).to_be_visible()
    download = page.get_by_role("link", name=re.compile(r"Download the board pack \(PDF, "))
    expect(download).to_be_visible()
    assert axe_violations(page, axe_source) == []
    pack = BoardPack.objects.get(partnership=tenants.a)
    assert download.get_attribute("href") == (
        f"/partnerships/rotherham/board-packs/{pack.pk}/board-pack.pdf")
    response = page.request.get(f"{live_server.url}{download.get_attribute('href')}")
    assert response.ok and response.body().startswith(b"%PDF-")

    page.get_by_role("link", name="All board packs").click()
    expect(page.get_by_role("heading", name="Board packs")).to_be_visible()
    expect(page.get_by_role("cell", name="A Lead")).to_be_visible()
    assert axe_violations(page, axe_source) == []


def test_the_progress_bar_follows_the_pack_until_it_is_ready(live_server, page, axe_source,
                                                             tenants):
    pack = BoardPack.objects.create(partnership=tenants.a, requested_by=tenants.users["a_lead"],
                                    status="generating", steps_done=1, steps_total=4,
                                    step="Drawing the charts")
    sign_in(page, live_server.url, "a_viewer")
    page.goto(f"{live_server.url}/partnerships/rotherham/board-packs/{pack.pk}/")
    bar = page.get_by_label("Making the board pack")
    expect(bar).to_have_attribute("value", "1")
    expect(page.get_by_role("link", name="Refresh this page")).to_be_visible()
    assert axe_violations(page, axe_source) == []

    BoardPack.objects.filter(pk=pack.pk).update(steps_done=3, step="Writing the PDF")
    expect(page.get_by_text("3 of 4 steps done: writing the pdf.")).to_be_visible()
    assert bar.evaluate("bar => bar.value") == 3

    stored = "board-packs/browser-test.pdf"
    (Path(settings.MEDIA_ROOT) / "board-packs").mkdir(parents=True, exist_ok=True)
    (Path(settings.MEDIA_ROOT) / stored).write_bytes(b"%PDF-1.7 test")
    BoardPack.objects.filter(pk=pack.pk).update(status="ready", steps_done=4,
                                                stored_file=stored, file_size=13)
    # The script reloads the page: the bar gives way to the download link.
    expect(page.get_by_role("link", name=re.compile("Download the board pack"))).to_be_visible()
    expect(page.locator("progress")).to_have_count(0)
    assert axe_violations(page, axe_source) == []
