"""The API guide: the OpenAPI schema as a GOV.UK page, readable with a screen reader
and without JavaScript. Swagger UI stays available as an explorer for trying calls out.

`build_guide` turns the schema (a dict, as drf-spectacular makes it) into resources,
their operations, and tables of parameters, body fields, answers and result fields; the
view renders it. The schema does not change while the service runs, so it is built once per
process."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator
from markdown_it import MarkdownIt

from .schema import COMMON, WRITES

# Markdown as the schema's descriptions use it (paragraphs, bullet lists, `code`), without
# raw HTML, styled as GOV.UK body text.
_CLASSES = {"paragraph_open": "govuk-body", "bullet_list_open": "govuk-list govuk-list--bullet",
            "ordered_list_open": "govuk-list govuk-list--number", "link_open": "govuk-link"}
_markdown = MarkdownIt("commonmark", {"html": False})


def _govuk_classes(state) -> None:
    for token in state.tokens:
        for child in [token, *(token.children or [])]:
            if child.type in _CLASSES:
                child.attrSet("class", _CLASSES[child.type])


_markdown.core.ruler.push("govuk_classes", _govuk_classes)


def prose(text: str | None) -> SafeString:
    return mark_safe(_markdown.render(text or ""))  # noqa: S308 (HTML in the text is escaped)


METHOD_ORDER = ("get", "post", "put", "patch", "delete")
PLACES = {"path": "path", "query": "query string", "header": "header", "cookie": "cookie"}
FORMATS = {"date": "date (YYYY-MM-DD)", "date-time": "date and time (ISO 8601)",
           "uri": "web address", "double": None, "binary": "file"}
TYPES = {"string": "text", "integer": "whole number", "number": "number",
         "boolean": "true or false", "object": "object"}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    description: SafeString
    required: bool = False
    read_only: bool = False


@dataclass(frozen=True)
class Answer:
    status: str
    description: str
    media_types: tuple[str, ...]


@dataclass
class Operation:
    method: str
    path: str
    anchor: str
    description: SafeString
    parameters: list[Field]
    body_type: str
    body: list[Field]
    answers: list[Answer]
    result: str  # what a successful answer holds, e.g. "A page of Observation rows"
    result_fields: list[Field]
    signed_in: bool
    # The fields are those of an earlier operation's answer: (its name, its anchor).
    same_fields_as: tuple[str, str] | None = None
    deprecated: bool = False


@dataclass
class Resource:
    name: str
    anchor: str
    operations: list[Operation] = field(default_factory=list)


def _resolve(schema: dict, components: dict) -> dict:
    ref = schema.get("$ref")
    return components[ref.rsplit("/", 1)[-1]] if ref else schema


def _ref_name(schema: dict) -> str | None:
    ref = schema.get("$ref")
    return ref.rsplit("/", 1)[-1] if ref else None


def describe_type(schema: dict, components: dict) -> str:
    """A type as a reader would say it: "text", "list of text", "date (YYYY-MM-DD) or null",
    "one of: csv, xlsx"."""
    resolved = _resolve(schema, components)
    if "oneOf" in schema or "allOf" in schema:
        parts = [describe_type(s, components) for s in schema.get("oneOf") or schema["allOf"]]
        parts = [p for p in parts if p != "blank"]
        text = " or ".join(dict.fromkeys(parts))
        if any(_resolve(s, components).get("enum") == [""] for s in schema.get("oneOf", [])):
            text += " or blank"
    elif resolved.get("enum") is not None:
        values = [v for v in resolved["enum"] if v not in ("", None)]
        text = "one of: " + ", ".join(str(v) for v in values) if values else "blank"
    elif resolved.get("type") == "array":
        text = "list of " + describe_type(resolved.get("items", {}), components)
    elif resolved.get("type") == "object" and _ref_name(schema):
        text = f"{_ref_name(schema)} object"
    else:
        kind = resolved.get("type", "any")
        text = FORMATS.get(resolved.get("format")) or TYPES.get(kind, kind)
        if "minimum" in resolved and "maximum" in resolved:
            text += f", {resolved['minimum']} to {resolved['maximum']}"
        elif "maxLength" in resolved:
            text += f", at most {resolved['maxLength']} characters"
    if schema.get("nullable") or resolved.get("nullable"):
        text += " or null"
    return text


def _fields(schema: dict, components: dict) -> list[Field]:
    schema = _resolve(schema, components)
    required = set(schema.get("required", ()))
    return [Field(name=name, type=describe_type(prop, components),
                  description=prose(prop.get("description")
                                    or _resolve(prop, components).get("description")),
                  required=name in required, read_only=bool(prop.get("readOnly")))
            for name, prop in schema.get("properties", {}).items()]


def _result(responses: dict, components: dict) -> tuple[str, str | None, list[Field]]:
    """What a successful answer holds, the name of its row or object, and its fields."""
    for status, response in sorted(responses.items()):
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if not status.startswith("2"):
            continue
        if schema is None:
            return response.get("description") or "Nothing", None, []
        resolved = _resolve(schema, components)
        rows = resolved.get("properties", {}).get("results")
        if rows and rows.get("type") == "array":
            row = rows["items"]
            return (f"A page of {_ref_name(row)} rows, with links to the next and previous "
                    f"pages", _ref_name(row), _fields(row, components))
        if resolved.get("type") == "array":
            row = resolved["items"]
            return f"A list of {_ref_name(row)} rows", _ref_name(row), _fields(row, components)
        name = _ref_name(schema)
        return f"One {name or 'object'}", name, _fields(schema, components)
    return "", None, []


def _anchor(method: str, path: str) -> str:
    return method + "-" + re.sub(r"[^a-z0-9]+", "-", path.removeprefix("/api/v1/")).strip("-")


def _is_common(status: str, response: dict) -> bool:
    common = {**COMMON, **WRITES}.get(status)
    return common is not None and response.get("description") == common["description"]


def resource_name(tag: str) -> str:
    return "Tokens" if tag == "auth" else tag.replace("-", " ").capitalize()


def build_guide(schema: dict) -> list[Resource]:
    """Resources, each with its operations. The answers every operation may give (see
    `COMMON`) are left to the page's introduction, and an answer whose fields were listed
    for an earlier operation points to them instead of listing them again."""
    components = schema.get("components", {}).get("schemas", {})
    resources: dict[str, Resource] = {}
    listed: dict[str, tuple[str, str]] = {}
    for path, operations in schema.get("paths", {}).items():
        for method in METHOD_ORDER:
            operation = operations.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            resource = resources.setdefault(tag, Resource(name=resource_name(tag),
                                                          anchor=f"resource-{tag}"))
            body_type, body = "", []
            content = operation.get("requestBody", {}).get("content", {})
            if content:
                body_type = next(iter(content))
                body = [f for f in _fields(content[body_type]["schema"], components)
                        if not f.read_only]
            responses = operation.get("responses", {})
            result, row_name, result_fields = _result(responses, components)
            anchor = _anchor(method, path)
            same_fields_as = listed.get(row_name) if row_name else None
            if row_name and same_fields_as is None and result_fields:
                listed[row_name] = (f"{method.upper()} {path}", anchor)
            resource.operations.append(Operation(
                method=method.upper(), path=path, anchor=anchor,
                description=prose(operation.get("description")),
                parameters=[Field(name=p["name"],
                                  type=f"{describe_type(p.get('schema', {}), components)}, "
                                       f"in the {PLACES.get(p['in'], p['in'])}",
                                  description=prose(p.get("description")),
                                  required=bool(p.get("required")))
                            for p in operation.get("parameters", [])],
                body_type=body_type, body=body,
                answers=[Answer(status=status,
                                description=response.get("description") or "Success",
                                media_types=tuple(response.get("content", {})))
                         for status, response in sorted(responses.items())
                         if not _is_common(status, response)],
                result=result, result_fields=[] if same_fields_as else result_fields,
                same_fields_as=same_fields_as,
                signed_in=bool(operation.get("security")) and {} not in operation["security"],
                deprecated=bool(operation.get("deprecated")),
            ))
    return sorted(resources.values(), key=lambda r: (r.name == "Tokens", r.name))


@functools.cache
def _guide() -> tuple[dict, list[Resource]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return schema["info"], build_guide(schema)


@require_safe
def api_guide(request: HttpRequest) -> HttpResponse:
    info, resources = _guide()
    return render(request, "cdp/api_guide.html", {
        "info": info, "description": prose(info.get("description")), "resources": resources,
        "common_answers": sorted((status, answer["description"])
                                 for status, answer in {**COMMON, **WRITES}.items()),
    })
