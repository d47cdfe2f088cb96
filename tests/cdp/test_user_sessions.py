"""Where one is signed in (ASVS 3.3.3, 3.3.4; cdp/signin/user_sessions.py): a person sees the
browsers they are signed in with, and signs out of any or all of the others after confirming
who they are; changing the password signs them out everywhere."""

import re
import time
from datetime import datetime

import pytest
from allauth.usersessions.models import UserSession
from django.test import Client

from cdp.sessions import LAST_USED_AT
from cdp.signin.user_sessions import describe_browser

from ..conftest import PASSWORD, sign_in_ago
from .test_step_up import CONFIRM_PASSWORD, asks_to_confirm, confirm

pytestmark = pytest.mark.django_db

SESSIONS = "/account/sessions/"
WINDOWS_FIREFOX = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 "
                   "Firefox/133.0")
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
                 "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")
MAC_EDGE = ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like "
            "Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0")


def signed_in(username: str, user_agent: str, address: str) -> Client:
    """A browser signed in through the sign-in page, as a person does."""
    client = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    response = client.post("/sign-in/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/", response
    return client


def is_signed_in(client: Client) -> bool:
    return b"Signed in as" in client.get("/accessibility/").content


def cards(page: str) -> list[str]:
    return page.split('class="govuk-summary-card"')[1:]


def test_a_person_sees_each_browser_they_are_signed_in_with(tenants):
    laptop = signed_in("a_lead", WINDOWS_FIREFOX, "203.0.113.7")
    phone = signed_in("a_lead", IPHONE_SAFARI, "198.51.100.23")
    signed_in("b_lead", MAC_EDGE, "192.0.2.1")  # someone else's: never shown
    session = phone.session
    session[LAST_USED_AT] = int(time.time()) - 5 * 60
    session.save()
    page = laptop.get(SESSIONS).content.decode()
    shown = cards(page)
    assert len(shown) == 2
    # This browser first, then the others, each with when it was last used and from where.
    assert "Firefox on Windows" in shown[0] and "This browser" in shown[0]
    assert "203.0.113.7" in shown[0] and 'name="end"' not in shown[0]
    assert "Safari on an iPhone" in shown[1] and "198.51.100.23" in shown[1]
    assert "This browser" not in shown[1] and 'name="end"' in shown[1]
    last_used = re.search(r"Last used</dt>\s*<dd[^>]*>([^<]+)<", shown[1]).group(1)
    assert abs(datetime.strptime(last_used, "%d %B %Y, %H:%M").timestamp()
               - (time.time() - 5 * 60)) < 3600 + 120  # UK time: up to an hour ahead of UTC
    assert "192.0.2.1" not in page and "Edge" not in page
    # Linked from the person's account pages.
    assert 'href="/account/sessions/"' in laptop.get("/account/two-factor/").content.decode()


def test_signing_out_of_another_browser_asks_to_confirm_first_then_ends_it(tenants):
    laptop = signed_in("a_lead", WINDOWS_FIREFOX, "203.0.113.7")
    phone = signed_in("a_lead", IPHONE_SAFARI, "198.51.100.23")
    other = UserSession.objects.get(user=tenants.users["a_lead"], user_agent=IPHONE_SAFARI)
    sign_in_ago(laptop, 16 * 60)
    assert laptop.get(SESSIONS).status_code == 200  # looking needs no confirmation
    asks_to_confirm(laptop.post(SESSIONS, {"end": other.pk}, HTTP_REFERER="http://testserver"
                                + SESSIONS), SESSIONS, CONFIRM_PASSWORD)
    assert is_signed_in(phone)
    confirm(laptop, SESSIONS, CONFIRM_PASSWORD)
    done = laptop.post(SESSIONS, {"end": other.pk})
    assert done.status_code == 302 and done["Location"] == SESSIONS
    assert "Signed out of 1 other session." in laptop.get(SESSIONS).content.decode()
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert phone.get("/partnerships/rotherham/")["Location"].startswith("/sign-in/")
    assert len(cards(laptop.get(SESSIONS).content.decode())) == 1


def test_signing_out_of_all_the_others_keeps_this_one(tenants):
    laptop = signed_in("a_lead", WINDOWS_FIREFOX, "203.0.113.7")
    others = [signed_in("a_lead", agent, "198.51.100.23") for agent in (IPHONE_SAFARI, MAC_EDGE)]
    someone_else = signed_in("b_lead", MAC_EDGE, "192.0.2.1")
    page = laptop.get(SESSIONS).content.decode()
    assert "Sign out of all 2 other sessions" in page
    done = laptop.post(SESSIONS, {"end_all": "1"})
    assert done.status_code == 302
    assert "Signed out of 2 other sessions." in laptop.get(SESSIONS).content.decode()
    assert not any(is_signed_in(client) for client in others)
    assert is_signed_in(laptop) and is_signed_in(someone_else)
    assert "not signed in anywhere else" in laptop.get(SESSIONS).content.decode()


def test_another_persons_session_cannot_be_ended_or_seen(tenants):
    mine = signed_in("a_lead", WINDOWS_FIREFOX, "203.0.113.7")
    theirs = signed_in("b_lead", MAC_EDGE, "192.0.2.1")
    their_row = UserSession.objects.get(user=tenants.users["b_lead"])
    assert mine.post(SESSIONS, {"end": their_row.pk}).status_code == 404
    assert is_signed_in(theirs)
    # Nor one's own current session by its number: that is "Sign out".
    own = UserSession.objects.get(user=tenants.users["a_lead"])
    assert mine.post(SESSIONS, {"end": own.pk}).status_code == 404
    assert mine.post(SESSIONS, {}).status_code == 400
    assert is_signed_in(mine)


def test_sessions_past_their_limits_or_signed_out_are_not_listed(tenants):
    laptop = signed_in("a_lead", WINDOWS_FIREFOX, "203.0.113.7")
    idle = signed_in("a_lead", IPHONE_SAFARI, "198.51.100.23")
    session = idle.session
    session[LAST_USED_AT] = int(time.time()) - 31 * 60
    session.save()
    gone = signed_in("a_lead", MAC_EDGE, "192.0.2.1")
    gone.post("/sign-out/")
    page = laptop.get(SESSIONS).content.decode()
    assert len(cards(page)) == 1 and "iPhone" not in page and "Edge" not in page
    assert UserSession.objects.filter(user=tenants.users["a_lead"]).count() == 1


def test_a_session_from_before_the_page_is_listed_as_this_browser(tenants):
    client = Client(HTTP_USER_AGENT=MAC_EDGE)
    client.force_login(tenants.users["a_viewer"])  # no row: signed in another way
    shown = cards(client.get(SESSIONS).content.decode())
    assert len(shown) == 1 and "Edge on a Mac" in shown[0] and "This browser" in shown[0]


def test_changing_the_password_signs_out_every_session(tenants, mailoutbox):
    """ASVS 3.3.3: a new password, set through the emailed link, ends every session of its
    owner's, on every browser (Django keeps a hash of the password in each session)."""
    browsers = [signed_in("a_lead", agent, "203.0.113.7") for agent in (WINDOWS_FIREFOX,
                                                                        IPHONE_SAFARI)]
    Client().post("/password-reset/", {"email": tenants.users["a_lead"].email})
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mailoutbox[-1].body).group(1)
    resetting = Client()
    form = resetting.get(link, follow=True)
    new = "a new passphrase for the lead"
    done = resetting.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302, done
    assert not any(is_signed_in(browser) for browser in browsers)
    assert UserSession.objects.filter(user=tenants.users["a_lead"]).count() == 2  # rows only
    again = Client(HTTP_USER_AGENT=WINDOWS_FIREFOX)
    again.post("/sign-in/", {"username": "a_lead", "password": new})
    assert len(cards(again.get(SESSIONS).content.decode())) == 1


@pytest.mark.parametrize(("agent", "described"), [
    (WINDOWS_FIREFOX, "Firefox on Windows"), (IPHONE_SAFARI, "Safari on an iPhone"),
    (MAC_EDGE, "Edge on a Mac"),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
     "Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"),
    ("curl/8.5.0", "An unknown browser"), ("", "An unknown browser"),
])
def test_browsers_are_described_in_words(agent, described):
    assert describe_browser(agent) == described
