"""What the dashboard says in words of one metric: its latest figure against the one
before and England, its recent trend, and its target and where it stands. Pure: no ORM, no
request."""

from __future__ import annotations

from datetime import date

from ..periods import PeriodError, parse_period
from .common import number


def metric_sentence(*, name: str, unit: str, summary: dict) -> str:
    """One sentence a board member can read aloud, e.g. "Deaths related to drug misuse: 30
    in 2015 - 17, down from 34; worse than England"."""
    value = summary.get("value")
    if value is None:
        note = summary.get("value_note") or "no value"
        return f"{name}: no figure for {summary.get('period_label', 'the latest period')} " \
               f"({note[:1].lower() + note[1:]})."
    text = f"{name}: {number(value, unit)} in {summary['period_label']}"
    previous = summary.get("previous_value")
    if previous is not None:
        if previous == value:
            text += f", the same as in {summary['previous_period_label']}"
        else:
            direction = "up" if value > previous else "down"
            text += f", {direction} from {number(previous, unit)}"
    comparison = summary.get("england_comparison") or "Not compared"
    phrase = {
        "Better": "better than England", "Worse": "worse than England",
        "Similar": "similar to England", "Higher": "higher than England",
        "Lower": "lower than England",
    }.get(comparison)
    if phrase:
        text += f"; {phrase}"
    return text + "."


def trend_sentence(summary: dict) -> str:
    label = summary.get("trend_label") or "Cannot be calculated"
    if label == "Cannot be calculated":
        return "No trend can be calculated from these figures."
    return f"Recent trend: {label[:1].lower() + label[1:]}."


TARGET_LABELS = {"achieved": "Target achieved", "on track": "Target on track",
                 "off track": "Target off track", "no data": "Target status not known"}


def _period_end(label: str | None) -> date | None:
    try:
        return parse_period(label).end if label else None
    except PeriodError:
        return None


def target_status_now(summary: dict, today: date | None) -> str:
    """The summary's target status, as it stands today: once the target is due, and no figure
    for its due period has come, it is not known whether it was met ("no data"), whatever
    the trajectory said before (a summary computed before the due date may still say "on
    track"). "achieved" stands: the figure met the target."""
    status = summary.get("target_status") or "no data"
    due_end = _period_end(summary.get("target_due_period"))
    latest_end = summary.get("period_end")
    if hasattr(latest_end, "date"):
        latest_end = latest_end.date()
    if (status in ("on track", "off track") and today is not None and due_end is not None
            and due_end < today and (latest_end is None or latest_end < due_end)):
        return "no data"
    return status


def target_label(summary: dict, today: date | None = None) -> str:
    """The tag's words: "Target on track", "Target status not known"…"""
    return TARGET_LABELS.get(target_status_now(summary, today), "Target status not known")


def target_sentence(summary: dict, unit: str, today: date | None = None) -> str:
    """What the target is and where it stands, honestly: a target whose due date has passed
    with no figure for its due period is not "on track" but not known."""
    if not summary.get("target_description"):
        return ""
    due = summary["target_due_period"]
    text = (f"Target: {summary['target_description']} "
            f"({number(summary['target_value'], unit)} by {due})")
    status = target_status_now(summary, today)
    if status != "no data":
        return f"{text}: {status}."
    latest = summary.get("period_label")
    due_end = _period_end(due)
    if summary.get("value") is None or not latest:
        return f"{text}: not known, no figure yet."
    if today is not None and due_end is not None and due_end < today:
        return (f"{text}. Target due {due}: no figures since {latest}, so whether it was met "
                "is not known.")
    return (f"{text}: not known yet. The latest figure is for {latest}, with no baseline to "
            "measure progress from.")
