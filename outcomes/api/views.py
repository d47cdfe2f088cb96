from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from partnerships import access
from partnerships.api.base import ScopedViewSet
from partnerships.models import Partnership

from .. import services
from ..filtersets import ImportBatchFilterSet
from ..importers import FileProblem
from ..models import ImportBatch
from .serializers import (
    ImportApplySerializer,
    ImportBatchSerializer,
    ImportCreateSerializer,
    ImportRowProblemSerializer,
)


class ImportBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Imports of observations into partnerships you load data for.

    POST a file to check it and, unless it is a dry run or has rejected rows you have not
    accepted, apply it. Files over 256 KB are checked in the background: the answer is 202,
    the batch's `status` moves from `queued` to `preview`, and `POST imports/{id}/apply/`
    applies it.
    """

    queryset = ImportBatch.objects.select_related("partnership", "created_by")
    serializer_class = ImportBatchSerializer
    filterset_class = ImportBatchFilterSet
    read_action = access.LOAD_DATA
    write_action = access.LOAD_DATA

    @extend_schema(request={"multipart/form-data": ImportCreateSerializer},
                   responses={201: ImportBatchSerializer, 202: ImportBatchSerializer})
    def create(self, request, *args, **kwargs):
        form = ImportCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        partnership = (
            Partnership.objects.for_user(request.user, access.LOAD_DATA)
            .filter(slug=data["partnership"]).first()
        )
        if partnership is None:
            raise NotFound("No such partnership.")
        upload = data["file"]
        try:
            if upload.size > services.BACKGROUND_BYTES:
                batch = services.import_start(
                    partnership=partnership, user=request.user, file_name=upload.name,
                    data=upload.read(), format=data["format"],
                    create_missing_metrics=data["create_missing_metrics"],
                )
                services.import_check(batch=batch, size=upload.size)
                answer = status.HTTP_202_ACCEPTED
            else:
                batch = services.import_file(
                    partnership=partnership, user=request.user, file_name=upload.name,
                    data=upload.read(), format=data["format"],
                    create_missing_metrics=data["create_missing_metrics"],
                    dry_run=data["dry_run"], accept_valid=data["accept_valid"],
                )
                answer = status.HTTP_201_CREATED
                if batch.status == ImportBatch.Status.FAILED:
                    raise FileProblem(batch.failure)
        except FileProblem as error:
            raise ValidationError({"file": [str(error)]}) from None
        except DjangoPermissionDenied:
            raise NotFound("No such partnership.") from None
        except DjangoValidationError as error:
            raise ValidationError({"non_field_errors": error.messages}) from None
        body = ImportBatchSerializer(batch, context={"request": request}).data
        return Response(body, status=answer)

    @extend_schema(responses=ImportRowProblemSerializer(many=True))
    @action(detail=True, methods=["get"])
    def problems(self, request, pk=None):
        """Every row that was rejected or skipped, with its line number and reason."""
        batch = self.get_object()
        page = self.paginate_queryset(batch.problems.order_by("pk"))
        return self.get_paginated_response(ImportRowProblemSerializer(page, many=True).data)

    @extend_schema(request=ImportApplySerializer, responses={200: ImportBatchSerializer,
                                                              202: ImportBatchSerializer})
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        """Applies a checked import. Rejected rows must be accepted with `accept_valid`."""
        batch = self.get_object()
        form = ImportApplySerializer(data=request.data)
        form.is_valid(raise_exception=True)
        accept = form.validated_data["accept_valid"]
        try:
            batch, queued = services.import_apply(batch=batch, user=request.user,
                                                  accept_valid=accept)
            answer = status.HTTP_202_ACCEPTED if queued else status.HTTP_200_OK
        except DjangoValidationError as error:
            raise ValidationError({"non_field_errors": error.messages}) from None
        return Response(ImportBatchSerializer(batch, context={"request": request}).data,
                        status=answer)

    @extend_schema(request=None, responses=ImportBatchSerializer)
    @action(detail=True, methods=["post"], url_path="roll-back")
    def roll_back(self, request, pk=None):
        """Undoes an applied import: its new values go, changed ones get their old values."""
        batch = self.get_object()
        try:
            services.import_rollback(batch=batch, user=request.user)
        except DjangoValidationError as error:
            raise ValidationError({"non_field_errors": error.messages}) from None
        batch.refresh_from_db()
        return Response(ImportBatchSerializer(batch, context={"request": request}).data)
