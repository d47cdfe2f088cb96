"""The risk register and the asks (requests for assistance to responsible authorities)."""

from __future__ import annotations

from django.db import transaction

from partnerships import access
from partnerships.models import Partnership

from ..models import Ask, Risk
from .base import save_with_history

RISK_FIELDS = ("title", "description", "likelihood", "impact", "owner", "mitigation", "status",
               "raised_on")
ASK_FIELDS = ("title", "request", "directed_to", "raised_on", "status", "response")


@transaction.atomic
def risk_save(*, partnership: Partnership, user, risk: Risk | None = None, **fields) -> Risk:
    """Adds a risk to the partnership's register, or changes one of its risks."""
    return _register_save(Risk, RISK_FIELDS, partnership, user, risk, fields)


@transaction.atomic
def ask_save(*, partnership: Partnership, user, ask: Ask | None = None, **fields) -> Ask:
    """Adds an ask of the partnership, or changes one of its asks."""
    return _register_save(Ask, ASK_FIELDS, partnership, user, ask, fields)


def _register_save(model: type[Risk | Ask], allowed: tuple[str, ...], partnership, user,
                   row: Risk | Ask | None, fields: dict) -> Risk | Ask:
    access.require(user, partnership, access.EDIT_PLAN)
    if row is not None:
        access.require_own(partnership, row)
    row = row or model(partnership=partnership)
    _assign(row, fields, allowed)
    save_with_history(row, user)
    return row


def _assign(row: Risk | Ask, fields: dict, allowed: tuple[str, ...]) -> None:
    """Sets the fields; a status someone sets is no longer a demo's synthetic one."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"cannot set {sorted(unknown)}")
    status = row.status
    for name, value in fields.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    if row.pk is None or row.status != status:
        row.status_is_synthetic = row.pk is None and row.status_is_synthetic
