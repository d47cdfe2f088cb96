"""What every write to the action plan shares: it is validated and saved as one history row
naming the user and the reason, and a change to the plan asks for the dashboard's summaries
to be recomputed."""

from __future__ import annotations

from django.db import models

from outcomes.services import summaries_request


def save_with_history(instance: models.Model, user, reason: str = "",
                      m2m: dict | None = None) -> None:
    """Validates and saves, with its many-to-many fields, as ONE history row that records
    the user and the reason."""
    instance.full_clean()
    instance._history_user = user
    if reason:
        instance._change_reason = reason[:100]
    created = instance.pk is None
    instance.skip_history_when_saving = True
    try:
        instance.save()
        for name, values in (m2m or {}).items():
            getattr(instance, name).set(values)
    finally:
        del instance.skip_history_when_saving
    type(instance)._kept_history.create_historical_record(instance, "+" if created else "~")


def clean_text(text: str) -> str:
    """Stripped, with one kind of line break (browsers send \r\n, spreadsheets \n)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def plan_changed(partnership_id: int) -> None:
    """The partnership's plan progress (on the dashboard) is recomputed."""
    summaries_request(partnership_ids=[partnership_id])
