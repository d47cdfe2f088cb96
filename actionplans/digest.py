"""What a lead's weekly digest lists, and in which order. Pure: no ORM, no request.

A lead reads it as a to-do list, most urgent first:
1. overdue: past the due date (or the end of the plan year) and not finished, latest first;
2. due within 14 days (today and the 14th day included), soonest first;
3. without a progress update for 8 weeks (56 days or more since the last update or, for
   one never updated, since it was added), longest first.

A milestone appears once, in the first section it qualifies for: an overdue one that has
also had no update for months is listed as overdue, with the date of its last update.
Finished milestones (complete or closed) never appear. A milestone not started yet and not
due before the end of this financial year is not expected to move yet: it is not listed for
want of an update (York's year 3 actions would otherwise fill every digest of year 1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from . import progress

DUE_SOON_DAYS = 14
NO_UPDATE_DAYS = 8 * 7

OVERDUE = "overdue"
DUE_SOON = "due_soon"
NO_UPDATE = "no_update"
SECTIONS = [
    (OVERDUE, "Overdue"),
    (DUE_SOON, f"Due in the next {DUE_SOON_DAYS} days"),
    (NO_UPDATE, f"No progress update for {NO_UPDATE_DAYS // 7} weeks or more"),
]
FINISHED_STATUSES = frozenset({"complete", "closed"})


def financial_year_end(today: date) -> date:
    """31 March ending the financial year `today` falls in."""
    return date(today.year + (1 if today.month >= 4 else 0), 3, 31)


def section_of(*, status: str, due: date | None, last_update: date | None,
               today: date) -> str | None:
    """The digest section a milestone belongs in, or None if it is not listed."""
    if status in FINISHED_STATUSES:
        return None
    if progress.is_overdue(status, due, today):  # the one rule
        return OVERDUE
    if due is not None and due <= today + timedelta(days=DUE_SOON_DAYS):
        return DUE_SOON
    quiet = last_update is None or (today - last_update).days >= NO_UPDATE_DAYS
    expected_to_move = status != "not_started" or (
        due is not None and due <= financial_year_end(today))
    if quiet and expected_to_move:
        return NO_UPDATE
    return None


@dataclass
class DigestItem:
    """One milestone in a digest, with what the email says about it."""

    milestone_id: int
    title: str
    key_action: str
    status: str  # as recorded
    status_label: str  # the derived status: "Overdue (status recorded: On track)"
    due: date | None
    last_update: date | None  # the latest progress update, or the day it was added
    section: str
    ever_updated: bool = True  # False: `last_update` is the day it was added
    url: str = ""
    due_text: str = ""  # "3 days overdue", "due in 5 days"
    quiet_text: str = ""  # "9 weeks ago"
    derived_status: str = ""  # "overdue", or the recorded status


    def sort_key(self) -> tuple:
        if self.section == NO_UPDATE:
            return (self.last_update or date.min, self.milestone_id)
        return (self.due or date.max, self.milestone_id)


@dataclass
class Digest:
    """A lead's digest for one partnership on one day, in sections."""

    today: date
    sections: list[tuple[str, str, list[DigestItem]]] = field(default_factory=list)

    @property
    def items(self) -> list[DigestItem]:
        return [item for _, _, items in self.sections for item in items]

    @property
    def count(self) -> int:
        return len(self.items)

    def counts(self) -> dict[str, int]:
        return {key: len(items) for key, _, items in self.sections}

    def short_summary(self) -> str:
        """'3 overdue, 1 due soon, 2 to update': for an email's subject."""
        counts = self.counts()
        return ", ".join(f"{counts[key]} {words}" for key, words in (
            (OVERDUE, "overdue"), (DUE_SOON, "due soon"), (NO_UPDATE, "to update"))
            if counts.get(key))

    def summary(self) -> str:
        """'3 overdue, 1 due in the next 14 days and 2 without an update for 8 weeks'."""
        counts = self.counts()
        parts = [text for key, text in (
            (OVERDUE, f"{counts.get(OVERDUE, 0)} overdue"),
            (DUE_SOON, f"{counts.get(DUE_SOON, 0)} due in the next {DUE_SOON_DAYS} days"),
            (NO_UPDATE, f"{counts.get(NO_UPDATE, 0)} without an update for "
                        f"{NO_UPDATE_DAYS // 7} weeks"),
        ) if counts.get(key)]
        if len(parts) < 2:
            return "".join(parts)
        return ", ".join(parts[:-1]) + " and " + parts[-1]


def build(items: list[DigestItem], today: date) -> Digest:
    """Sorts the items into their sections, each in reading order; empty sections dropped."""
    digest = Digest(today=today)
    for key, heading in SECTIONS:
        chosen = sorted((i for i in items if i.section == key), key=DigestItem.sort_key)
        for item in chosen:
            item.due_text = days_text(item.due, today) if item.due else ""
            item.quiet_text = ago_text(item.last_update, today) if item.last_update else ""
        if chosen:
            digest.sections.append((key, heading, chosen))
    return digest


def span_text(days: int) -> str:
    """A number of days as a reader counts them: '1 day', '10 days', '9 weeks', '20 months'."""
    def n(count: int, unit: str) -> str:
        return f"{count} {unit}{'' if count == 1 else 's'}"
    if days < 14:
        return n(days, "day")
    if days < 13 * 7:
        return n(days // 7, "week")
    return n(round(days * 12 / 365), "month")


def days_text(due: date, today: date) -> str:
    """'3 days overdue', 'due today', 'due in 5 days', '20 months overdue'."""
    days = (due - today).days
    if days < 0:
        return f"{span_text(-days)} overdue"
    if days == 0:
        return "due today"
    return f"due in {span_text(days)}"


def ago_text(day: date, today: date) -> str:
    """'today', '5 days ago', '9 weeks ago', '32 months ago'."""
    days = (today - day).days
    if days <= 0:
        return "today"
    return f"{span_text(days)} ago"
