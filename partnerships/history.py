"""Change histories as a reader sees them (django-simple-history's records): who made each
change, and each field that changed, from what to what, in words."""

from __future__ import annotations

from datetime import date


def changed_by(record) -> str:
    """Who made the change a history record keeps: their name, or "System"."""
    user = record.history_user
    return (user.get_full_name() or user.username) if user else "System"


def field_changes(model, older, newer, fields, labels: dict | None = None
                  ) -> list[tuple[str, str, str]]:
    """(label, before, after) for each of `fields` that differs between two history records
    of `model`: choices by their labels, dates as "3 March 2026", nothing as "None"."""
    labels = labels or {}
    changes = []
    for name in fields:
        old, new = getattr(older, name), getattr(newer, name)
        if old != new:
            field = model._meta.get_field(name)
            label = labels.get(name) or field.verbose_name.capitalize()
            changes.append((label, _as_text(field, old), _as_text(field, new)))
    return changes


def _as_text(field, value) -> str:
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if value in (None, ""):
        return "None"
    if isinstance(value, date):
        return f"{value:%-d %B %Y}"
    return str(value)
