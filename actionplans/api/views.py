"""Action plans and milestones over the API.

Milestone writes use optimistic concurrency: a GET sends the milestone's `ETag`, a PATCH must
send it back in `If-Match`, and an edit made from an older version is refused with 412 and
what is saved now. Nothing is ever silently overwritten.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils.http import parse_etags
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response

from outcomes.models import Metric
from partnerships import access
from partnerships.api.base import ListMixin, ScopedViewSet
from partnerships.models import Organisation, Partnership

from ..filtersets import ActionPlanFilterSet, MilestoneFilterSet
from ..models import ActionPlan, Milestone
from ..services import milestones
from ..services.milestones import StaleEdit
from .progress_log import ProgressLogActions
from .serializers import (
    ActionPlanSerializer,
    MilestoneErrorSerializer,
    MilestoneSerializer,
    MilestoneStaleSerializer,
)


class ActionPlanViewSet(ListMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The action plans of the partnerships you can see: one per partnership."""

    queryset = ActionPlan.objects.select_related("partnership")
    serializer_class = ActionPlanSerializer
    filterset_class = ActionPlanFilterSet


class MilestoneApiFilterSet(MilestoneFilterSet):
    """The plan page's filters. `lead` (a user id) may be anyone who leads a key action in a
    partnership you can see; `partner` (an organisation id) any of those partnerships'
    organisations."""

    def __init__(self, data=None, queryset=None, *, request=None, **kwargs):
        user = getattr(request, "user", None)
        kwargs.setdefault("leads", get_user_model().objects.filter(
            led_actions__partnership__in=Partnership.objects.for_user(user)).distinct())
        kwargs.setdefault("partners", Organisation.objects.for_user(user))
        super().__init__(data, queryset, request=request, **kwargs)


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = ("Send the milestone's ETag from a GET in an If-Match header, so that "
                      "an edit made from an older version is refused rather than saved over "
                      "someone else's.")
    default_code = "precondition_required"


ETAG = re.compile(r'^"milestone-(?P<pk>\d+)-v(?P<version>\d+)"$')

IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description='The ETag from a GET of the milestone, e.g. "milestone-12-v3". Required: '
                "without it the answer is 428; if the milestone has changed since, 412.")
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
    description="An ETag you hold: if the milestone is still at it, the answer is 304.")
ETAG_HEADER = OpenApiParameter(
    "ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 304, 412],
    description="The milestone's version, to send back in If-Match when changing it.")
NOT_FOUND = OpenApiResponse(MilestoneErrorSerializer,
                            description="No such milestone in a partnership you can see.")


@extend_schema_view(
    list=extend_schema(description="Milestones of the partnerships you can see, filtered "
                                   "as on the plan page."),
)
class MilestoneViewSet(ProgressLogActions, ListMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Milestones of the action plans you can see. Leads and partnership administrators
    change them with PATCH and `If-Match`, and add to their progress logs (`updates/`)."""

    queryset = Milestone.objects.select_related(
        "partnership", "key_action__objective__plan", "key_action__lead",
    ).prefetch_related(
        Prefetch("metrics", queryset=Metric.objects.order_by("code")),
        Prefetch("key_action__responsible_partners",
                 queryset=Organisation.objects.order_by("name")),
    )
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneApiFilterSet
    write_action = access.EDIT_PLAN
    # A service's error on `metrics` is this API's `performance_measures` (cdp/api/exceptions).
    service_field_names = {"metrics": "performance_measures"}

    def scope_action(self) -> str:
        """Every route looks milestones up among those the user can see: a member who may
        not change one is told so (403, from the service), while a milestone outside the
        user's partnerships stays a 404."""
        return self.read_action

    @extend_schema(
        parameters=[IF_NONE_MATCH, ETAG_HEADER],
        responses={200: MilestoneSerializer,
                   304: OpenApiResponse(description="Not modified: your copy is current."),
                   404: NOT_FOUND},
    )
    def retrieve(self, request, *args, **kwargs):
        milestone = self.get_object()
        if _matches(request.headers.get("If-None-Match"), milestone.etag, weak=True):
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": milestone.etag})
        return self._answer(milestone)

    @extend_schema(
        description="Changes a milestone. Send only the fields to change. Requires the "
                    "milestone's ETag in If-Match: an edit made from an older version is "
                    "refused with 412 and the milestone as saved now.",
        parameters=[IF_MATCH, ETAG_HEADER],
        request=MilestoneSerializer,
        responses={
            200: MilestoneSerializer,
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Field errors, by field; "
                                 "a read-only or unknown field is an error."),
            403: OpenApiResponse(MilestoneErrorSerializer,
                                 description="You may not change this partnership's plan."),
            404: NOT_FOUND,
            412: OpenApiResponse(MilestoneStaleSerializer,
                                 description="The milestone has changed since your ETag; "
                                             "nothing was saved."),
            428: OpenApiResponse(MilestoneErrorSerializer, description="No If-Match header."),
        },
    )
    def partial_update(self, request, *args, **kwargs):
        milestone = self.get_object()
        access.require(request.user, milestone.partnership, access.EDIT_PLAN)
        version = _version_to_change(request.headers.get("If-Match"), milestone)
        if version is None:
            raise StaleEdit(milestone)
        form = self.get_serializer(milestone, data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        changes = dict(form.validated_data)
        metrics = changes.pop("metrics", None)
        milestones.milestone_update(milestone=milestone, user=request.user, version=version,
                                    changes=changes, metrics=metrics)
        return self._answer(self.get_object())

    def _answer(self, milestone: Milestone) -> Response:
        return Response(self.get_serializer(milestone).data, headers={"ETag": milestone.etag})


def _matches(header: str | None, etag: str, *, weak: bool) -> bool:
    """Whether an If-None-Match (weak comparison) or If-Match (strong) header names `etag`."""
    if not header:
        return False
    tags = parse_etags(header)
    if weak:
        return "*" in tags or etag in {tag.removeprefix("W/") for tag in tags}
    return etag in tags


def _version_to_change(header: str | None, milestone: Milestone) -> int | None:
    """The version an edit is made from: that of the ETag in If-Match if it is the current
    one, None if it is not (stale). No If-Match, or `*`, is a 428: nothing may be changed
    without saying which version the change was made from."""
    if not header or not header.strip() or parse_etags(header) == ["*"]:
        raise PreconditionRequired()
    if not _matches(header, milestone.etag, weak=False):
        return None
    return int(ETAG.match(milestone.etag)["version"])
