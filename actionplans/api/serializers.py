"""The API's view of action plans and milestones: tidy rows with stable names.

`MilestoneSerializer` both shows a milestone and checks a PATCH body; the viewset passes the
checked changes to `services.milestone_update`, which decides whether and how to save them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from outcomes.models import Metric
from outcomes.selectors import metrics_for_entry

from .. import progress
from ..models import ActionPlan, Milestone, Priority, Strand


class ActionPlanSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    span = serializers.CharField(read_only=True, help_text="e.g. 2022/23 to 2024/25")

    class Meta:
        model = ActionPlan
        fields = ["id", "partnership", "title", "first_year", "years", "span", "status",
                  "signed_off_on", "signed_off_by"]
        read_only_fields = fields


class PerformanceMeasuresField(serializers.ListField):
    """A milestone's performance measures as metric codes, sorted."""

    child = serializers.SlugField()

    def to_representation(self, metrics) -> list[str]:
        return sorted(metric.code for metric in metrics.all())


class MilestoneSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    priority = serializers.ChoiceField(
        source="key_action.objective.priority", choices=Priority.choices, allow_blank=True,
        read_only=True, help_text="The national priority of its objective")
    strand = serializers.ChoiceField(
        source="key_action.objective.strand", choices=Strand.choices, allow_blank=True,
        read_only=True, help_text="The 4P strand of its objective")
    objective = serializers.CharField(source="key_action.objective.title", read_only=True)
    key_action = serializers.CharField(source="key_action.title", read_only=True)
    action_reference = serializers.CharField(source="key_action.reference", read_only=True)
    lead = serializers.SerializerMethodField(help_text="The key action's lead (username)")
    responsible_partners = serializers.SerializerMethodField(
        help_text="The key action's responsible partners, by name")
    due_by = serializers.SerializerMethodField(
        help_text="The due date, or the end of the plan year (31 March)")
    overdue = serializers.SerializerMethodField(
        help_text="Past its due date, or its plan year has ended, and not complete or closed")
    derived_status = serializers.SerializerMethodField(
        help_text="The status to show, derived when read: `overdue` when past its due date (or "
                  "its plan year has ended) and not complete or closed, whatever status is "
                  "recorded; otherwise the recorded `status`. `status` stays as recorded.")
    has_evidence_file = serializers.SerializerMethodField()
    performance_measures = PerformanceMeasuresField(
        source="metrics", required=False,
        help_text="Metric codes: national metrics or the partnership's own local ones")

    class Meta:
        model = Milestone
        fields = [
            "id", "partnership", "priority", "strand", "objective", "key_action",
            "action_reference", "lead", "responsible_partners", "title", "due_date",
            "plan_year", "due_by", "overdue", "status", "derived_status", "original_due_date",
            "redate_reason", "status_is_synthetic", "progress_note",
            "progress_on", "evidence_link", "has_evidence_file", "performance_measures",
            "version", "updated_at",
        ]
        read_only_fields = ["id", "status_is_synthetic", "original_due_date", "redate_reason",
                            "version", "updated_at"]

    def get_lead(self, milestone: Milestone) -> str | None:
        lead = milestone.key_action.lead
        return lead.username if lead else None

    def get_responsible_partners(self, milestone: Milestone) -> list[str]:
        return [partner.name for partner in milestone.key_action.responsible_partners.all()]

    def get_due_by(self, milestone: Milestone) -> date | None:
        return progress.due_by(milestone.due_date, milestone.plan_year,
                               milestone.key_action.objective.plan.first_year)

    def get_overdue(self, milestone: Milestone) -> bool:
        return progress.is_overdue(milestone.status, self.get_due_by(milestone),
                                   timezone.localdate())

    @extend_schema_field(serializers.ChoiceField(choices=progress.DERIVED_STATUSES))
    def get_derived_status(self, milestone: Milestone) -> str:
        return progress.derived_status(milestone.status, self.get_due_by(milestone),
                                       timezone.localdate())

    def get_has_evidence_file(self, milestone: Milestone) -> bool:
        return bool(milestone.evidence_file)

    def to_internal_value(self, data):
        """A field that cannot be changed is an error, never silently ignored."""
        if isinstance(data, Mapping):
            refused = {
                name: ["This field is read-only." if name in self.fields else
                       "There is no such field."]
                for name in data
                if name not in self.fields or self.fields[name].read_only
            }
            if refused:
                raise serializers.ValidationError(refused)
        return super().to_internal_value(data)

    def validate_performance_measures(self, codes: list[str]) -> list[Metric]:
        """Codes to metrics the partnership may use; its own local metric wins over a national
        one with the same code."""
        milestone = self.instance
        usable = metrics_for_entry(partnership=milestone.partnership,
                                   user=self.context["request"].user).filter(code__in=codes)
        by_code = {m.code: m for m in sorted(usable, key=lambda m: m.owner_id is not None)}
        unknown = sorted({code for code in codes if code not in by_code})
        if unknown:
            raise serializers.ValidationError(
                [f"{code!r} is not a metric code this partnership can use." for code in unknown])
        return list({by_code[code].pk: by_code[code] for code in codes}.values())


class MilestoneStaleSerializer(serializers.Serializer):
    """The answer to an edit made from an older version: what is saved now."""

    detail = serializers.CharField()
    current = MilestoneSerializer()


class MilestoneErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
