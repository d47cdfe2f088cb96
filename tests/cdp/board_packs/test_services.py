"""Board packs: the service makes a PDF that says what the dashboard says, with the
milestones at risk, the risks and the asks; failures say why and can be retried; a real
Celery worker makes one and records its progress."""

import io
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from actionplans import selectors as plan_selectors
from cdp import dashboards, tasks
from cdp.board_packs import selectors, services
from cdp.models import BoardPack
from outcomes import selectors as outcome_selectors


@pytest.fixture
def tenants(tenants):
    """The shared partnerships, before anyone has asked for a board pack (the shared fixture
    holds a failed one in each, for the isolation tests)."""
    BoardPack.objects.all().delete()
    return tenants


def pdf_text(pack: BoardPack) -> tuple[str, PdfReader]:
    with selectors.board_pack_file(pack) as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text), reader


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.slow  # starts Chromium
@pytest.mark.django_db
def test_the_pack_says_what_the_dashboard_says(tenants):
    lead = tenants.users["a_lead"]
    pack = services.board_pack_request(partnership=tenants.a, user=lead)

    pack = services.board_pack_generate(pack_id=pack.pk)  # what the task calls

    assert (pack.status, pack.failure) == ("ready", "")
    assert (pack.steps_done, pack.steps_total) == (4, 4)  # figures, two charts, the PDF
    assert pack.figures_computed_at == outcome_selectors.summary_computed_at(
        partnership=tenants.a)
    stored = Path(settings.MEDIA_ROOT) / pack.stored_file
    assert stored.parent.name == "board-packs" and re.fullmatch(r"[0-9a-f]{32}\.pdf",
                                                                stored.name)
    assert pack.file_size == stored.stat().st_size
    text, reader = pdf_text(pack)
    # The cover: partnership, date, when the figures were computed, who asked.
    assert "Rotherham CDP" in text and "Board pack" in text
    assert timezone.localdate().strftime("%-d %B %Y") in text
    computed = timezone.localtime(pack.figures_computed_at)
    assert f"{computed:%H:%M} on {computed:%-d %B %Y}" in text
    assert "A Lead" in text
    # The dashboard's tiles and sentences, from the dashboard's own code.
    summaries = outcome_selectors.dashboard_summaries(partnership=tenants.a, user=lead)
    tiles = [t for _, group in dashboards.outcome_groups(summaries, timezone.localdate())
             for t in group]
    assert tiles
    for tile in tiles:
        assert words(tile["sentence"]) in text
        assert words(tile["trend"]) in text
    # The plan's progress, each chart beside its table.
    progress = dashboards.progress_charts(
        plan_selectors.plan_progress(partnership=tenants.a, user=lead))
    for chart in progress:
        assert words(chart["sentence"]) in text
        assert f"{chart['title']}: the chart's figures" in text
    # Every page lists the document's images: the charts are the two distinct ones.
    images = {image.data for page in reader.pages for image in page.images}
    assert len(images) == len(progress) == 2
    # The milestone at risk (due 31 March 2023, not complete: overdue), the risk, the ask.
    assert "Prison leavers seen within 3 weeks" in text and "Overdue" in text
    assert "County lines exploitation" in text and "High (16)" in text
    assert "Naloxone in custody suites" in text and "Distribute take home naloxone" in text
    # Nothing of partnership B.
    assert "Darlington" not in text
    # Who asked for it is in its history.
    assert pack.history.earliest().history_user == lead


@pytest.mark.slow  # starts Chromium
@pytest.mark.django_db
def test_a_missing_browser_is_a_clear_failure_that_can_be_retried(
        tenants, settings, django_capture_on_commit_callbacks):
    settings.BROWSER_PATH = "/nowhere/chromium"
    lead = tenants.users["a_lead"]
    with django_capture_on_commit_callbacks(execute=True):  # no broker: runs in process
        pack = services.board_pack_request(partnership=tenants.a, user=lead)
    pack.refresh_from_db()
    assert pack.status == "failed"
    assert "no Chromium browser was found at /nowhere/chromium" in pack.failure
    assert pack.stored_file == "" and pack.finished_at is not None

    settings.BROWSER_PATH = "/usr/bin/chromium"
    with django_capture_on_commit_callbacks(execute=True):
        services.board_pack_retry(pack=pack, user=tenants.users["a_analyst"])
    pack.refresh_from_db()
    assert (pack.status, pack.failure) == ("ready", "")
    assert pdf_text(pack)[0].startswith("Yorkshire and The Humber Rotherham CDP")
    assert [h.history_user.username for h in pack.history.order_by("history_id")][:2] == [
        "a_lead", "a_lead"]
    assert "a_analyst" in {h.history_user.username for h in pack.history.all()}


@pytest.mark.django_db
def test_only_those_who_prepare_papers_make_packs(tenants):
    for username in ("a_viewer", "regional", "b_lead", "outsider"):
        with pytest.raises(PermissionDenied):
            services.board_pack_request(partnership=tenants.a,
                                        user=tenants.users[username])
    for username in ("a_lead", "a_analyst", "a_admin", "superuser"):
        pack = services.board_pack_request(partnership=tenants.a,
                                           user=tenants.users[username])
        assert pack.status == "queued"
    assert BoardPack.objects.filter(partnership=tenants.a).count() == 4


@pytest.mark.django_db
def test_a_pack_that_has_not_failed_is_not_retried_and_is_made_once(tenants):
    pack = BoardPack.objects.create(partnership=tenants.a, requested_by=tenants.users["a_lead"],
                                    status="ready", stored_file="board-packs/made.pdf",
                                    finished_at=timezone.now())
    with pytest.raises(ValidationError):
        services.board_pack_retry(pack=pack, user=tenants.users["a_lead"])
    with pytest.raises(PermissionDenied):
        services.board_pack_retry(pack=pack, user=tenants.users["a_viewer"])
    # A task delivered again changes nothing.
    again = services.board_pack_generate(pack_id=pack.pk)
    assert (again.status, again.stored_file, again.finished_at) == (
        "ready", pack.stored_file, pack.finished_at)


@pytest.mark.django_db
def test_a_requester_who_left_gets_no_pack(tenants):
    from partnerships.services import membership_remove

    pack = BoardPack.objects.create(partnership=tenants.a, requested_by=tenants.users["a_lead"])
    membership_remove(membership=tenants.memberships["a"])
    pack = services.board_pack_generate(pack_id=pack.pk)
    assert pack.status == "failed"
    assert pack.failure == ("The member who asked for it can no longer see Rotherham CDP: try "
                            "again yourself.")
    # Someone who can tries it again: it is then theirs.
    services.board_pack_retry(pack=pack, user=tenants.users["a_analyst"])
    pack.refresh_from_db()
    assert (pack.status, pack.requested_by) == ("queued", tenants.users["a_analyst"])


@pytest.mark.django_db
def test_a_requester_whose_account_is_deleted_leaves_their_packs(client, tenants):
    from django.contrib.auth import get_user_model

    from partnerships.services import membership_create

    lead = get_user_model().objects.create_user("leaver", "leaver@example.org")
    membership_create(partnership=tenants.a, user=lead, role="lead")
    pack = BoardPack.objects.create(partnership=tenants.a, requested_by=lead,
                                    attempted_at=timezone.now())
    lead.delete()
    pack.refresh_from_db()
    assert pack.requested_by is None
    client.force_login(tenants.users["a_viewer"])
    page = client.get(f"/partnerships/rotherham/board-packs/{pack.pk}/").content.decode()
    assert "Asked for by a former member" in page
    made = services.board_pack_generate(pack_id=pack.pk)
    assert (made.status, made.failure) == ("failed", services.GONE.format(
        partnership="Rotherham CDP"))


@pytest.mark.django_db
def test_a_pack_lost_on_the_way_is_failed_and_can_be_tried_again(tenants, settings):
    """A worker killed at the hard time limit acknowledges its task: nothing runs it again.
    Once twice the limit has passed the pack is lost: the sweep says so, and it can be
    retried even before the sweep has run."""
    settings.CELERY_TASK_TIME_LIMIT = 360
    lead, now = tenants.users["a_lead"], timezone.now()
    lost = BoardPack.objects.create(partnership=tenants.a, requested_by=lead,
                                    status="generating", attempted_at=now - timedelta(minutes=13))
    waiting = BoardPack.objects.create(partnership=tenants.a, requested_by=lead,
                                       status="queued", attempted_at=now - timedelta(minutes=11))
    busy = BoardPack.objects.create(partnership=tenants.a, requested_by=lead,
                                    status="generating", attempted_at=now - timedelta(minutes=5))
    with pytest.raises(ValidationError):  # still within its time
        services.board_pack_retry(pack=busy, user=lead)
    services.board_pack_retry(pack=lost, user=tenants.users["a_analyst"])  # lost: again
    lost.refresh_from_db()
    assert (lost.status, lost.requested_by) == ("queued", tenants.users["a_analyst"])

    assert services.board_packs_fail_stale(now=now + timedelta(minutes=2)) == 1
    for pack in (lost, waiting, busy):
        pack.refresh_from_db()
    assert (waiting.status, waiting.failure) == ("failed", services.LOST)
    assert (lost.status, busy.status) == ("queued", "generating")
    assert tasks.fail_stale_board_packs() == 0  # the beat task: nothing more to fail


def wait_for(check, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


@pytest.mark.slow  # starts Chromium
@pytest.mark.django_db(transaction=True)
def test_a_worker_makes_the_pack_recording_its_progress(celery_app, celery_worker, tenants):
    pack = services.board_pack_request(partnership=tenants.a, user=tenants.users["a_lead"])
    seen = set()

    def made() -> bool:
        row = BoardPack.objects.get(pk=pack.pk)
        seen.add((row.status, row.steps_done, row.steps_total))
        return row.status in ("ready", "failed")

    wait_for(made)
    pack.refresh_from_db()
    assert (pack.status, pack.failure) == ("ready", "")
    assert ("ready", 4, 4) in seen
    # Each step is seen as it is done (the poll may miss some, never the order).
    assert all(total in (0, 2, 4) and 0 <= done <= total for _, done, total in seen)
    client = Client()
    client.force_login(tenants.users["a_viewer"])
    response = client.get(f"/partnerships/rotherham/board-packs/{pack.pk}/board-pack.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # The task, delivered again, leaves the pack as it is.
    assert tasks.generate_board_pack.delay(pack.pk).get(timeout=30) == "ready"
