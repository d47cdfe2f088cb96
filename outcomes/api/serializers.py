from datetime import date, datetime

from django.utils import timezone
from rest_framework import serializers
from rest_framework.reverse import reverse

from ..importers import MAX_FILE_BYTES
from ..models import Annotation, ImportBatch, ImportRowProblem, Metric, Target
from ..selectors import entry_coverage


class ImportBatchSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    problems_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id", "partnership", "file_name", "format", "status", "failure", "created_by",
            "created_at", "finished_at", "rows_total", "inserted", "updated", "unchanged",
            "skipped", "rejected", "rolled_back_at", "problems_url",
        ]
        read_only_fields = fields

    def get_problems_url(self, batch) -> str:
        return reverse("api:import-problems", args=[batch.pk], request=self.context.get("request"))


class ImportCreateSerializer(serializers.Serializer):
    partnership = serializers.SlugField(help_text="The partnership to load into, e.g. rotherham")
    file = serializers.FileField(help_text=f"CSV or XLSX, at most {MAX_FILE_BYTES // 2**20} MB")
    format = serializers.ChoiceField(choices=["fingertips", "tidy"])
    create_missing_metrics = serializers.BooleanField(default=False)
    dry_run = serializers.BooleanField(default=False, help_text="Check only; write nothing")
    accept_valid = serializers.BooleanField(
        default=False, help_text="Import the valid rows even when others are rejected"
    )

    def validate_file(self, upload):
        if upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(
                f"The file must be smaller than {MAX_FILE_BYTES // 2**20} MB.")
        return upload


class ImportRowProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRowProblem
        fields = ["line", "kind", "reason"]


class ImportApplySerializer(serializers.Serializer):
    accept_valid = serializers.BooleanField(
        default=False, help_text="Import the valid rows even when others are rejected"
    )


class RowSerializer(serializers.Serializer):
    """A row read with `values()`, by its API names. `columns` maps each name to its key
    in the row (a lookup such as "metric__code"); the declared fields describe it in the
    schema. Rows become JSON without a field object per value: a 1,000-row page is quick."""

    columns: dict[str, str] = {}

    def to_representation(self, row) -> dict:
        return {name: _plain(row[key]) for name, key in self.columns.items()}


def _plain(value):
    return value.isoformat() if isinstance(value, date | datetime) else value


VALUE_COLUMNS = {
    "metric": "metric__code", "area_code": "area_code", "area_name": "area_name",
    "period_label": "period_label", "period_start": "period_start", "period_end": "period_end",
    "period_year_type": "period_year_type", "sex": "sex", "age": "age",
    "category_type": "category_type", "category": "category",
}
FIGURE_COLUMNS = {
    "value": "shown_value", "count": "shown_count", "denominator": "shown_denominator",
    "lower_ci": "shown_lower_ci", "upper_ci": "shown_upper_ci",
    "value_note": "shown_value_note",
}


class ValuesSerializer(RowSerializer):
    metric = serializers.CharField(help_text="The metric's code")
    area_code = serializers.CharField(help_text="ONS code of the area")
    area_name = serializers.CharField()
    period_label = serializers.CharField(help_text="As Fingertips labels it, e.g. 2022/23")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    period_year_type = serializers.CharField(help_text="calendar or financial")
    sex = serializers.CharField(help_text="Blank or Persons for everyone")
    age = serializers.CharField(help_text="Blank or All ages for everyone")
    category_type = serializers.CharField(help_text="e.g. Deprivation quintile; blank for none")
    category = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    count = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    lower_ci = serializers.FloatField(allow_null=True, help_text="Lower 95% confidence limit")
    upper_ci = serializers.FloatField(allow_null=True, help_text="Upper 95% confidence limit")
    value_note = serializers.CharField(help_text="e.g. why a value is missing or suppressed")


class ObservationSerializer(ValuesSerializer):
    """A partnership's figure: one row per partnership × metric × area × period × breakdown.
    Outside your own partnerships, figures built on a count of 1 to 4 are suppressed (null,
    with a note) where the metric is under disclosure control."""

    columns = {"id": "pk", "partnership": "partnership__slug", **VALUE_COLUMNS, **FIGURE_COLUMNS}
    id = serializers.IntegerField()
    partnership = serializers.CharField(help_text="The partnership's slug")


REFERENCE_COLUMNS = {
    "id": "pk", "metric": "metric__code", "metric_name": "metric__name",
    "area_code": "area_code", "area_name": "area_name", "area_type": "area_type",
    "parent_code": "parent_code", "period_label": "period_label",
    "period_start": "period_start", "period_end": "period_end",
    "period_year_type": "period_year_type", "period_sortable": "period_sortable",
    "sex": "sex", "age": "age", "category_type": "category_type", "category": "category",
    "value": "value", "lower_ci": "lower_ci", "upper_ci": "upper_ci",
    "lower_ci_998": "lower_ci_998", "upper_ci_998": "upper_ci_998", "count": "count",
    "denominator": "denominator", "value_note": "value_note", "source": "source",
    "england_value": "england_value", "england_comparison": "england_comparison",
    "region_value": "region_value", "region_comparison": "region_comparison",
    "trend_marker": "trend_marker", "trend_label": "trend_label", "quintile": "quintile",
    "rank": "rank", "rank_of": "rank_of", "illustrative": "illustrative", "licence": "licence",
}


class ReferenceSerializer(RowSerializer):
    """A published figure for an area of England (England, a region, an upper-tier local
    authority…): the national reference data, the same for everyone signed in. With each
    figure: its comparison with England and with its region, its recent trend, and its rank
    and quintile among all the areas of its area type for the period, as Fingertips
    computes them. Invented figures (the demonstration's) say so: `illustrative` is true
    and their value note says "Illustrative"."""

    columns = REFERENCE_COLUMNS
    id = serializers.IntegerField()
    metric = serializers.CharField(help_text="The metric's code")
    metric_name = serializers.CharField()
    area_code = serializers.CharField(help_text="ONS code of the area")
    area_name = serializers.CharField()
    area_type = serializers.CharField(
        help_text="As published, e.g. England, Region, County & UA (pre 4/19)")
    parent_code = serializers.CharField(help_text="The area's region as published; blank for "
                                                  "England and the regions")
    period_label = serializers.CharField(help_text="As Fingertips labels it, e.g. 2016 - 18")
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    period_year_type = serializers.CharField(help_text="calendar, financial or academic")
    period_sortable = serializers.IntegerField(help_text="Sorts the periods in time order")
    sex = serializers.CharField(help_text="e.g. Persons, Male, Female")
    age = serializers.CharField(help_text="e.g. All ages")
    category_type = serializers.CharField(help_text="e.g. County & UA deprivation deciles; "
                                                    "blank for none")
    category = serializers.CharField()
    value = serializers.FloatField(allow_null=True)
    lower_ci = serializers.FloatField(allow_null=True, help_text="Lower 95% confidence limit")
    upper_ci = serializers.FloatField(allow_null=True, help_text="Upper 95% confidence limit")
    lower_ci_998 = serializers.FloatField(allow_null=True,
                                          help_text="Lower 99.8% confidence limit")
    upper_ci_998 = serializers.FloatField(allow_null=True,
                                          help_text="Upper 99.8% confidence limit")
    count = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    value_note = serializers.CharField(help_text="As published; \"Illustrative\" for an "
                                                 "invented figure")
    source = serializers.CharField()
    england_value = serializers.FloatField(allow_null=True,
                                           help_text="England's figure for the same period")
    england_comparison = serializers.CharField(
        help_text="Better, Similar, Worse, Higher, Lower or Not compared, as Fingertips says")
    region_value = serializers.FloatField(allow_null=True)
    region_comparison = serializers.CharField()
    trend_marker = serializers.CharField(help_text="e.g. Increasing, No significant change")
    trend_label = serializers.CharField(help_text="The recent trend in words")
    quintile = serializers.IntegerField(help_text="1 to 5 among the areas of the area type; "
                                                  "0 if not ranked")
    rank = serializers.IntegerField(allow_null=True, help_text="1 is the best (or highest)")
    rank_of = serializers.IntegerField(allow_null=True, help_text="How many areas are ranked")
    illustrative = serializers.BooleanField(
        help_text="True for an invented figure (the demonstration's), not a published one")
    licence = serializers.CharField(help_text="The licence and credit of a published figure")


class BenchmarkSerializer(ValuesSerializer):
    """England's (E92000001) or a region's figure."""

    columns = {"id": "pk", **VALUE_COLUMNS, "value": "value", "count": "count",
               "denominator": "denominator", "lower_ci": "lower_ci", "upper_ci": "upper_ci",
               "value_note": "value_note"}
    id = serializers.IntegerField()


class MetricSerializer(serializers.ModelSerializer):
    outcome = serializers.CharField(source="outcome.name", read_only=True, allow_null=True,
                                    default=None)
    local_to = serializers.SlugRelatedField(
        source="owner", slug_field="slug", read_only=True, allow_null=True,
        help_text="The partnership a local metric belongs to; null for national metrics")

    class Meta:
        model = Metric
        fields = ["id", "code", "name", "short_name", "outcome", "tier", "unit", "polarity",
                  "frequency",
                  "publication_lag_months", "source", "fingertips_id", "disclosure_control",
                  "local_to"]
        read_only_fields = fields


class TargetSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    metric = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Target
        fields = ["id", "partnership", "metric", "description", "baseline_value",
                  "baseline_period", "baseline_end", "target_value", "due_period", "due_end",
                  "source"]
        read_only_fields = fields


class AnnotationSerializer(serializers.ModelSerializer):
    """A partnership's dated note on a metric, as its charts show it."""

    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    metric = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Annotation
        fields = ["id", "partnership", "metric", "date", "text", "created_at"]
        read_only_fields = fields


SUMMARY_FIGURES = ("value", "lower_ci", "upper_ci", "count", "denominator", "previous_value",
                   "change", "quintile", "rank")


class MetricSummarySerializer(RowSerializer):
    """The dashboard's figures for a partnership × metric × area: the latest value, the one
    before, England and the region with the comparison with each, the recent trend, the
    target's status, the quintile and rank among partnerships and England's range. Outside
    your own partnerships, a figure built on a count of 1 to 4 is suppressed (null) where
    the metric is under disclosure control."""

    columns = {
        "id": "pk", "partnership": "partnership__slug", "metric": "metric__code",
        "area_code": "area_code", "area_name": "area_name", "period_label": "period_label",
        "period_end": "period_end",
        **{name: f"shown_{name}" for name in SUMMARY_FIGURES[:7]},
        "value_note": "value_note", "previous_period_label": "previous_period_label",
        "england_value": "england_value", "england_comparison": "england_comparison",
        "region_code": "region_code", "region_value": "region_value",
        "region_comparison": "region_comparison", "trend": "trend_label",
        "target_description": "target_description", "target_value": "target_value",
        "target_due_period": "target_due_period", "target_status": "target_status",
        "quintile": "shown_quintile", "rank": "shown_rank", "rank_of": "rank_of",
        "range_min": "range_min", "range_q1": "range_q1", "range_median": "range_median",
        "range_q3": "range_q3", "range_max": "range_max", "computed_at": "computed_at",
    }
    id = serializers.IntegerField()
    partnership = serializers.CharField(help_text="The partnership's slug")
    metric = serializers.CharField(help_text="The metric's code")
    area_code = serializers.CharField()
    area_name = serializers.CharField()
    period_label = serializers.CharField(help_text="The latest period with figures")
    period_end = serializers.DateField()
    value = serializers.FloatField(allow_null=True)
    lower_ci = serializers.FloatField(allow_null=True)
    upper_ci = serializers.FloatField(allow_null=True)
    count = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    previous_value = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    value_note = serializers.CharField()
    previous_period_label = serializers.CharField()
    england_value = serializers.FloatField(allow_null=True)
    england_comparison = serializers.CharField(help_text="Better, Similar, Worse, Not compared…")
    region_code = serializers.CharField()
    region_value = serializers.FloatField(allow_null=True)
    region_comparison = serializers.CharField()
    trend = serializers.CharField(help_text="The recent trend, in words")
    target_description = serializers.CharField()
    target_value = serializers.FloatField(allow_null=True)
    target_due_period = serializers.CharField()
    target_status = serializers.CharField()
    quintile = serializers.IntegerField(allow_null=True, help_text="1 to 5; 0 if not ranked")
    rank = serializers.IntegerField(allow_null=True)
    rank_of = serializers.IntegerField(allow_null=True)
    range_min = serializers.FloatField(allow_null=True)
    range_q1 = serializers.FloatField(allow_null=True)
    range_median = serializers.FloatField(allow_null=True)
    range_q3 = serializers.FloatField(allow_null=True)
    range_max = serializers.FloatField(allow_null=True)
    computed_at = serializers.DateTimeField()


class CoverageSerializer(serializers.Serializer):
    """A metric of a partnership's local framework: the latest period held for the
    partnership's areas, the latest period that should be published by today (from the
    metric's frequency and publication lag) and how many periods behind that is. Read
    from framework entries annotated by `selectors.with_latest_held`."""

    partnership = serializers.CharField(help_text="The partnership's slug")
    metric = serializers.CharField(help_text="The metric's code")
    metric_name = serializers.CharField()
    frequency = serializers.ChoiceField(choices=Metric.Frequency.choices)
    publication_lag_months = serializers.IntegerField(
        allow_null=True, help_text="Months after a period ends that its figures are normally "
                                   "published; null if not known")
    latest_held = serializers.CharField(allow_null=True, help_text="The latest period held, "
                                        "e.g. 2022/23; null if none")
    latest_held_end = serializers.DateField(allow_null=True)
    expected = serializers.CharField(
        allow_null=True, help_text="The latest period that should be published by today; "
                                   "null for a metric with no publication schedule")
    expected_due = serializers.DateField(allow_null=True, help_text="The day it was due")
    periods_behind = serializers.IntegerField(
        allow_null=True, help_text="0 when up to date; null when nothing is held or expected")
    status = serializers.ChoiceField(
        choices=["behind", "no_data", "up_to_date", "not_scheduled"],
        help_text="behind, no_data (nothing held), up_to_date, or not_scheduled (published "
                  "when reported, or the publication lag is not known)")
    status_text = serializers.CharField(
        help_text="The status in words, e.g. 1 period behind: 2023/24 expected")
    next_expected = serializers.CharField(allow_null=True, help_text="The period after the "
                                          "expected one")
    next_due = serializers.DateField(allow_null=True)

    def to_representation(self, entry) -> dict:
        today = self.context.get("today") or timezone.localdate()
        coverage = entry_coverage(entry, today)
        metric = entry.metric
        return {
            "partnership": entry.partnership.slug, "metric": metric.code,
            "metric_name": metric.name, "frequency": metric.frequency,
            "publication_lag_months": metric.publication_lag_months,
            "latest_held": coverage.held, "latest_held_end": _plain(entry.held_end),
            "expected": coverage.expected, "expected_due": _plain(coverage.due),
            "periods_behind": coverage.behind, "status": coverage.status,
            "status_text": coverage.words, "next_expected": coverage.next_expected,
            "next_due": _plain(coverage.next_due),
        }
