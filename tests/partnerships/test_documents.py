"""The key-documents register: read by every member, kept by the partnership's administrators
(add, change with optimistic concurrency, remove), each change in the history; a link is an
https address, and once entered the public page links to the published document."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from cdp.public.services import public_page_save
from partnerships import services
from partnerships.forms import KeyDocumentForm
from partnerships.models import KeyDocument
from partnerships.selectors import key_document_history

from ..conftest import sign_in_ago

pytestmark = pytest.mark.django_db

REGISTER = "/partnerships/rotherham/documents/"
PROFILE = "https://www.rotherham.gov.uk/drug-market-profile-2024.pdf"
REFUSED_LINK = ("Enter a link that starts with https://, the secure address where anyone can "
                "read the document")


@pytest.fixture
def tenants(shared_tenants):
    """Built once for this module (tests/conftest.py `module_tenants`): each test only reads
    them or changes them inside its own transaction."""
    return shared_tenants


def needs_assessment(t) -> KeyDocument:
    return KeyDocument.objects.get(partnership=t.a)


def client_for(t, username: str) -> Client:
    client = Client()
    client.force_login(t.users[username])
    return client


def form_data(**overrides) -> dict:
    data = {"title": "Drug market profile 2024", "kind": "drug_market_profile",
            "status": "completed", "date_0": "31", "date_1": "3", "date_2": "2024",
            "link": PROFILE}
    return {**data, **overrides}


# --- The form ----------------------------------------------------------------------------
def test_the_form_takes_an_https_link_and_a_real_date():
    form = KeyDocumentForm(form_data(link=f"  {PROFILE} "))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["link"] == PROFILE
    assert form.cleaned_data["date"] == date(2024, 3, 31)


@pytest.mark.parametrize("link", [
    "http://www.rotherham.gov.uk/profile.pdf", "javascript:alert(1)", "www.rotherham.gov.uk",
    "ftp://files.example.org/profile.pdf", "https://",
])
def test_the_form_refuses_a_link_that_is_not_an_https_address(link):
    form = KeyDocumentForm(form_data(link=link))
    assert not form.is_valid()
    assert form.errors["link"] == [REFUSED_LINK]


def test_the_form_needs_a_title_type_and_status_but_no_link_or_date():
    form = KeyDocumentForm({})
    assert not form.is_valid()
    assert form.errors == {"title": ["Enter the document's title"],
                           "kind": ["Select the type of document"],
                           "status": ["Select the document's status"]}
    form = KeyDocumentForm(form_data(link="", date_0="", date_1="", date_2=""))
    assert form.is_valid(), form.errors
    assert form.cleaned_data["link"] == "" and form.cleaned_data["date"] is None


def test_the_form_says_when_the_date_is_not_real():
    form = KeyDocumentForm(form_data(date_0="31", date_1="2", date_2="2024"))
    assert not form.is_valid()
    assert form.errors["date"] == ["Date must be a real date, for example 31 3 2024"]


# --- The services ------------------------------------------------------------------------
def test_an_administrator_adds_a_document_and_the_history_names_them(tenants):
    admin = tenants.users["a_admin"]
    document = services.key_document_create(
        partnership=tenants.a, user=admin, title="  Drug   market profile ",
        kind="drug_market_profile", status="in_progress", on=date(2024, 3, 31), link=PROFILE)
    assert (document.title, document.link, document.version) == (
        "Drug market profile", PROFILE, 1)
    record = document.history.get()
    assert record.history_user == admin and record.history_type == "+"


def test_the_service_refuses_an_http_link_whatever_the_caller(tenants):
    with pytest.raises(ValidationError) as refused:
        services.key_document_create(
            partnership=tenants.a, user=tenants.users["a_admin"], title="Profile",
            kind="drug_market_profile", status="completed", link="http://example.org/a.pdf")
    assert refused.value.message_dict["link"] == [REFUSED_LINK]
    assert not KeyDocument.objects.filter(title="Profile").exists()


@pytest.mark.parametrize("username", ["a_viewer", "a_lead", "a_analyst", "b_admin", "regional"])
def test_only_the_partnerships_administrators_change_the_register(tenants, username):
    user, document = tenants.users[username], needs_assessment(tenants)
    with pytest.raises(PermissionDenied):
        services.key_document_create(partnership=tenants.a, user=user, title="Profile",
                                     kind="other", status="completed")
    with pytest.raises(PermissionDenied):
        services.key_document_update(document=document, user=user, version=1,
                                     title="Changed", kind="other", status="completed")
    with pytest.raises(PermissionDenied):
        services.key_document_delete(document=document, user=user)
    assert KeyDocument.objects.filter(partnership=tenants.a).get().title == "Needs assessment"


def test_an_update_from_the_current_version_saves_and_moves_the_version(tenants):
    admin, document = tenants.users["a_admin"], needs_assessment(tenants)
    saved = services.key_document_update(
        document=document, user=admin, version=1, title="Needs assessment 2023",
        kind="needs_assessment", status="completed", on=date(2023, 6, 1), link=PROFILE)
    assert (saved.title, saved.link, saved.version) == ("Needs assessment 2023", PROFILE, 2)
    again = services.key_document_update(
        document=saved, user=admin, version=2, title="Needs assessment 2023",
        kind="needs_assessment", status="completed", on=date(2023, 6, 1), link=PROFILE)
    assert again.version == 2  # nothing changed: nothing saved
    assert document.history.count() == 2


def test_a_stale_update_is_refused_and_nothing_is_overwritten(tenants):
    admin, document = tenants.users["a_admin"], needs_assessment(tenants)
    services.key_document_update(document=document, user=admin, version=1, title="Theirs",
                                 kind="needs_assessment", status="completed")
    with pytest.raises(services.StaleKeyDocument) as stale:
        services.key_document_update(document=document, user=admin, version=1, title="Mine",
                                     kind="needs_assessment", status="completed")
    assert stale.value.current.title == "Theirs"
    assert KeyDocument.objects.get(pk=document.pk).title == "Theirs"


def test_removing_a_document_keeps_its_history(tenants):
    admin, document = tenants.users["a_admin"], needs_assessment(tenants)
    pk = document.pk
    services.key_document_delete(document=document, user=admin)
    assert not KeyDocument.objects.filter(pk=pk).exists()
    removed = KeyDocument.history.filter(id=pk).latest("history_date")
    assert removed.history_type == "-" and removed.history_user == admin
    opened = KeyDocument(pk=pk, partnership=tenants.a, version=1)  # as an open form had it
    with pytest.raises(services.StaleKeyDocument) as stale:
        services.key_document_update(document=opened, user=admin, version=1, title="Mine",
                                     kind="needs_assessment", status="completed")
    assert stale.value.current is None


def test_the_history_says_who_changed_what_from_what(tenants):
    admin, document = tenants.users["a_admin"], needs_assessment(tenants)
    services.key_document_update(document=document, user=admin, version=1,
                                 title="Needs assessment", kind="needs_assessment",
                                 status="in_progress", link=PROFILE)
    changed, added = key_document_history(document=document)
    assert (changed.what, changed.who) == ("Changed", "A Admin")
    assert changed.changes == [("Status", "Completed", "In progress"), ("Link", "None", PROFILE)]
    assert added.what == "Added"


# --- The pages ---------------------------------------------------------------------------
def test_a_board_member_reads_the_register_without_ways_to_change_it(tenants):
    document = needs_assessment(tenants)
    KeyDocument.objects.filter(pk=document.pk).update(link=PROFILE)
    page = client_for(tenants, "a_viewer").get(REGISTER).content.decode()
    assert "Needs assessment" in page and "Completed" in page
    assert f'href="{PROFILE}"' in page and "www.rotherham.gov.uk" in page
    assert "Add a document" not in page and f"{REGISTER}{document.pk}/" not in page


def test_an_administrator_sees_where_to_add_change_and_remove(tenants):
    document = needs_assessment(tenants)
    page = client_for(tenants, "a_admin").get(REGISTER).content.decode()
    assert "Add a document" in page and "No link yet" in page
    assert f'href="{REGISTER}{document.pk}/"' in page
    assert f'href="{REGISTER}{document.pk}/remove/"' in page


def test_adding_a_document_in_the_browser(tenants):
    response = client_for(tenants, "a_admin").post(f"{REGISTER}add/", form_data())
    assert response.status_code == 302 and response["Location"] == REGISTER
    added = KeyDocument.objects.get(partnership=tenants.a, title="Drug market profile 2024")
    assert (added.link, added.date, added.kind) == (PROFILE, date(2024, 3, 31),
                                                    "drug_market_profile")


def test_an_http_link_is_shown_back_with_a_clear_error(tenants):
    response = client_for(tenants, "a_admin").post(
        f"{REGISTER}add/", form_data(link="http://www.rotherham.gov.uk/profile.pdf"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Error: Add a key document" in page
    assert "govuk-error-summary" in page and 'href="#id_link"' in page
    assert "Enter a link that starts with https://" in page
    assert not KeyDocument.objects.filter(title="Drug market profile 2024").exists()


def test_changing_a_document_in_the_browser_shows_its_history(tenants):
    admin, document = client_for(tenants, "a_admin"), needs_assessment(tenants)
    url = f"{REGISTER}{document.pk}/"
    form = admin.get(url).content.decode()
    assert 'name="version" value="1"' in form and "has no link yet" in form
    response = admin.post(url, form_data(title="Needs assessment 2023", version="1"))
    assert response.status_code == 302
    assert KeyDocument.objects.get(pk=document.pk).link == PROFILE
    page = admin.get(url).content.decode()
    assert "Changed</strong> by A Admin" in page and "Added</strong>" in page


def test_a_stale_edit_is_refused_and_shows_what_is_saved_now(tenants):
    admin, document = client_for(tenants, "a_admin"), needs_assessment(tenants)
    url = f"{REGISTER}{document.pk}/"
    services.key_document_update(document=document, user=tenants.users["a_admin"], version=1,
                                 title="Someone else's title", kind="needs_assessment",
                                 status="awaiting")
    response = admin.post(url, form_data(title="My title", version="1"))
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this document after you opened it" in page
    assert "Someone else&#x27;s title" in page and 'value="My title"' in page
    assert 'name="version" value="2"' in page  # saving again replaces it, knowingly
    assert KeyDocument.objects.get(pk=document.pk).title == "Someone else's title"
    assert admin.post(url, form_data(title="My title", version="2")).status_code == 302
    assert KeyDocument.objects.get(pk=document.pk).title == "My title"


def test_removing_a_document_in_the_browser_asks_first(tenants):
    admin, document = client_for(tenants, "a_admin"), needs_assessment(tenants)
    url = f"{REGISTER}{document.pk}/remove/"
    assert "Remove Needs assessment from the register?" in admin.get(url).content.decode()
    assert KeyDocument.objects.filter(pk=document.pk).exists()
    response = admin.post(url)
    assert response.status_code == 302 and response["Location"] == REGISTER
    assert not KeyDocument.objects.filter(pk=document.pk).exists()


def test_a_change_needs_a_recent_sign_in_and_keeps_the_form(tenants):
    """As changing what the public page shows elsewhere (cdp/signin/step_up.py)."""
    admin, document = client_for(tenants, "a_admin"), needs_assessment(tenants)
    sign_in_ago(admin, 16 * 60)
    url = f"{REGISTER}{document.pk}/"
    assert admin.get(url).status_code == 200  # reading the form needs no confirmation
    response = admin.post(url, form_data(version="1"))
    assert response.status_code == 302 and response["Location"].startswith(
        "/account/confirm/code/")
    assert KeyDocument.objects.get(pk=document.pk).link == ""
    assert admin.post(f"{url}remove/")["Location"].startswith("/account/confirm/code/")
    assert KeyDocument.objects.filter(pk=document.pk).exists()


# --- The public page ---------------------------------------------------------------------
def test_the_public_page_links_to_a_document_once_its_link_is_entered(tenants):
    cache.clear()
    document = needs_assessment(tenants)
    public_page_save(partnership=tenants.a, user=tenants.users["a_admin"], published=True,
                     show_documents=True, documents=[document])
    anyone = Client()
    before = anyone.get("/p/rotherham/").content.decode()
    assert "Needs assessment" in before and PROFILE not in before
    admin = client_for(tenants, "a_admin")
    settings_page = admin.get("/partnerships/rotherham/public-page/").content.decode()
    assert "1 of the documents you publish has no link, so the public page shows only its " \
        "title" in settings_page
    assert f'href="{REGISTER}{document.pk}/"' in settings_page

    assert admin.post(f"{REGISTER}{document.pk}/",
                      form_data(title="Needs assessment", kind="needs_assessment",
                                version="1")).status_code == 302

    after = anyone.get("/p/rotherham/").content.decode()
    assert f'<a class="govuk-link" href="{PROFILE}">Needs assessment</a>' in after
    settings_page = admin.get("/partnerships/rotherham/public-page/").content.decode()
    assert "has no link" not in settings_page
    assert f'href="{REGISTER}"' in settings_page  # where documents are added and changed
    cache.clear()


# --- The Django admin (national administrators) --------------------------------------------
def test_a_change_in_the_django_admin_moves_the_version_on(tenants):
    """So that a form opened on the register's page before it is refused, not overwriting it;
    the admin refuses an http link too."""
    from partnerships.models import NamedRole, Organisation, SubGroup

    a, document = tenants.a, needs_assessment(tenants)
    organisation = Organisation.objects.get(partnership=a)
    role, group = NamedRole.objects.get(partnership=a), SubGroup.objects.get(partnership=a)

    def change(link: str) -> dict:
        data = {"name": a.name, "slug": a.slug, "region": a.region_id,
                "local_authority_codes": "E08000018", "reports_to": a.reports_to}
        inlines = {
            "organisations": {"id": organisation.pk, "name": organisation.name,
                              "sector": organisation.sector},
            "named_roles": {"id": role.pk, "kind": role.kind, "holder": role.holder},
            "sub_groups": {"id": group.pk, "name": group.name},
            "key_documents": {"id": document.pk, "title": document.title,
                              "kind": document.kind, "status": document.status,
                              "link": link},
        }
        for prefix, fields in inlines.items():
            data |= {f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "1",
                     f"{prefix}-0-partnership": a.pk}
            data |= {f"{prefix}-0-{name}": value for name, value in fields.items()}
        return data

    national = client_for(tenants, "superuser")
    url = f"/admin/partnerships/partnership/{a.pk}/change/"
    refused = national.post(url, change("http://www.rotherham.gov.uk/needs.pdf"))
    assert refused.status_code == 200
    assert "Enter a link that starts with https://" in refused.content.decode()
    response = national.post(url, change(PROFILE))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert KeyDocument.objects.get(pk=document.pk).version == 2
    editor = client_for(tenants, "a_admin")
    assert editor.post(f"{REGISTER}{document.pk}/",
                       form_data(version="1")).status_code == 409


def test_the_public_page_settings_name_only_published_documents_without_a_link(tenants):
    """A document in the register that is not published needs no link for the page."""
    admin = client_for(tenants, "a_admin")
    public_page_save(partnership=tenants.a, user=tenants.users["a_admin"], published=True,
                     show_documents=True, documents=[])
    page = admin.get("/partnerships/rotherham/public-page/").content.decode()
    assert 'id="unlinked-documents"' not in page
    assert f'<a class="govuk-link" href="{REGISTER}">key documents register</a>' in page
