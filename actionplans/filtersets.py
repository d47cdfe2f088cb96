"""One FilterSet per model, shared by the plan page and the API."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.forms import CheckboxSelectMultiple
from django.utils import timezone

from partnerships.api.filters import PartnershipFilter
from partnerships.models import Organisation

from .models import ActionPlan, Milestone, MilestoneStatus, Priority, Strand
from .progress import (  # the rule's database forms: `progress` owns them
    DERIVED_STATUSES,
    derived_status_expression,
    overdue_q,
)

__all__ = ["ActionPlanFilterSet", "MilestoneFilterSet", "PlanPageFilterSet", "overdue_q"]


class ActionPlanFilterSet(django_filters.FilterSet):
    partnership = PartnershipFilter()

    class Meta:
        model = ActionPlan
        fields = ["partnership"]


class MilestoneFilterSet(django_filters.FilterSet):
    partnership = PartnershipFilter()
    status = django_filters.MultipleChoiceFilter(
        choices=MilestoneStatus.choices, label="Status",
        widget=CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}))
    derived_status = django_filters.MultipleChoiceFilter(
        choices=DERIVED_STATUSES, label="Derived status", method="filter_derived_status",
        help_text="The status shown: overdue overrides every unfinished status.")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", label="Overdue only",
        help_text="true: only overdue milestones; false: only those not overdue.")
    lead = django_filters.ModelChoiceFilter(
        field_name="key_action__lead", queryset=get_user_model().objects.none(),
        label="Lead", empty_label="Any lead")
    partner = django_filters.ModelChoiceFilter(
        field_name="key_action__responsible_partners", queryset=Organisation.objects.none(),
        label="Responsible partner", empty_label="Any partner")
    year = django_filters.NumberFilter(
        field_name="plan_year", label="Plan year", help_text="1, 2, 3… of the plan")
    priority = django_filters.ChoiceFilter(
        field_name="key_action__objective__priority", choices=Priority.choices,
        label="National priority", empty_label="Any priority")
    strand = django_filters.ChoiceFilter(
        field_name="key_action__objective__strand", choices=Strand.choices,
        label="4P strand", empty_label="Any strand")

    class Meta:
        model = Milestone
        fields = ["partnership", "status", "derived_status", "overdue", "lead", "partner",
                  "year", "priority", "strand"]

    def __init__(self, *args, leads=None, partners=None, **kwargs):
        super().__init__(*args, **kwargs)
        if leads is not None:
            self.filters["lead"].queryset = leads
        if partners is not None:
            self.filters["partner"].queryset = partners

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        late = overdue_q(timezone.localdate())
        return queryset.filter(late) if value else queryset.exclude(late)

    def filter_derived_status(self, queryset, name, value):
        """Milestones whose derived status (as of today) is one of those chosen."""
        if not value:
            return queryset
        return queryset.alias(
            derived=derived_status_expression(timezone.localdate())).filter(derived__in=value)


class PlanPageFilterSet(MilestoneFilterSet):
    """The plan page's filters. Its "Status" is the status the page shows: an overdue
    milestone is found under "Overdue", not under the status recorded for it."""

    status = django_filters.MultipleChoiceFilter(
        choices=DERIVED_STATUSES, label="Status", method="filter_derived_status",
        widget=CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}))
