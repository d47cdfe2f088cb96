"""The generic case (tests/scoped_views.py) for each page of actionplans/urls.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplans.models import (
    ActionPlan,
    Ask,
    DigestPreference,
    KeyAction,
    Milestone,
    Objective,
    PlanImport,
    ProgressEvidence,
    Risk,
)
from partnerships import access

from ..scoped_views import ScopedObjectViewCase, ScopedViewCase, client_for, slug

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants


def milestone(t, side: str) -> dict:
    return {**slug(t, side), "pk": t.milestones[side].pk}


def risk(t, side: str) -> dict:
    return {**slug(t, side), "pk": t.risks[side].pk}


def ask(t, side: str) -> dict:
    return {**slug(t, side), "pk": t.asks[side].pk}


def plan_import(t, side: str) -> dict:
    """The side's plan import waiting to be confirmed (tests/conftest.py)."""
    return {**slug(t, side), "pk": t.plan_imports[side].pk}


def exported_plan(t, side: str) -> SimpleUploadedFile:
    """The side's plan as its own export gives it (CSV), to upload back."""
    client = client_for(t, f"{side}_lead")
    export = client.get(reverse("actionplans:plan_export",
                                kwargs={**slug(t, side), "format": "csv"}))
    assert export.status_code == 200, export.status_code
    return SimpleUploadedFile(f"{side}-plan-back.csv", export.content)


def uploaded_plan(t, side: str) -> dict:
    """A plan file uploaded and previewed through the upload page, as the side's lead."""
    client = client_for(t, f"{side}_lead")
    response = client.post(reverse("actionplans:plan_import_new", kwargs=slug(t, side)),
                           {"file": exported_plan(t, side)})
    assert response.status_code == 302, response.status_code
    made = PlanImport.objects.get(partnership=t.partnership(side),
                                  file_name=f"{side}-plan-back.csv")
    return {**slug(t, side), "pk": made.pk}


def count(model, t, side: str) -> int:
    return model.objects.filter(partnership=t.partnership(side)).count()


def date_fields(name: str, day: str, month: str, year: str) -> dict:
    """The three boxes of a GOV.UK date input."""
    return {f"{name}_0": day, f"{name}_1": month, f"{name}_2": year}


class TestPlan(ScopedViewCase):
    url_name = "actionplans:plan"
    actions = {"GET": access.VIEW}


class TestPlanEdit(ScopedViewCase):
    url_name = "actionplans:plan_edit"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        return {"title": "Renamed action plan", "first_year": "2022", "years": "3",
                "status": "draft", **date_fields("signed_off_on", "", "", "")}

    def state(self, t, side):
        return ActionPlan.objects.get(partnership=t.partnership(side)).title


class TestObjectiveNew(ScopedViewCase):
    url_name = "actionplans:objective_new"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        return {"title": "Reduce drug-related deaths", "priority": "treatment",
                "strand": "protect"}

    def state(self, t, side):
        return count(Objective, t, side)


class TestKeyActionNew(ScopedViewCase):
    url_name = "actionplans:key_action_new"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        objective = Objective.objects.get(partnership=t.partnership(side))
        return {"objective": objective.pk, "title": "Naloxone in custody suites"}

    def state(self, t, side):
        return count(KeyAction, t, side)


class TestMilestoneNew(ScopedViewCase):
    url_name = "actionplans:milestone_new"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        action = KeyAction.objects.get(partnership=t.partnership(side))
        return {"key_action": action.pk, "title": "Pathway reviewed", "plan_year": "2",
                "status": "not_started", **date_fields("due_date", "", "", "")}

    def state(self, t, side):
        return count(Milestone, t, side)


class TestMilestone(ScopedObjectViewCase):
    url_name = "actionplans:milestone"
    actions = {"GET": access.VIEW}
    url_kwargs = staticmethod(milestone)


class TestMilestoneProgress(ScopedObjectViewCase):
    url_name = "actionplans:milestone_progress"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}
    url_kwargs = staticmethod(milestone)

    def post_data(self, t, side):
        current = Milestone.objects.get(pk=t.milestones[side].pk)
        return {"version": current.version, "status": "at_risk",
                "progress_note": "Delayed by recruitment", "evidence_link": "",
                **date_fields("progress_on", "", "", "")}

    def state(self, t, side):
        current = Milestone.objects.get(pk=t.milestones[side].pk)
        return current.status, current.progress_note


class TestOverdueMilestones(ScopedViewCase):
    """The tenants' milestone, due 31 March 2023 and recorded on track, is overdue: it is
    re-dated from its own partnership's page only."""

    url_name = "actionplans:overdue_milestones"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        current = Milestone.objects.get(pk=t.milestones[side].pk)
        return {"milestones": [current.pk], "versions": f"{current.pk}:{current.version}",
                "action": "redate", "reason": "Recruitment delayed it",
                **date_fields("due_date", "31", "3", "2099")}

    def state(self, t, side):
        current = Milestone.objects.get(pk=t.milestones[side].pk)
        return current.due_date, current.original_due_date, current.version


class TestMilestoneDetails(ScopedObjectViewCase):
    url_name = "actionplans:milestone_details"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}
    url_kwargs = staticmethod(milestone)

    def post_data(self, t, side):
        current = Milestone.objects.get(pk=t.milestones[side].pk)
        return {"version": current.version, "title": "Prison leavers seen within 2 weeks",
                "plan_year": "", **date_fields("due_date", "31", "3", "2024")}

    def state(self, t, side):
        current = Milestone.objects.get(pk=t.milestones[side].pk)
        return current.title, current.due_date


class TestMilestoneEvidence(ScopedObjectViewCase):
    url_name = "actionplans:milestone_evidence"
    actions = {"GET": access.VIEW}
    url_kwargs = staticmethod(milestone)


def evidence_item(t, side: str) -> dict:
    """The evidence file of the side's milestone's progress log (tests/conftest.py)."""
    item = ProgressEvidence.objects.exclude(file="").get(update__milestone=t.milestones[side])
    return {**milestone(t, side), "evidence_pk": item.pk}


class TestMilestoneEvidenceItem(ScopedObjectViewCase):
    url_name = "actionplans:milestone_evidence_item"
    actions = {"GET": access.VIEW}
    url_kwargs = staticmethod(evidence_item)


class TestRisks(ScopedViewCase):
    url_name = "actionplans:risks"
    actions = {"GET": access.VIEW}


RISK = {"title": "Cuckooing of vulnerable tenants", "description": "", "likelihood": "3",
        "impact": "4", "owner": "Police", "mitigation": "", "status": "open",
        **date_fields("raised_on", "1", "4", "2024")}


class TestRiskNew(ScopedViewCase):
    url_name = "actionplans:risk_new"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        return RISK

    def state(self, t, side):
        return count(Risk, t, side)


class TestRiskEdit(ScopedObjectViewCase):
    url_name = "actionplans:risk_edit"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}
    url_kwargs = staticmethod(risk)

    def post_data(self, t, side):
        return RISK

    def state(self, t, side):
        return Risk.objects.get(pk=t.risks[side].pk).title


ASK = {"title": "Drug checking service", "request": "Fund a pilot",
       "directed_to": "Office of the Police and Crime Commissioner", "status": "open",
       "response": "", **date_fields("raised_on", "2", "5", "2024")}


class TestAskNew(ScopedViewCase):
    url_name = "actionplans:ask_new"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        return ASK

    def state(self, t, side):
        return count(Ask, t, side)


class TestAskEdit(ScopedObjectViewCase):
    url_name = "actionplans:ask_edit"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}
    url_kwargs = staticmethod(ask)

    def post_data(self, t, side):
        return ASK

    def state(self, t, side):
        return Ask.objects.get(pk=t.asks[side].pk).title


class TestDigest(ScopedViewCase):
    """One's own weekly email: the lead has no preference yet (the administrator has)."""

    url_name = "actionplans:digest"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        return {"send_on": "2"}

    def state(self, t, side):
        return count(DigestPreference, t, side)


class TestDigestPreview(ScopedViewCase):
    """One's own weekly email as it would be sent; POSTed to, a test of it to oneself."""

    url_name = "actionplans:digest_preview"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def state(self, t, side):
        from django.core import mail

        return sum(1 for m in mail.outbox for to in m.to if to.startswith(f"{side}."))

    def test_permitted(self, tenants):
        from django.core.cache import cache

        from actionplans.services.digests import digest_test_key

        # One test a minute: a run a minute ago must not refuse this one.
        cache.delete(digest_test_key(partnership=tenants.a, user=tenants.users["a_lead"]))
        super().test_permitted(tenants)


class TestReport(ScopedViewCase):
    url_name = "actionplans:report"
    actions = {"GET": access.VIEW}


class TestReportCsv(ScopedViewCase):
    url_name = "actionplans:report_csv"
    actions = {"GET": access.VIEW}


class TestPlanExport(ScopedViewCase):
    url_name = "actionplans:plan_export"
    actions = {"GET": access.VIEW}

    def url_kwargs(self, t, side):
        return {**slug(t, side), "format": "xlsx"}


class TestPlanImportNew(ScopedViewCase):
    url_name = "actionplans:plan_import_new"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}

    def post_data(self, t, side):
        return {"file": exported_plan(t, side)}

    def state(self, t, side):
        return count(PlanImport, t, side)


class TestPlanImport(ScopedObjectViewCase):
    """A plan import's own page: its preview, and a POST there applies it."""

    url_name = "actionplans:plan_import"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}
    url_kwargs = staticmethod(uploaded_plan)

    def post_data(self, t, side):
        return {"accept_valid": "on"}

    def state(self, t, side):
        return PlanImport.objects.get(pk=self.kwargs_for(t, side)["pk"]).status


class TestPlanImportCancel(ScopedObjectViewCase):
    url_name = "actionplans:plan_import_cancel"
    actions = {"GET": access.EDIT_PLAN, "POST": access.EDIT_PLAN}
    url_kwargs = staticmethod(plan_import)

    def state(self, t, side):
        return PlanImport.objects.get(pk=t.plan_imports[side].pk).status
