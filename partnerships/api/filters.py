"""The API's filter backend: django-filter's, strict about what it is given.

An unknown query parameter is a 400 naming it. So is an unknown filter value: a value that
names an object (a partnership's slug, a metric's code, a lead's id) must name one the user
may see, or the answer is a 400 naming the value. The message is the same for a value that
names nothing and one that names something the user may not see, so it never confirms that
another partnership's object exists."""

from __future__ import annotations

from django.db import models
from django_filters import CharFilter, ModelChoiceFilter, ModelMultipleChoiceFilter
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

from .. import access
from ..models import Partnership

# Query parameters that are not filters: pagination and the response's format.
NOT_FILTERS = frozenset({"cursor", "page_size", "format"})

UNKNOWN_VALUE = "“{value}” matches no {noun} you can see."


class KnownValuesMixin:
    """For a filter whose values name objects: `known` is the model, `known_field` the field
    the values are compared with, `noun` what the message calls one. Which of them the user
    may see is asked of the model's `objects.for_user` (partnerships.access)."""

    def __init__(self, *args, known: type[models.Model], known_field: str, noun: str,
                 **kwargs):
        self.known, self.known_field, self.noun = known, known_field, noun
        super().__init__(*args, **kwargs)

    def unknown_values(self, user, values: list[str]) -> list[str]:
        """The values (in the order given) that name nothing `user` may see. One query."""
        visible = self.known.objects.for_user(user, access.VIEW).filter(
            **{f"{self.known_field}__in": values})
        seen = {str(v) for v in visible.values_list(self.known_field, flat=True)}
        return [value for value in values if value not in seen]


class PartnershipFilter(KnownValuesMixin, CharFilter):
    """A partnership's slug (one the user may see)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "partnership__slug")
        kwargs.setdefault("help_text", "Partnership slug, e.g. rotherham")
        super().__init__(*args, known=Partnership, known_field="slug", noun="partnership",
                         **kwargs)


def _given(value) -> list[str]:
    if value in (None, ""):
        return []
    values = value if isinstance(value, list | tuple) else [value]
    return [str(v) for v in values if str(v) != ""]


def _invalid_choices(filterset) -> dict[str, list[str]]:
    """The form's errors, with an object the user may not choose said in the one message
    that names the value (django's own does not name it)."""
    errors = {}
    for name, field_errors in filterset.form.errors.as_data().items():
        messages = []
        names_objects = isinstance(filterset.filters.get(name),
                                   ModelChoiceFilter | ModelMultipleChoiceFilter)
        for error in field_errors:
            value = (error.params or {}).get("value")
            if names_objects and error.code in ("invalid_choice", "invalid_pk_value"):
                noun = (filterset.filters[name].label or name).lower()
                messages.append(UNKNOWN_VALUE.format(value=value, noun=noun))
            else:
                messages.extend(error.messages)
        errors[name] = messages
    return errors


class StrictFilterBackend(DjangoFilterBackend):
    """An unknown query parameter, or a value naming nothing the user may see, is a 400
    naming it, rather than being ignored or answered with an empty list: a misspelt
    `metirc=` would otherwise return every metric's rows, and `metric=nonsense` none."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        unknown = sorted(set(request.query_params) - known - NOT_FILTERS)
        if unknown:
            choices = ", ".join(sorted(known)) or "none"
            raise ValidationError({name: [f"Unknown filter. The filters here are: {choices}."]
                                   for name in unknown})
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ValidationError(_invalid_choices(filterset))
        self.check_known_values(request, filterset)
        return filterset.qs

    def check_known_values(self, request, filterset) -> None:
        errors = {}
        for name, value in filterset.form.cleaned_data.items():
            check = getattr(filterset.filters[name], "unknown_values", None)
            values = _given(value)
            if check is None or not values:
                continue
            noun = filterset.filters[name].noun
            missing = check(request.user, values)
            if missing:
                errors[name] = [UNKNOWN_VALUE.format(value=v, noun=noun) for v in missing]
        if errors:
            raise ValidationError(errors)
