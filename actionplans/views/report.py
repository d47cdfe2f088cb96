"""The annual progress report: a page, and its milestones as CSV."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.views.generic import TemplateView, View

from partnerships.csvsafe import escape_formula

from .. import selectors
from .base import PlanViewMixin


class ReportMixin(PlanViewMixin):
    write_action = None

    def report(self):
        plan = self.get_plan()
        if plan is None:
            raise Http404("No plan yet")
        default = selectors.default_report_year(plan)
        self.year_problem = ""
        try:
            year = int(self.request.GET.get("year", default))
        except ValueError:
            year = None
        if year is None or not 1 <= year <= plan.years:
            self.year_problem = (f"There is no year {self.request.GET.get('year')!s} in this "
                                 f"plan; it has years 1 to {plan.years}.")
            year = default
        return plan, selectors.annual_report(partnership=self.partnership,
                                             user=self.request.user, plan=plan, year=year)


class ReportView(ReportMixin, TemplateView):
    template_name = "actionplans/report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        plan, report = self.report()
        context.update(plan=plan, report=report, year_problem=self.year_problem)
        return context


class ReportCsvView(ReportMixin, View):
    """The report's milestones, one row each, for a spreadsheet."""

    def get(self, request, *args, **kwargs):
        plan, report = self.report()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="{self.partnership.slug}-progress-year-{report["year"]}.csv"')
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(["plan_year", "priority", "strand", "objective", "key_action",
                         "milestone", "due", "status", "derived_status", "original_due_date",
                         "progress_category", "progress_date",
                         "progress", "performance_measures"])
        labels = dict(selectors.REPORT_CATEGORIES)
        for m in report["milestones"]:
            objective = m.key_action.objective
            writer.writerow([escape_formula(v) for v in [
                report["year_label"], objective.get_priority_display(),
                objective.get_strand_display(), objective.title, m.key_action.title, m.title,
                m.due_by.isoformat() if m.due_by else "", m.get_status_display(),
                m.derived_status_display,
                m.original_due_date.isoformat() if m.original_due_date else "",
                labels[m.category], m.progress_on.isoformat() if m.progress_on else "",
                m.progress_note, "; ".join(metric.code for metric in m.metrics.all()),
            ]])
        return response
