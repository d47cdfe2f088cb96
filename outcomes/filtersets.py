"""One FilterSet per model, shared by list pages and the API."""

import django_filters

from .models import ImportBatch


class ImportBatchFilterSet(django_filters.FilterSet):
    partnership = django_filters.CharFilter(field_name="partnership__slug",
                                            help_text="Partnership slug, e.g. rotherham")
    status = django_filters.ChoiceFilter(choices=ImportBatch.Status.choices)

    class Meta:
        model = ImportBatch
        fields = ["partnership", "status"]
