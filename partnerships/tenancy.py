"""The shape every tenant-owned model shares, written once.

`PartnershipOwned` gives a model its required, indexed `partnership` foreign key (deleted with
the partnership) and the scoped manager, whose `for_user()` is the only way a view reads it
(`partnerships.access`). History stays each model's own choice: `scoped_history()` for those
that keep it. So do the per-partnership unique constraints, in each model's Meta.

Each model names the partnership's reverse accessor for its rows, which code uses
(`partnership.organisations`): `partnership_related_name = "organisations"`.

Tenant rows keyed another way keep their own field and say so beside it:
`outcomes.Metric` (its `owner` is empty for national metrics), `outcomes.ImportBatch` (empty
for a batch of the national reference data), `outcomes.SummaryState` and
`cdp.PublicPage` (one per partnership: a one-to-one field), and `Partnership` itself (scoped
by its own primary key). tests/partnerships/test_tenancy.py holds the list.
"""

from django.db import models
from simple_history.models import HistoricalRecords

from .access import ScopedQuerySet


class PartnershipKey(models.ForeignKey):
    """The `partnership` foreign key of a tenant model. It takes its related name from the
    model's `partnership_related_name`, and migrations see a plain ForeignKey."""

    def contribute_to_class(self, cls, name, *args, **kwargs):
        if self.remote_field.related_name is None and not cls._meta.abstract:
            related_name = getattr(cls, "partnership_related_name", None)
            if not related_name:
                raise TypeError(
                    f"{cls.__name__} must name its rows' accessor on Partnership: "
                    'partnership_related_name = "..."'
                )
            # Both: the relation uses the one, migrations read the other (deconstruct).
            self._related_name = self.remote_field.related_name = related_name
        super().contribute_to_class(cls, name, *args, **kwargs)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.ForeignKey", args, kwargs


def partnership_key() -> PartnershipKey:
    return PartnershipKey("partnerships.Partnership", on_delete=models.CASCADE)


class PartnershipOwned(models.Model):
    """The base of every model whose rows belong to one partnership."""

    partnership = partnership_key()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


class ScopedHistory(models.Model):
    """The base of the historical copy of a tenant model: history is tenant data too."""

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True


def scoped_history(**kwargs) -> HistoricalRecords:
    """django-simple-history's records for a model with a `partnership` foreign key."""
    return HistoricalRecords(bases=[ScopedHistory], **kwargs)
