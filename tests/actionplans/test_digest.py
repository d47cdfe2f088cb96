"""actionplans/digest.py: which milestones a lead's weekly digest lists, in which order.
Pure: no database."""

from datetime import date, timedelta

import pytest

from actionplans import digest
from actionplans.digest import DUE_SOON, NO_UPDATE, OVERDUE, DigestItem

TODAY = date(2024, 6, 3)  # a Monday in 2024/25


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.mark.parametrize(("status", "due", "last_update", "section"), [
    # Overdue: past the due date and not finished, however recently updated.
    ("on_track", days(-1), days(0), OVERDUE),
    ("at_risk", days(-400), days(-400), OVERDUE),
    ("not_started", days(-1), None, OVERDUE),
    # Due within 14 days: today up to and including the 14th day.
    ("on_track", days(0), days(0), DUE_SOON),
    ("on_track", days(14), days(0), DUE_SOON),
    ("on_track", days(15), days(0), None),
    # Without an update for 8 weeks: 56 days or more.
    ("on_track", days(100), days(-56), NO_UPDATE),
    ("on_track", days(100), days(-55), None),
    ("off_track", None, days(-56), NO_UPDATE),
    ("on_track", days(100), None, NO_UPDATE),
    # Not started and not due before the end of this financial year: not expected to move.
    ("not_started", date(2025, 3, 31), days(-300), NO_UPDATE),
    ("not_started", date(2025, 4, 1), days(-300), None),
    ("not_started", None, None, None),
    # Finished milestones never appear.
    ("complete", days(-10), days(-300), None),
    ("closed", days(3), None, None),
])
def test_which_section_a_milestone_belongs_in(status, due, last_update, section):
    assert digest.section_of(status=status, due=due, last_update=last_update,
                             today=TODAY) == section


def item(pk: int, section: str, due: date | None = None, last_update: date | None = None):
    return DigestItem(milestone_id=pk, title=f"M{pk}", key_action="A", status="on_track",
                      status_label="On track", due=due, last_update=last_update,
                      section=section)


def test_overdue_comes_first_then_due_soon_then_no_update_each_most_urgent_first():
    built = digest.build([
        item(1, NO_UPDATE, due=days(90), last_update=days(-60)),
        item(2, DUE_SOON, due=days(12)),
        item(3, OVERDUE, due=days(-2)),
        item(4, NO_UPDATE, due=days(40), last_update=days(-200)),
        item(5, OVERDUE, due=days(-30)),
        item(6, DUE_SOON, due=days(1)),
    ], TODAY)
    assert [(key, [i.milestone_id for i in items]) for key, _, items in built.sections] == [
        (OVERDUE, [5, 3]), (DUE_SOON, [6, 2]), (NO_UPDATE, [4, 1])]
    assert [heading for _, heading, _ in built.sections] == [
        "Overdue", "Due in the next 14 days", "No progress update for 8 weeks or more"]
    assert built.count == 6
    assert built.summary() == ("2 overdue, 2 due in the next 14 days and 2 without an update "
                               "for 8 weeks")
    assert built.short_summary() == "2 overdue, 2 due soon, 2 to update"
    first = built.items[0]
    assert (first.due_text, first.quiet_text) == ("4 weeks overdue", "")


def test_empty_sections_are_left_out():
    built = digest.build([item(1, DUE_SOON, due=days(0))], TODAY)
    assert [key for key, _, _ in built.sections] == [DUE_SOON]
    assert built.summary() == "1 due in the next 14 days"
    assert built.items[0].due_text == "due today"
    assert digest.build([], TODAY).count == 0


@pytest.mark.parametrize(("n", "text"), [
    (1, "1 day"), (13, "13 days"), (14, "2 weeks"), (90, "12 weeks"), (91, "3 months"),
    (603, "20 months"),
])
def test_spans_read_as_a_person_counts_them(n, text):
    assert digest.span_text(n) == text
    assert digest.days_text(days(-n), TODAY) == f"{text} overdue"
    assert digest.days_text(days(n), TODAY) == f"due in {text}"
    assert digest.ago_text(days(-n), TODAY) == f"{text} ago"
