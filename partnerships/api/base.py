"""The base of every API viewset. Other apps' viewsets inherit it and cannot bypass it."""

from __future__ import annotations

from django.db import models
from rest_framework import mixins, viewsets

from .. import access
from ..models import Partnership
from .csv import flatten, serializer_columns, streaming_csv, streaming_queryset_csv

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ScopedViewSet(viewsets.GenericViewSet):
    """Scopes every queryset to the request's user, once, in `get_queryset`.

    Subclasses set `queryset` (the model's unfiltered queryset, with any select_related) and
    may set `write_action`. They may not override `get_queryset` (PostHog's guard): an object
    outside the user's partnerships is then a 404 on every route, never a 403.
    """

    read_action: str = access.VIEW
    write_action: str = access.EDIT_PLAN

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.get_queryset is not ScopedViewSet.get_queryset:
            raise TypeError(
                f"{cls.__name__} overrides get_queryset; scope through "
                "ScopedViewSet and narrow with a FilterSet instead."
            )
        if getattr(cls, "list", None) is mixins.ListModelMixin.list:
            raise TypeError(f"{cls.__name__} lists with ListModelMixin; use ListMixin, "
                            "which also answers in CSV.")

    def scope_action(self) -> str:
        return self.read_action if self.request.method in SAFE_METHODS else self.write_action

    def get_queryset(self) -> models.QuerySet:
        queryset = self.queryset
        if queryset is None:
            raise TypeError(f"{type(self).__name__} must set `queryset`.")
        return queryset.all().for_user(self.request.user, self.scope_action())

    def perform_create(self, serializer) -> None:
        """A new row may only go into a partnership the user may write to; otherwise 404."""
        partnership = serializer.validated_data.get("partnership")
        if partnership is not None:
            access.get_for_user(Partnership.objects.only("pk"), self.request.user,
                                self.write_action, pk=partnership.pk)
        serializer.save()


class ListMixin(mixins.ListModelMixin):
    """A list: JSON pages, or every row as streamed CSV (`?format=csv`, `Accept: text/csv`).

    A viewset may name its CSV columns in `csv_columns`, {column: lookup}, read with
    `values_list` (quick, for the big lists); otherwise they are its serializer's fields."""

    csv_columns: dict[str, str] | None = None

    def list(self, request, *args, **kwargs):
        if getattr(request.accepted_renderer, "format", None) != "csv":
            return super().list(request, *args, **kwargs)
        queryset = self.filter_queryset(self.get_queryset())
        name = self.basename or "rows"
        if self.csv_columns:
            return streaming_queryset_csv(queryset, self.csv_columns, filename=name)
        header = serializer_columns(self.get_serializer())
        rows = (
            [flat.get(n) for n in header]
            for flat in (flatten(self.get_serializer(obj).data)
                         for obj in queryset.order_by("pk").iterator(chunk_size=2000)))
        return streaming_csv(header, rows, filename=name)
