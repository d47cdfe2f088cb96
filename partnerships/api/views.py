from rest_framework import mixins

from ..models import Partnership
from .base import ListMixin, ScopedViewSet
from .serializers import PartnershipSerializer


class PartnershipViewSet(ListMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The partnerships you belong to, or can view as a regional viewer."""

    queryset = Partnership.objects.select_related("region", "parent").prefetch_related(
        "local_authorities"
    )
    serializer_class = PartnershipSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
