"""A milestone's progress log over the API: `GET /api/v1/milestones/{id}/updates/` lists its
entries, newest first; `POST` adds one, with the milestone's ETag in `If-Match` like every
milestone write (412 if it has changed since). Another partnership's milestone is a 404; a
member who may not change the plan gets 403 on POST."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from partnerships import access

from ..models import Milestone, MilestoneStatus, ProgressEvidence, ProgressUpdate
from ..services.milestones import StaleEdit
from ..services.progress_log import progress_update_add

# The service's field names, as this API names them.
FIELD_NAMES = {"progress_note": "text", "evidence_link": "evidence_links",
               "evidence_file": "evidence_links", "__all__": "non_field_errors"}


class EvidenceSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField(
        help_text="The link, or where members download the file")

    class Meta:
        model = ProgressEvidence
        fields = ["id", "name", "url", "link"]
        read_only_fields = fields

    def get_url(self, item: ProgressEvidence) -> str:
        if item.link:
            return item.link
        update = item.update
        path = reverse("actionplans:milestone_evidence_item",
                       args=[self.context["partnership_slug"], update.milestone_id, item.pk])
        return self.context["request"].build_absolute_uri(path)


class ProgressUpdateSerializer(serializers.ModelSerializer):
    """One entry of a milestone's progress log; to add one, send `status`, `text`, and
    optionally `progress_on` and `evidence_links`."""

    author = serializers.SerializerMethodField(help_text="Who added it (username)")
    evidence = EvidenceSerializer(many=True, read_only=True)
    status = serializers.ChoiceField(choices=MilestoneStatus.choices,
                                     help_text="The milestone's status with this update")
    text = serializers.CharField(required=False, allow_blank=True,
                                 help_text="What has happened since the last update")
    progress_on = serializers.DateField(required=False,
                                        help_text="The date of the update; today if not given")
    evidence_links = serializers.ListField(
        child=serializers.URLField(max_length=500), write_only=True, required=False,
        max_length=20, help_text="Web addresses of evidence, given with this update")

    class Meta:
        model = ProgressUpdate
        fields = ["id", "milestone", "author", "created_at", "progress_on", "status", "text",
                  "evidence", "evidence_links"]
        read_only_fields = ["id", "milestone", "author", "created_at", "evidence"]

    def get_author(self, entry: ProgressUpdate) -> str | None:
        return entry.author.username if entry.author else None

    def to_internal_value(self, data):
        """A field that cannot be given is an error, never silently ignored."""
        if hasattr(data, "keys"):
            writable = {n for n, f in self.fields.items() if not f.read_only}
            refused = {name: ["This field is read-only." if name in self.fields else
                              "There is no such field."] for name in data if name not in writable}
            if refused:
                raise ValidationError(refused)
        return super().to_internal_value(data)


IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description='The ETag from a GET of the milestone, e.g. "milestone-12-v3". Required: '
                "without it the answer is 428; if the milestone has changed since, 412. The "
                "answer's ETag is the milestone's new one.")


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-pk")
    page_size = 100


class ProgressLogActions:
    """The `updates` route of the milestones viewset."""

    @extend_schema(
        methods=["GET"], request=None,
        description="The milestone's progress log, newest first: who, when, the status and "
                    "what had happened, with its evidence.",
        responses={200: inline_serializer("PaginatedProgressUpdateList", fields={
                       "next": serializers.URLField(allow_null=True),
                       "previous": serializers.URLField(allow_null=True),
                       "results": ProgressUpdateSerializer(many=True)}),
                   404: OpenApiResponse(description="No such milestone in a partnership you "
                                                    "can see.")})
    @extend_schema(
        methods=["POST"], request=ProgressUpdateSerializer, parameters=[IF_MATCH],
        description="Adds an update to the milestone's log; the milestone then shows it as its "
                    "latest. Requires the milestone's ETag in If-Match (412 if it has changed "
                    "since). An update with no new text and no change of status is a 400.",
        responses={201: ProgressUpdateSerializer,
                   400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors, by "
                                        "field."),
                   403: OpenApiResponse(description="You may not change this partnership's "
                                                    "plan."),
                   404: OpenApiResponse(description="No such milestone in a partnership you "
                                                    "can see."),
                   412: OpenApiResponse(description="The milestone has changed since your "
                                                    "ETag; nothing was added."),
                   428: OpenApiResponse(description="No If-Match header.")})
    @action(detail=True, methods=["get", "post"], url_path="updates", pagination_class=None)
    def updates(self, request, *args, **kwargs):
        # Among the milestones the user can see (another partnership's is a 404), without
        # the related rows the milestone's own answer shows.
        milestone = get_object_or_404(
            Milestone.objects.select_related("partnership").for_user(request.user, access.VIEW),
            pk=kwargs["pk"])
        context = {"request": request, "partnership_slug": milestone.partnership.slug}
        if request.method == "POST":
            return self._add_update(request, milestone, context)
        entries = (ProgressUpdate.objects.filter(milestone=milestone).select_related("author")
                   .prefetch_related(Prefetch("evidence",
                                              queryset=ProgressEvidence.objects.order_by("pk"))))
        paginator = NewestFirst()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(
            ProgressUpdateSerializer(page, many=True, context=context).data)

    def _add_update(self, request, milestone, context):
        from .views import _version_to_change  # the milestones' If-Match rule, written once

        access.require(request.user, milestone.partnership, access.EDIT_PLAN)
        version = _version_to_change(request.headers.get("If-Match"), milestone)
        if version is None:
            raise StaleEdit(milestone)
        form = ProgressUpdateSerializer(data=request.data, context=context)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            entry = progress_update_add(
                milestone=milestone, user=request.user, version=version, status=data["status"],
                text=data.get("text", ""), progress_on=data.get("progress_on"),
                links=data.get("evidence_links", []))
        except DjangoValidationError as error:
            raise ValidationError({FIELD_NAMES.get(field, field): messages
                                   for field, messages in error.message_dict.items()}) from None
        milestone.refresh_from_db(fields=["version"])
        return Response(ProgressUpdateSerializer(entry, context=context).data,
                        status=status.HTTP_201_CREATED, headers={"ETag": milestone.etag})
