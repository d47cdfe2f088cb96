"""The API guide, made from the OpenAPI schema: every operation, parameter, body
field and answer the schema describes is on it, and nothing in the schema's text can inject
HTML."""

import re

import pytest
from django.test import Client
from django.utils.html import escape
from drf_spectacular.generators import SchemaGenerator

from cdp.api.guide import build_guide, describe_type, prose
from cdp.api.schema import COMMON


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(resources):
    return {(o.method, o.path): o for r in resources for o in r.operations}


def test_every_operation_of_the_schema_is_in_the_guide(schema):
    expected = {(method.upper(), path) for path, ops in schema["paths"].items()
                for method in ops}
    got = operations(build_guide(schema))
    assert set(got) == expected
    assert len(got) >= 24


def test_parameters_body_and_answers_are_those_of_the_schema(schema):
    got = operations(build_guide(schema))
    observations = got["GET", "/api/v1/observations/"]
    names = [p.name for p in observations.parameters]
    assert {"partnership", "metric", "area", "period_from", "period_to", "sex", "age",
            "category_type", "category", "cursor", "page_size", "format"} <= set(names)
    area = next(p for p in observations.parameters if p.name == "area")
    assert area.type == "list of text, in the query string"
    assert "several separated by commas" in area.description
    page_size = next(p for p in observations.parameters if p.name == "page_size")
    assert page_size.type == "whole number, 1 to 1000, in the query string"
    assert observations.result.startswith("A page of Observation rows")
    fields = {f.name: f for f in observations.result_fields}
    assert fields["value"].type == "number or null"
    assert fields["period_end"].type == "date (YYYY-MM-DD)"
    assert "95% confidence" in fields["lower_ci"].description

    # The one-object answer points to the fields already listed for the list.
    one = got["GET", "/api/v1/observations/{id}/"]
    assert one.result == "One Observation"
    assert one.same_fields_as == ("GET /api/v1/observations/", observations.anchor)
    assert one.result_fields == []

    # A write: its body without the read-only fields, the If-Match header, its own answers;
    # the answers any call may give are said once, on the page, not under every call.
    patch = got["PATCH", "/api/v1/milestones/{id}/"]
    assert patch.body_type == "application/json"
    body = {f.name for f in patch.body}
    assert {"status", "progress_note", "due_date"} <= body
    assert "partnership" not in body and "id" not in body
    if_match = next(p for p in patch.parameters if p.name == "If-Match")
    assert if_match.required and if_match.type == "text, in the header"
    statuses = {a.status for a in patch.answers}
    assert {"200", "400", "403", "404", "412", "428"} <= statuses  # its own wording
    assert not {"401", "406", "415", "429"} & statuses

    imports = got["POST", "/api/v1/imports/"]
    assert imports.body_type == "multipart/form-data"
    assert {f.name for f in imports.body if f.required} == {"file", "format", "partnership"}
    token = got["POST", "/api/v1/auth/token/"]
    assert not token.signed_in and observations.signed_in


def test_types_read_as_words():
    components = {"StrandEnum": {"enum": ["prepare", "prevent"], "type": "string"},
                  "BlankEnum": {"enum": [""]},
                  "Thing": {"type": "object", "properties": {}}}
    assert describe_type({"oneOf": [{"$ref": "#/components/schemas/StrandEnum"},
                                    {"$ref": "#/components/schemas/BlankEnum"}]},
                         components) == "one of: prepare, prevent or blank"
    assert describe_type({"type": "array", "items": {"type": "integer"}},
                         components) == "list of whole number"
    assert describe_type({"type": "string", "format": "date", "nullable": True},
                         components) == "date (YYYY-MM-DD) or null"
    assert describe_type({"$ref": "#/components/schemas/Thing"}, components) == "Thing object"
    assert describe_type({"type": "string", "maxLength": 100},
                         components) == "text, at most 100 characters"


def test_descriptions_are_markdown_without_html():
    html = prose("Add `?format=csv`.\n\n* `a` - <script>alert(1)</script>")
    assert '<p class="govuk-body">Add <code>?format=csv</code>.</p>' in html
    assert '<ul class="govuk-list govuk-list--bullet">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.django_db
def test_the_page_shows_every_operation_to_anyone(schema):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    for path, ops in schema["paths"].items():
        for method in ops:
            assert re.search(rf">{method.upper()}</span> <code class=\"cdp-path\">"
                             rf"{re.escape(path)}</code>", html), (method, path)
    for status, answer in COMMON.items():
        assert f"{status}</dt>" in html and escape(answer["description"]) in html
    assert 'href="/api/v1/docs/explorer/"' in html and 'href="/api/v1/schema/"' in html
    # Headings and ids are unique, so that the contents' links land where they say.
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))
    for anchor in re.findall(r'href="#([^"]+)"', html):
        assert anchor in ids, anchor


def test_the_reference_data_is_in_the_guide_and_the_benchmarks_say_they_are_deprecated(
        schema, client, tenants):
    got = operations(build_guide(schema))
    reference = got["GET", "/api/v1/reference/"]
    assert not reference.deprecated
    assert {"metric", "area", "area_type", "parent", "period"} <= {
        p.name for p in reference.parameters}
    assert reference.result.startswith("A page of Reference rows")
    assert {"england_comparison", "quintile", "illustrative", "licence"} <= {
        f.name for f in reference.result_fields}
    assert got["GET", "/api/v1/benchmarks/"].deprecated
    client.force_login(tenants.users["a_viewer"])
    body = client.get("/api/v1/docs/").content.decode()
    assert body.count('<strong class="govuk-tag govuk-tag--grey">Deprecated</strong>') == 2
    assert "<title>API guide – CDP Dashboard</title>" in body
