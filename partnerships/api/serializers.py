from rest_framework import serializers

from ..models import LocalAuthority, Partnership


class LocalAuthoritySerializer(serializers.ModelSerializer):
    class Meta:
        model = LocalAuthority
        fields = ["code", "name"]


class PartnershipSerializer(serializers.ModelSerializer):
    region_code = serializers.CharField(source="region.code", read_only=True)
    region_name = serializers.CharField(source="region.name", read_only=True)
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    local_authorities = LocalAuthoritySerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "slug", "name", "region_code", "region_name", "parent", "local_authorities",
            "reports_to", "date_established",
        ]
