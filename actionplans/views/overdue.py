"""Overdue milestones re-dated or closed several at once, by those who may edit the plan."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView

from partnerships import access
from partnerships.mixins import add_service_error

from ..derived import overdue_milestones
from ..forms import OverdueMilestonesForm
from ..services.redating import StaleBulkEdit, milestones_close, milestones_redate
from .base import PlanViewMixin, date_today


class OverdueMilestonesView(PlanViewMixin, FormView):
    template_name = "actionplans/overdue.html"
    form_class = OverdueMilestonesForm
    read_action = access.EDIT_PLAN

    def rows(self) -> list:
        if not hasattr(self, "_rows"):
            self._rows = overdue_milestones(partnership=self.partnership,
                                            user=self.request.user, action=access.EDIT_PLAN,
                                            today=date_today())
        return self._rows

    def get_initial(self):
        return {"versions": ",".join(f"{m.pk}:{m.version}" for m in self.rows())}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "rows": self.rows()}

    def get_context_data(self, **kwargs):
        return super().get_context_data(plan=self.get_plan(), rows=self.rows(), **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        common = {"partnership": self.partnership, "user": self.request.user,
                  "versions": data["chosen"], "reason": data["reason"], "today": date_today()}
        try:
            if data["action"] == "redate":
                changed = milestones_redate(due_date=data["due_date"], **common)
                done = f"re-dated to {data['due_date']:%-d %B %Y}"
            else:
                changed = milestones_close(**common)
                done = "closed"
        except StaleBulkEdit as stale:
            return self.stale(stale.titles)
        except ValidationError as error:
            return self.form_invalid(add_service_error(form, error))
        count = len(changed)
        messages.success(self.request,
                         f"{count} milestone{'s' if count != 1 else ''} {done}.")
        return HttpResponseRedirect(self.request.path)

    def stale(self, titles: list[str]):
        """Nothing was saved: the list is shown again as it is now, with what changed."""
        messages.error(self.request, "Nothing was saved: someone changed these milestones "
                       "since you opened the page, or they are no longer overdue: "
                       + "; ".join(t[:80] for t in titles) + ". Check them and try again.")
        return HttpResponseRedirect(self.request.path)
