"""Where a figure comes from, in words for the pages: invented for the demonstration, real and
published by OHID Fingertips under the Open Government Licence, or old. Pure: no ORM.

The demo's invented figures carry the value note "Illustrative" (outcomes.demo_reference); a
real Fingertips figure is credited as its licence asks (fixtures/README.md)."""

from __future__ import annotations

from datetime import date

ILLUSTRATIVE_NOTE = "Illustrative"
ILLUSTRATIVE_SOURCE = "Illustrative (demo)"
FINGERTIPS_CREDIT = ("Contains public sector information from OHID Fingertips, licensed under "
                     "the Open Government Licence v3.0.")
# A figure whose period ended longer ago than this is called old: a board should not read
# it as where things stand today.
OLD_AFTER_YEARS = 3


def is_illustrative(value_note: str | None) -> bool:
    return (value_note or "").startswith(ILLUSTRATIVE_NOTE)


def is_old(period_end: date | None, today: date) -> bool:
    if period_end is None:
        return False
    try:
        cutoff = today.replace(year=today.year - OLD_AFTER_YEARS)
    except ValueError:  # 29 February
        cutoff = today.replace(year=today.year - OLD_AFTER_YEARS, day=28)
    return period_end < cutoff


def provenance(*, value_note: str | None, period_label: str, period_end: date | None,
               metric_source: str, today: date) -> dict:
    """What to say beside a figure: `illustrative`, the licence `credit` for a real
    Fingertips figure, and `old`, a sentence naming its latest period when that is old."""
    illustrative = is_illustrative(value_note)
    real = not illustrative
    credit = FINGERTIPS_CREDIT if real and "fingertips" in (metric_source or "").lower() else ""
    old = ""
    if real and is_old(period_end, today):
        old = f"These figures are old: the latest period is {period_label}."
    return {"illustrative": illustrative, "credit": credit, "old": old}
