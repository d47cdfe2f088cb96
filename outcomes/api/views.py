from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from partnerships import access
from partnerships.api.base import ScopedViewSet
from partnerships.models import Partnership

from .. import services, tasks
from ..filtersets import ImportBatchFilterSet
from ..importers import FileProblem
from ..models import ImportBatch
from .serializers import ImportBatchSerializer, ImportCreateSerializer, ImportRowProblemSerializer

BACKGROUND_BYTES = 256 * 1024


class ImportBatchViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet
):
    """Imports of observations into partnerships you load data for.

    POST a file to check it and, unless it is a dry run or has rejected rows you have not
    accepted, apply it. Files over 256 KB are checked in the background: the answer is 202 and
    the batch's `status` moves from `queued` to `preview`; apply a previewed batch from the
    upload page.
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
            if upload.size > BACKGROUND_BYTES:
                batch = services.import_start(
                    partnership=partnership, user=request.user, file_name=upload.name,
                    data=upload.read(), format=data["format"],
                    create_missing_metrics=data["create_missing_metrics"],
                )
                transaction.on_commit(lambda: tasks.validate_import.delay(batch.pk))
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
