"""The plan page, and the forms that set up the plan and add objectives and key actions."""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.generic import TemplateView

from partnerships import access, page_cache
from partnerships.models import Organisation
from partnerships.selectors import member_users

from .. import plan_fragment, selectors
from ..demo.builders import demo_shift
from ..forms import ActionPlanForm, KeyActionForm, ObjectiveForm
from ..models import ActionPlan, Objective
from ..services.plan import action_plan_save, key_action_create, objective_create
from .base import PlanFormView, PlanViewMixin, date_today


class PlanView(PlanViewMixin, TemplateView):
    write_action = None
    template_name = "actionplans/plan.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan = self.get_plan()
        grouping = "strand" if self.request.GET.get("group") == "strand" else "priority"
        context.update(plan=plan, grouping=grouping)
        if plan is not None:
            today = date_today()
            version = plan_fragment.plan_version(partnership_id=self.partnership.pk)
            key = plan_fragment.plan_key(
                partnership=self.partnership, version=version, today=today,
                actions=self.actions, query=list(self.request.GET.lists()))
            html = page_cache.cached(key, lambda: self.milestones_html(
                plan, grouping, context["can"], today))
            context["plan_milestones"] = mark_safe(html)  # noqa: S308 - rendered here
            if settings.DEMO:
                context["demo_years"] = demo_shift(self.partnership.slug, plan.first_year)
        return context

    def milestones_html(self, plan, grouping: str, can: dict, today) -> str:
        """The milestones' counts, filter form and tables (templates/actionplans/
        _plan_milestones.html) as of `today`, for the cache: the same for everyone who may
        see the partnership, but for the links that `can` gives."""
        query = self.request.GET.copy()
        query.pop("group", None)
        context = selectors.plan_page(
            partnership=self.partnership, user=self.request.user, plan=plan,
            params=self.request.GET, grouping=grouping, today=today)
        context.update(
            partnership=self.partnership, can=can, grouping=grouping,
            filter_query=query.urlencode(),
            filtered=any(v for k, v in self.request.GET.items() if k != "group"),
            years=[(y, plan.year_label(y)) for y in range(1, plan.years + 1)],
            milestone_base=f"{self.plan_url()}milestones/")
        return str(render_to_string("actionplans/_plan_milestones.html", context))


class PlanEditView(PlanFormView):
    form_class = ActionPlanForm
    needs_plan = False

    @property
    def heading(self):
        return "Change the plan's details" if self.get_plan() else "Set up the action plan"

    def get_initial(self):
        plan = self.get_plan()
        if plan is None:
            return {"title": f"{self.partnership.name} action plan", "years": 3,
                    "status": "draft"}
        initial = {name: getattr(plan, name) for name in (
            "title", "first_year", "years", "status", "signed_off_on", "signed_off_by")}
        if self.request.GET.get("sign_off") and plan.status == ActionPlan.Status.DRAFT:
            # "Sign off the plan": the status chosen and today's date given, to check.
            initial.update(status=ActionPlan.Status.SIGNED_OFF,
                           signed_off_on=initial["signed_off_on"] or date_today())
        return initial

    def save(self, data):
        plan = action_plan_save(partnership=self.partnership, user=self.request.user, **data)
        return f"Plan saved: {plan.title}, {plan.span}.", None


class ObjectiveCreateView(PlanFormView):
    form_class = ObjectiveForm
    heading = "Add an objective"

    def save(self, data):
        objective = objective_create(plan=self.get_plan(), user=self.request.user, **data)
        return f"Objective added: {objective.title}.", None


class KeyActionCreateView(PlanFormView):
    form_class = KeyActionForm
    heading = "Add a key action"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["objectives"] = self.scoped(Objective, access.EDIT_PLAN)
        kwargs["members"] = member_users(partnership=self.partnership, user=self.request.user)
        kwargs["organisations"] = self.scoped(Organisation).order_by("name")
        return kwargs

    def save(self, data):
        action = key_action_create(user=self.request.user, **data)
        return f"Key action added: {action.title}.", None
