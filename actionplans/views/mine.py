"""A lead's own milestones: every milestone of the key actions they lead, across the
partnerships they may see, overdue first. Not under a partnership: which partnerships count
is asked of `access` (through the scoped queryset)."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils.decorators import method_decorator
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from partnerships import access
from partnerships.models import Partnership

from ..log_selectors import lead_milestones
from .base import date_today


@method_decorator(never_cache, name="dispatch")
class MyMilestonesView(LoginRequiredMixin, TemplateView):
    template_name = "actionplans/my_milestones.html"
    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs):
        milestones = lead_milestones(user=self.request.user, today=date_today())
        editable = set(Partnership.objects.for_user(self.request.user, access.EDIT_PLAN)
                       .values_list("pk", flat=True)) if milestones else set()
        for milestone in milestones:
            milestone.can_update = milestone.partnership_id in editable
        partnerships = {m.partnership_id: m.partnership for m in milestones}
        return super().get_context_data(
            milestones=milestones, overdue=sum(m.is_overdue for m in milestones),
            partnerships=len(partnerships),
            # Named once above the list, not on every row, when all are in one partnership.
            only_partnership=next(iter(partnerships.values())) if len(partnerships) == 1
            else None, **kwargs)
