"""The OpenAPI schema's description of what every operation may answer besides success.

drf-spectacular describes each operation's own responses; the ones that any operation may
give (a bad parameter, no or a wrong token, another partnership's object, too many
requests) are added here, so that clients generated from the schema expect them and the
schemathesis test holds the API to them."""

from __future__ import annotations

import copy

DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}},
          "required": ["detail"]}
FIELD_ERRORS = {
    "type": "object",
    "description": "Each parameter or field that is wrong, with what is wrong with it.",
    "additionalProperties": {},
}
CSV = {"type": "string", "description": "Every matching row as CSV (RFC 4180), with the "
                                        "JSON's field names as the header."}

FORMAT = "`csv` for CSV (a list: every matching row, not a page); `json`, the default, for JSON"


def _error(description: str, schema: dict, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        response["headers"] = headers
    return response


RETRY = {"Retry-After": {"schema": {"type": "integer"},
                         "description": "Seconds to wait before trying again"}}
# What any operation may answer, and what any write may answer besides.
COMMON = {
    "400": _error("A parameter or field is wrong", FIELD_ERRORS),
    "401": _error("No token or session, or the token has expired or been revoked",
                  DETAIL, {"WWW-Authenticate": {"schema": {"type": "string"}}}),
    "404": _error("Not found, or not yours to see (another partnership's), or a page "
                  "cursor that is not valid", DETAIL),
    "406": _error("The Accept header asks for a format the API does not give", DETAIL),
    "429": _error("Too many requests", DETAIL, RETRY),
}
WRITES = {
    "403": _error("Your role may not do this", DETAIL),
    "415": _error("The body's Content-Type is not one the operation reads", DETAIL),
}


def document_errors(result: dict, generator, request, public) -> dict:
    """Adds the responses every operation may give, and CSV's own schema, to each. Every
    answer can come as CSV (`?format=csv`): a list as its rows, anything else as one row."""
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            extra = {**COMMON, **(WRITES if method in ("post", "put", "patch", "delete")
                                  else {})}
            if path.endswith("/auth/token/"):
                extra.pop("401")
            for status, response in extra.items():
                responses.setdefault(status, copy.deepcopy(response))
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "format" and parameter["in"] == "query":
                    parameter.setdefault("description", FORMAT)
            for status, response in responses.items():
                content = response.get("content", {})
                if "text/csv" in content and status.startswith("2"):
                    content["text/csv"] = {"schema": CSV}
                elif "application/json" in content:  # ?format=csv: any answer, as CSV
                    content["text/csv"] = {"schema": {"type": "string"}}
    return result
