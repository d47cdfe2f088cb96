"""{% load provenance %}: where a page's figures come from (outcomes.provenance)."""

from django import template
from django.utils import timezone

from ..provenance import is_illustrative, provenance

register = template.Library()


@register.simple_tag
def provenance_of(summary, metric) -> dict:
    """What to say beside a summary's latest figure: Illustrative, the licence credit, old."""
    return provenance(value_note=summary.value_note, period_label=summary.period_label,
                      period_end=summary.period_end, metric_source=metric.source,
                      today=timezone.localdate())


@register.filter
def has_illustrative(summaries) -> bool:
    """Whether any of these summaries (or tiles, or (outcome, tiles) groups, or metric-page
    areas) shows an illustrative figure: its latest one, or any point of its series."""
    for item in summaries or ():
        if isinstance(item, tuple | list):
            if has_illustrative(item[-1]):
                return True
            continue
        if isinstance(item, dict):
            if "areas" in item:  # a tile of several areas side by side (cdp.areas)
                if has_illustrative(item["areas"]):
                    return True
                continue
            item = item.get("summary", item)
        if _shows_illustrative(item):
            return True
    return False


@register.filter
def illustrative(value_note) -> bool:
    """Whether a figure with this value note is invented for the demonstration."""
    return is_illustrative(value_note)


def _shows_illustrative(summary) -> bool:
    """A summary (model or dict): its latest figure or any point of its series."""
    def get(name):
        return summary.get(name) if isinstance(summary, dict) else getattr(summary, name, None)

    if is_illustrative(get("value_note")):
        return True
    if not isinstance(summary, dict) and "series" in summary.get_deferred_fields():
        return False  # the dashboard reads no series: loading one per tile is a query each
    series = get("series") or {}
    return any(is_illustrative(note) for note in series.get("value_note") or ())
