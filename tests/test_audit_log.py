"""Every write is audit-logged with the user who made it.

The audit log is django-simple-history: each tracked model has a `history` of rows saying
who (`history_user`), when, what kind of change (+ made, ~ changed, - deleted) and the values
after it. Web requests give the user through simple_history's HistoryRequestMiddleware (the
API's token user too: DRF sets it on the request); services that take `user=` also name it
themselves, so that a Celery worker or a management command records it as well.

The first tests walk every model of the project's apps: a model is tracked, or it is in
NOT_TRACKED with the reason its writes are audited some other way (or are not a user's).
A new model fails the suite until it takes one side or the other.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse

from .conftest import PASSWORD


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants

PROJECT_APPS = ("partnerships", "outcomes", "actionplans", "cdp")

# Models whose writes are not copied into a history of their own, and why that is sound.
NOT_TRACKED = {
    # The Fingertips sync's state per indicator, rewritten by every run (last checked, last
    # upload, failures): who added an indicator is its added_by, and what each sync loaded is
    # its ImportBatch, whose history names the system user and whoever rolled it back.
    "outcomes.FingertipsIndicator": "the sync's running state; its batches keep the history",
    # django-guardian's rows are derived from Membership by
    # partnerships.services.partnership_sync_permissions; Membership's history says who gave
    # and who took away each role, and the groups follow from it.
    "partnerships.PartnershipUserObjectPermission": "derived from Membership",
    "partnerships.PartnershipGroupObjectPermission": "derived from Membership",
    # Observations and benchmarks come in bulk (a million rows and more): each row names the
    # ImportBatch that last wrote it; the batch names who loaded the file and its history who
    # applied, cancelled or rolled it back; ObservationChange keeps each row's values before
    # the batch, which is what rollback restores. A value entered by hand is a one-row batch.
    "outcomes.Observation": "audited through its ImportBatch and ObservationChange",
    "outcomes.ReferenceFigure": "audited through its ImportBatch and ObservationChange",
    "outcomes.ObservationChange": "is itself the audit trail of a batch's row changes",
    "outcomes.ImportRowProblem": "what checking a file found: rewritten by each check",
    # The dashboard summaries: computed from the data by Celery tasks, replaced whole.
    "outcomes.SummaryRun": "written by the summaries task, not by a user",
    "outcomes.MetricSummary": "computed from observations by the summaries task",
    "outcomes.SummaryState": "the summaries task's bookkeeping",
    "actionplans.PlanProgressSummary": "computed from milestones by the summaries task",
    # A plan spreadsheet waiting for confirmation. It keeps its uploader (created_by);
    # applying it writes every objective, action and milestone through the plan's services,
    # whose history records the user who applied it. Dropping it changes no plan data.
    "actionplans.PlanImport": "staging record; what it applies is in the plan's history",
    # The record of each weekly digest emailed: written by the digest task, not by a user;
    # it is itself the log of what was sent to whom and when.
    "actionplans.DigestSent": "written by the digest task; itself the log of emails sent",
    # A milestone's progress log: each entry names its author and when it was added, and is
    # never changed or deleted through the service (an update adds a new entry). The milestone
    # it updates keeps its own history of the save, with the same user.
    "actionplans.ProgressUpdate": "itself the log of progress: added, never changed",
    "actionplans.ProgressEvidence": "part of its entry in the progress log, added with it",
    # Resets of a lost second factor: rows are only added, each naming whose, by whom (or the
    # server account that ran the command), when and why; cdp.audit logs each one as well.
    "cdp.SecondFactorReset": "only ever added to: itself the audit log of resets",
}


def label(model: type[models.Model]) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def is_history(model: type[models.Model]) -> bool:
    """A history table itself (of a model, or of one of its many-to-many fields)."""
    return hasattr(model, "instance_type") or model.__name__.startswith("Historical")


def project_models() -> list[type[models.Model]]:
    return [model for app in PROJECT_APPS for model in apps.get_app_config(app).get_models()
            if not is_history(model)]


def tracked(model: type[models.Model]) -> bool:
    return getattr(model._meta, "simple_history_manager_attribute", None) is not None


def test_the_project_models_are_found():
    names = {label(m) for m in project_models()}
    assert {"partnerships.Membership", "outcomes.Target", "actionplans.Milestone",
            "cdp.ApiToken"} <= names


@pytest.mark.parametrize("model", project_models(), ids=label)
def test_every_model_is_tracked_or_says_why_not(model):
    if label(model) in NOT_TRACKED:
        assert not tracked(model), f"{label(model)} is tracked: take it off NOT_TRACKED"
        assert NOT_TRACKED[label(model)].strip()
    else:
        assert tracked(model), (
            f"{label(model)} has no history: give it django-simple-history's "
            "HistoricalRecords, or add it to NOT_TRACKED with the reason")


def test_the_allow_list_names_only_models_that_exist():
    assert set(NOT_TRACKED) <= {label(m) for m in project_models()}


@pytest.mark.parametrize("model", [m for m in project_models() if tracked(m)], ids=label)
def test_a_tracked_models_many_to_many_fields_are_tracked_too(model):
    history = model.history.model
    kept = {f.name for f in getattr(history, "_history_m2m_fields", [])}
    own = {f.name for f in model._meta.many_to_many}
    assert own <= kept, f"{label(model)}: add m2m_fields={sorted(own - kept)} to its history"
    assert history._meta.get_field("history_user").related_model is not None


def test_the_history_middleware_is_installed():
    from django.conf import settings

    middleware = settings.MIDDLEWARE
    assert "simple_history.middleware.HistoryRequestMiddleware" in middleware
    assert middleware.index("simple_history.middleware.HistoryRequestMiddleware") > (
        middleware.index("django.contrib.auth.middleware.AuthenticationMiddleware"))


# --- Web writes record the signed-in user: one model of each app, through the real views --
def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_partnerships_a_role_change_and_a_removal_record_who_made_them(tenants):
    from partnerships.models import Membership

    admin = tenants.users["a_admin"]
    membership = tenants.memberships["a"]
    client = signed_in(admin)
    role = reverse("partnerships:member_role", args=["rotherham", membership.pk])
    assert client.post(role, {"role": "analyst"}).status_code == 302
    changed = Membership.history.filter(id=membership.pk).latest("history_id")
    assert (changed.history_type, changed.role, changed.history_user) == ("~", "analyst", admin)

    remove = reverse("partnerships:member_remove", args=["rotherham", membership.pk])
    assert client.post(remove).status_code == 302
    removed = Membership.history.filter(id=membership.pk).latest("history_id")
    assert (removed.history_type, removed.user_id, removed.history_user) == (
        "-", tenants.users["a_lead"].pk, admin)
    # The record outlives the membership, and is scoped like it.
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert Membership.history.model.objects.for_user(tenants.users["b_admin"]).filter(
        id=membership.pk).count() == 0


@pytest.mark.django_db
def test_outcomes_a_target_made_and_removed_records_who(tenants):
    from outcomes.models import Metric, Target

    analyst = tenants.users["a_analyst"]
    client = signed_in(analyst)
    metric = Metric.objects.get(code="continuity_of_care", owner=None)
    response = client.post("/partnerships/rotherham/data/framework/targets/new/", {
        "metric": metric.pk, "description": "75% continuity of care", "target_value": "75",
        "due_period": "2024/25"})
    assert response.status_code == 302
    target = Target.objects.get(description="75% continuity of care")
    made = target.history.get()
    assert (made.history_type, made.history_user) == ("+", analyst)

    client.post(f"/partnerships/rotherham/data/framework/targets/{target.pk}/remove/")
    removed = Target.history.filter(id=target.pk).latest("history_id")
    assert (removed.history_type, removed.history_user) == ("-", analyst)


@pytest.mark.django_db
def test_outcomes_a_note_added_changed_and_deleted_records_who(tenants):
    from outcomes.models import Annotation, Metric

    lead, analyst = tenants.users["a_lead"], tenants.users["a_analyst"]
    metric = Metric.objects.get(code="continuity_of_care", owner=None)
    base = f"/partnerships/rotherham/metrics/{metric.pk}/annotations/"
    signed_in(lead).post(base + "new/", {"date_0": "1", "date_1": "4", "date_2": "2023",
                                         "text": "New treatment provider"})
    note = Annotation.objects.get(metric=metric, partnership=tenants.a)
    signed_in(analyst).post(f"{base}{note.pk}/", {"date_0": "1", "date_1": "4",
                                                  "date_2": "2023", "text": "New provider"})
    signed_in(lead).post(f"{base}{note.pk}/delete/")
    history = list(Annotation.history.filter(id=note.pk).order_by("history_id")
                   .values_list("history_type", "text", "history_user"))
    assert history == [("+", "New treatment provider", lead.pk),
                       ("~", "New provider", analyst.pk), ("-", "New provider", lead.pk)]
    # Scoped like the notes themselves.
    assert not Annotation.history.model.objects.for_user(tenants.users["b_admin"]).filter(
        id=note.pk).exists()


@pytest.mark.django_db
def test_outcomes_imported_observations_are_audited_through_their_batch(tenants):
    """Who loaded each observation, who applied it and who rolled it back."""
    from outcomes.models import ImportBatch, Observation, ObservationChange

    analyst, admin = tenants.users["a_analyst"], tenants.users["a_admin"]
    file = SimpleUploadedFile("figures.csv", b"metric,area_code,period,value\n"
                                             b"continuity_of_care,E08000018,2022/23,41.5\n")
    signed_in(analyst).post("/partnerships/rotherham/data/imports/new/",
                            {"file": file, "format": "tidy"})
    batch = ImportBatch.objects.get(file_name="figures.csv")
    client = signed_in(admin)
    assert client.post(f"/partnerships/rotherham/data/imports/{batch.pk}/").status_code \
        == 302
    row = Observation.objects.get(metric__code="continuity_of_care")
    assert row.batch == batch and batch.created_by == analyst
    assert ObservationChange.objects.filter(batch=batch, row_id=row.pk,
                                            action="inserted").exists()

    client.post(f"/partnerships/rotherham/data/imports/{batch.pk}/roll-back/")
    steps = list(batch.history.order_by("history_id").values_list("status", "history_user"))
    assert steps[0] == ("queued", analyst.pk)
    assert ("complete", admin.pk) in steps
    assert steps[-1] == ("rolled_back", admin.pk)


@pytest.mark.django_db
def test_actionplans_a_progress_update_records_who_made_it(tenants):
    from actionplans.models import Milestone

    admin = tenants.users["a_admin"]
    milestone = tenants.milestones["a"]
    response = signed_in(admin).post(
        f"/partnerships/rotherham/plan/milestones/{milestone.pk}/progress/",
        {"version": milestone.version, "status": "complete", "progress_note": "Done",
         "progress_on_0": "", "progress_on_1": "", "progress_on_2": "", "evidence_link": ""})
    assert response.status_code == 302
    latest = Milestone.history.filter(id=milestone.pk).latest("history_id")
    assert (latest.status, latest.history_user) == ("complete", admin)


@pytest.mark.django_db
def test_api_a_milestone_change_over_the_api_records_the_tokens_user(tenants):
    from actionplans.models import Milestone
    from cdp import tokens

    admin = tenants.users["a_admin"]
    _, key = tokens.token_create(user=admin, name="script")
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    milestone = tenants.milestones["a"]
    url = f"/api/v1/milestones/{milestone.pk}/"
    etag = api.get(url)["ETag"]
    response = api.patch(url, {"status": "at_risk"}, content_type="application/json",
                         HTTP_IF_MATCH=etag)
    assert response.status_code == 200
    latest = Milestone.history.filter(id=milestone.pk).latest("history_id")
    assert (latest.status, latest.history_user) == ("at_risk", admin)


@pytest.mark.django_db
def test_cdp_api_tokens_made_and_revoked_record_who(tenants):
    from cdp.models import ApiToken

    lead = tenants.users["a_lead"]
    client = signed_in(lead)
    client.post("/account/api-tokens/", {"name": "Power BI", "days": "30"})
    token = ApiToken.objects.get(user=lead)
    client.post("/account/api-tokens/", {"revoke": token.digest})
    history = list(ApiToken.history.filter(digest=token.digest).order_by("history_id")
                   .values_list("history_type", "name", "history_user"))
    assert history == [("+", "Power BI", lead.pk), ("-", "Power BI", lead.pk)]

    # A token asked for with a username and password: no one is signed in to the session.
    response = Client().post("/api/v1/auth/token/", {"username": "b_analyst",
                                                     "password": PASSWORD, "name": "R"})
    assert response.status_code == 201
    made = ApiToken.history.get(name="R")
    assert (made.history_type, made.history_user) == ("+", tenants.users["b_analyst"])
    assert response.json()["token"] not in (made.digest, made.token_key)


@pytest.mark.django_db
def test_cdp_what_the_public_page_shows_records_who_chose_it(tenants):
    from cdp.models import PublicPage

    admin = tenants.users["a_admin"]
    response = signed_in(admin).post("/partnerships/rotherham/public-page/", {
        "published": "on", "sections": ["show_plan"], "risks": [tenants.risks["a"].pk]})
    assert response.status_code == 302
    page = PublicPage.objects.get(partnership=tenants.a)
    latest = page.history.latest("history_id")
    assert (latest.history_type, latest.published, latest.show_plan, latest.history_user) == (
        "~", True, True, admin)
    assert [row.risk_id for row in latest.risks.all()] == [tenants.risks["a"].pk]
    # Scoped like the page: another partnership's admin reads none of it.
    assert not PublicPage.history.model.objects.for_user(tenants.users["b_admin"]).filter(
        id=page.pk).exists()


# --- Services outside a request (a worker, a command) name the user themselves ----------
@pytest.mark.django_db
def test_services_record_their_user_without_a_request(tenants):
    from outcomes import services
    from outcomes.models import Metric

    analyst, admin = tenants.users["a_analyst"], tenants.users["a_admin"]
    metric = Metric.objects.get(code="continuity_of_care", owner=None)
    target = services.target_create(partnership=tenants.a, user=analyst, metric=metric,
                                    description="75%", target_value=75, due_period="2024/25")
    assert target.history.get().history_user == analyst
    aim = services.local_aim_create(partnership=tenants.a, user=admin, name="Recovery")
    assert aim.history.get().history_user == admin

    batch = services.import_file(
        partnership=tenants.a, user=analyst, file_name="f.csv", format="tidy",
        data=b"metric,area_code,period,value\ncontinuity_of_care,E08000018,2022/23,41.5\n")
    services.import_rollback(batch=batch, user=admin)
    assert batch.history.latest("history_id").history_user == admin
    assert batch.history.filter(status="complete").get().history_user == analyst
