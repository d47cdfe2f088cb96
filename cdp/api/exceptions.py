"""Errors translated once for the whole API (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Services raise the domain's errors; viewsets let them through and this turns them into
answers, as HackSoft's styleguide example does:

- Django's ValidationError: 400, each message under the field it names (a viewset may
  rename service fields to its own in `service_field_names`), whole-object ones under
  `non_field_errors`.
- FileProblem (a file that cannot be read at all) and StoreFailed (a disk that cannot take
  it): 400 under `file`.
- StaleEdit (a write made from an older version): 412 with what is saved now and its ETag.
- PermissionDenied: DRF's 403.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from actionplans.services import StaleEdit
from outcomes.importers import FileProblem
from partnerships.files import StoreFailed

STALE = ("The {name} has changed since you read it; nothing was saved. Compare with `current` "
         "and send your changes again with its ETag.")


def field_errors(error: DjangoValidationError, names: dict[str, str] | None = None
                 ) -> dict[str, list[str]]:
    """A service's errors by the API's field names."""
    names = {"__all__": "non_field_errors", **(names or {})}
    if hasattr(error, "error_dict"):
        return {names.get(field, field): messages
                for field, messages in error.message_dict.items()}
    return {"non_field_errors": error.messages}


def _stale(error: StaleEdit, view) -> Response:
    # What is saved now, read again as the view reads it (its related rows and their order),
    # so that `current` is exactly what a GET answers.
    current = view.get_object() if hasattr(view, "get_object") else error.current
    body = {"detail": STALE.format(name=current._meta.verbose_name),
            "current": view.get_serializer(current).data}
    return Response(body, status=status.HTTP_412_PRECONDITION_FAILED,
                    headers={"ETag": current.etag})


def exception_handler(exc, context):
    view = context.get("view")
    if isinstance(exc, StaleEdit):
        return _stale(exc, view)
    if isinstance(exc, DjangoValidationError):
        exc = ValidationError(field_errors(exc, getattr(view, "service_field_names", None)))
    elif isinstance(exc, FileProblem | StoreFailed):
        exc = ValidationError({"file": [str(exc)]})
    return drf_exception_handler(exc, context)
