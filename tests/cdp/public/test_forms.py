"""cdp/public/forms.py: the administrator's choice of what the public page shows."""

import pytest

from actionplans.models import Milestone, Risk
from cdp.public import services
from cdp.public.forms import PublicPageForm
from outcomes.models import Metric
from partnerships.models import KeyDocument

pytestmark = pytest.mark.django_db


def choices(t, side: str = "a") -> dict:
    """The rows that may be marked public one by one, as publication_choices gives them."""
    partnership = t.partnership(side)
    return {name: list(model.objects.filter(**{field: partnership}))
            for name, model, field in (("documents", KeyDocument, "partnership"),
                                       ("milestones", Milestone, "partnership"),
                                       ("risks", Risk, "partnership"),
                                       ("metrics", Metric, "owner"))}


def test_what_is_published_is_cleaned_for_public_page_save(tenants):
    offered = choices(tenants)
    picked = {name: rows[0] for name, rows in offered.items()}
    form = PublicPageForm({"published": "on", "sections": ["show_plan", "show_metrics"],
                           **{name: [row.pk] for name, row in picked.items()}},
                          choices=offered)
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    assert data["published"] is True and data["sections"] == ["show_plan", "show_metrics"]
    assert {name: list(data[name]) for name in picked} == {
        name: [row] for name, row in picked.items()}
    # As the settings page calls the service.
    page = services.public_page_save(
        partnership=tenants.a, user=tenants.users["a_admin"], published=data["published"],
        **{name: name in data["sections"] for name in services.SECTIONS},
        **{name: data[name] for name in picked})
    assert (page.show_plan, page.show_members, list(page.risks.all())) == (
        True, False, [picked["risks"]])
    assert PublicPageForm.initial_for(page) == {
        "published": True, "sections": ["show_plan", "show_metrics"],
        **{name: [row] for name, row in picked.items()}}


def test_nothing_ticked_is_an_unpublished_page_showing_nothing(tenants):
    form = PublicPageForm({}, choices=choices(tenants))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["published"] is False and form.cleaned_data["sections"] == []
    assert all(not form.cleaned_data[name] for name in ("documents", "milestones", "risks",
                                                        "metrics"))
    assert PublicPageForm.initial_for(None) == {}


def test_only_the_rows_offered_may_be_marked(tenants):
    theirs = {name: [rows[0].pk] for name, rows in choices(tenants, "b").items()}
    form = PublicPageForm({"sections": ["show_secrets"], **theirs}, choices=choices(tenants))
    assert not form.is_valid()
    assert sorted(form.errors) == ["documents", "metrics", "milestones", "risks", "sections"]
    assert form.errors["risks"] == [
        f"Select a valid choice. {theirs['risks'][0]} is not one of the available choices."]


def test_each_row_is_labelled_for_the_administrator(tenants):
    KeyDocument.objects.create(
        partnership=tenants.a, title="Drug market profile",
        kind=KeyDocument.Kind.DRUG_MARKET_PROFILE, status=KeyDocument.Status.COMPLETED, link="https://www.rotherham.gov.uk/profile.pdf")
    form = PublicPageForm(choices=choices(tenants))
    labels = {name: [label for _, label in form.fields[name].choices]
              for name in ("documents", "milestones", "risks", "metrics")}
    assert labels == {
        # Whether the public page links to each document, and where to.
        "documents": ["Drug market profile (drug market profile, completed; links to "
                      "www.rotherham.gov.uk)",
                      "Needs assessment (needs assessment, completed; no link: its title "
                      "only)"],
        "milestones": ["Prison leavers seen within 3 weeks (on track)"],
        "risks": ["County lines exploitation (high, open)"],
        "metrics": ["Digital IBA interventions (a) (local)"],
    }
    # The sections by the page model's own words, capitalised.
    assert form.fields["sections"].choices == [
        ("show_members", "Member organisations and named roles (senior responsible owner, "
                         "chair)"),
        ("show_plan", "The action plan's priorities with progress counts"),
        ("show_documents", "Published documents"),
        ("show_metrics", "Headline metrics of public framework data, with sentences and "
                         "charts")]


def test_the_form_asks_no_query_of_its_own(tenants, django_assert_num_queries):
    offered = choices(tenants)
    with django_assert_num_queries(0):
        form = PublicPageForm(choices=offered)
        [list(form.fields[name].choices) for name in offered]


def more_milestones(t, n: int = 3) -> None:
    """The side A's milestone, copied: a list long enough to want "Select all"."""
    milestone = Milestone.objects.filter(partnership=t.a).first()
    for i in range(n):
        milestone.pk, milestone.id, milestone.title = None, None, f"Milestone copy {i}"
        milestone.save()


def test_select_all_marks_every_row_without_javascript(tenants):
    more_milestones(tenants)
    offered = choices(tenants)
    assert len(offered["milestones"]) == 4
    form = PublicPageForm({"milestones_all": "on"}, choices=offered)
    assert "Select all 4 milestones" in str(form["milestones_all"].label)
    assert form["milestones_all"].field.widget.attrs == {"data-select-all": "milestones"}
    assert form.is_valid(), form.errors
    assert {m.pk for m in form.cleaned_data["milestones"]} == {
        m.pk for m in offered["milestones"]}
    # Unticked, only the boxes ticked count.
    form = PublicPageForm({"milestones": [offered["milestones"][1].pk]}, choices=offered)
    assert form.is_valid(), form.errors
    assert list(form.cleaned_data["milestones"]) == [offered["milestones"][1]]
    # A list of one row has no "Select all".
    assert "risks_all" not in form.fields


def test_the_settings_page_offers_select_all_and_saves_every_milestone(client, tenants):
    from cdp.models import PublicPage

    more_milestones(tenants)
    client.force_login(tenants.users["a_admin"])
    page = client.get("/partnerships/rotherham/public-page/").content.decode()
    assert 'data-select-all="milestones"' in page and "Select all 4 milestones" in page
    assert "/static/js/select-all.js" in page
    response = client.post("/partnerships/rotherham/public-page/",
                           {"published": "on", "milestones_all": "on"})
    assert response.status_code == 302
    saved = PublicPage.objects.get(partnership=tenants.a)
    assert saved.milestones.count() == 4
