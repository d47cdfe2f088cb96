"""Annotations: dated notes on a metric's charts ("New treatment provider from 1 April"),
written by those who may annotate (partnerships.access.ANNOTATE), with their history."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from partnerships import access
from partnerships.models import Partnership

from ..models import Annotation, Metric
from .framework import usable_metric

ANNOTATION_EARLIEST = date(2000, 1, 1)
ANNOTATION_YEARS_AHEAD = 5


def _annotation_values(*, on: date, text: str) -> tuple[date, str]:
    """The note's date and text, checked: the errors name the form's fields."""
    text = " ".join(text.split())
    errors = {}
    if not text:
        errors["text"] = "Enter the note"
    elif len(text) > Annotation.MAX_LENGTH:
        errors["text"] = f"The note must be {Annotation.MAX_LENGTH} characters or fewer"
    latest = date(timezone.localdate().year + ANNOTATION_YEARS_AHEAD, 12, 31)
    if not ANNOTATION_EARLIEST <= on <= latest:
        errors["date"] = (f"The date must be between {ANNOTATION_EARLIEST:%-d %B %Y} and "
                          f"{latest:%-d %B %Y}")
    if errors:
        raise ValidationError(errors)
    return on, text


@transaction.atomic
def annotation_create(*, partnership: Partnership, user, metric: Metric, on: date,
                      text: str) -> Annotation:
    """A note on `metric` for `partnership`, dated `on`, written by `user`."""
    access.require(user, partnership, access.ANNOTATE)
    usable_metric(partnership, metric)
    on, text = _annotation_values(on=on, text=text)
    annotation = Annotation(partnership=partnership, metric=metric, date=on, text=text,
                            created_by=user)
    annotation._history_user = user
    annotation.save()
    return annotation


@transaction.atomic
def annotation_update(*, annotation: Annotation, user, on: date, text: str) -> Annotation:
    """A note's date and text changed; its history keeps what it said before, and who changed
    it."""
    access.require(user, annotation.partnership, access.ANNOTATE)
    annotation.date, annotation.text = _annotation_values(on=on, text=text)
    annotation._history_user = user
    annotation.save(update_fields=["date", "text"])
    return annotation


@transaction.atomic
def annotation_delete(*, annotation: Annotation, user) -> None:
    access.require(user, annotation.partnership, access.ANNOTATE)
    annotation._history_user = user
    annotation.delete()
