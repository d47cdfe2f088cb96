"""The API's filter backend: django-filter's, strict about what it is given."""

from __future__ import annotations

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework.exceptions import ValidationError

# Query parameters that are not filters: pagination and the response's format.
NOT_FILTERS = frozenset({"cursor", "page_size", "format"})


class StrictFilterBackend(DjangoFilterBackend):
    """An unknown query parameter is a 400 naming it and the filters there are, rather than
    being ignored: a misspelt `metirc=` would otherwise return every metric's rows."""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        known = set(filterset_class.base_filters) if filterset_class else set()
        unknown = sorted(set(request.query_params) - known - NOT_FILTERS)
        if unknown:
            choices = ", ".join(sorted(known)) or "none"
            raise ValidationError({name: [f"Unknown filter. The filters here are: {choices}."]
                                   for name in unknown})
        return super().filter_queryset(request, queryset, view)
