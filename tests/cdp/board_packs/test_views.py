"""The board pack pages: one click makes a pack, its page shows its progress (with a refresh
link, and a script from the static files), then a download link; a failure says why and can
be retried; every member can download a pack again later, and nobody else can."""

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from cdp.models import BoardPack


@pytest.fixture
def tenants(tenants):
    """The shared partnerships, before anyone has asked for a board pack (the shared fixture
    holds a failed one in each, for the isolation tests)."""
    BoardPack.objects.all().delete()
    return tenants

pytestmark = pytest.mark.django_db

PACKS = "/partnerships/rotherham/board-packs/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stored_pack(tenants, side: str = "a", **fields) -> BoardPack:
    partnership = tenants.partnership(side)
    name = f"board-packs/test-{partnership.slug}.pdf"
    path = Path(settings.MEDIA_ROOT) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.7 a board pack")
    return BoardPack.objects.create(**{
        "partnership": partnership, "requested_by": tenants.users[f"{side}_lead"],
        "status": "ready", "stored_file": name, "file_size": 21, **fields})


@pytest.mark.slow  # starts Chromium
def test_one_click_makes_a_pack_and_its_page_offers_it(tenants,
                                                       django_capture_on_commit_callbacks):
    client = signed_in(tenants.users["a_analyst"])
    dashboard = client.get("/partnerships/rotherham/").content.decode()
    assert f'action="{PACKS}"' in dashboard and "Make a board pack" in dashboard

    with django_capture_on_commit_callbacks(execute=True):  # no broker: made in process
        response = client.post(PACKS)
    pack = BoardPack.objects.get(partnership=tenants.a)
    assert response.status_code == 302
    assert response["Location"] == f"{PACKS}{pack.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Ready" in page and "<progress" not in page
    assert f'href="{PACKS}{pack.pk}/board-pack.pdf"' in page
    assert "Download the board pack (PDF," in page

    listing = client.get(PACKS).content.decode()
    assert "A Analyst" in listing and f'href="{PACKS}{pack.pk}/"' in listing

    download = signed_in(tenants.users["a_viewer"]).get(f"{PACKS}{pack.pk}/board-pack.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == (
        f'attachment; filename="rotherham-board-pack-{pack.requested_at:%Y-%m-%d}.pdf"')
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_a_pack_being_made_shows_its_progress_with_and_without_javascript(tenants):
    pack = BoardPack.objects.create(partnership=tenants.a, requested_by=tenants.users["a_lead"],
                                    status="generating", steps_done=1, steps_total=4,
                                    step="Drawing the charts")
    page = signed_in(tenants.users["a_viewer"]).get(f"{PACKS}{pack.pk}/").content.decode()
    assert '<progress id="board-pack-progress" class="cdp-progress" max="4" value="1">' in page
    assert '<label class="govuk-label" for="board-pack-progress">' in page
    assert "1 of 4 steps done: drawing the charts." in page
    assert f'<a class="govuk-link" href="{PACKS}{pack.pk}/">Refresh this page</a>' in page
    assert 'src="/static/js/progress.js"' in page and "<script>" not in page
    assert "board-pack.pdf" not in page

    progress = signed_in(tenants.users["a_viewer"]).get(f"{PACKS}{pack.pk}/progress/").json()
    assert progress == {"status": "generating", "done": 1, "total": 4,
                        "step": "Drawing the charts", "percent": 25}


@pytest.mark.slow  # starts Chromium
def test_a_failed_pack_says_why_and_those_who_may_try_again(
        tenants, django_capture_on_commit_callbacks):
    pack = BoardPack.objects.create(
        partnership=tenants.a, requested_by=tenants.users["a_lead"], status="failed",
        failure="The charts could not be drawn: no Chromium browser was found at /x.")
    url = f"{PACKS}{pack.pk}/"
    viewer_page = signed_in(tenants.users["a_viewer"]).get(url).content.decode()
    assert "no Chromium browser was found at /x." in viewer_page
    assert "Try again" not in viewer_page
    assert signed_in(tenants.users["a_viewer"]).post(f"{url}retry/").status_code == 403
    assert signed_in(tenants.users["a_viewer"]).get(f"{url}board-pack.pdf").status_code == 404

    lead = signed_in(tenants.users["a_lead"])
    assert "Try again" in lead.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = lead.post(f"{url}retry/")
    assert response.status_code == 302 and response["Location"] == url
    pack.refresh_from_db()
    assert (pack.status, pack.failure) == ("ready", "")
    # A ready pack is not made again: the page says so.
    response = lead.post(f"{url}retry/", follow=True)
    assert "Only a board pack that failed can be tried again." in response.content.decode()


def test_board_members_read_and_download_packs_but_do_not_make_them(tenants):
    pack = stored_pack(tenants)
    viewer = signed_in(tenants.users["a_viewer"])
    assert "Make a board pack" not in viewer.get("/partnerships/rotherham/").content.decode()
    report = viewer.get("/partnerships/rotherham/plan/report/").content.decode()
    assert "Make a board pack" not in report and f'href="{PACKS}"' in report
    listing = viewer.get(PACKS).content.decode()
    assert "Make a board pack" not in listing and "Board pack, " in listing
    assert viewer.post(PACKS).status_code == 403
    assert viewer.get(f"{PACKS}{pack.pk}/board-pack.pdf").status_code == 200
    lead_report = signed_in(tenants.users["a_lead"]).get(
        "/partnerships/rotherham/plan/report/").content.decode()
    assert "Make a board pack" in lead_report
    assert BoardPack.objects.count() == 1


def test_another_partnerships_pack_is_not_found(tenants):
    theirs = stored_pack(tenants, "b")
    for username in ("a_viewer", "a_lead", "regional"):
        client = signed_in(tenants.users[username])
        for suffix in ("", "progress/", "board-pack.pdf"):
            assert client.get(f"{PACKS}{theirs.pk}/{suffix}").status_code == 404, username
            assert client.get(
                f"/partnerships/darlington/board-packs/{theirs.pk}/{suffix}").status_code == 404
    assert signed_in(tenants.users["a_lead"]).post(f"{PACKS}{theirs.pk}/retry/").status_code == 404


def test_a_pack_whose_file_is_gone_is_not_found(tenants):
    pack = stored_pack(tenants)
    (Path(settings.MEDIA_ROOT) / pack.stored_file).unlink()
    response = signed_in(tenants.users["a_viewer"]).get(f"{PACKS}{pack.pk}/board-pack.pdf")
    assert response.status_code == 404
