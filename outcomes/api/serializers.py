from rest_framework import serializers
from rest_framework.reverse import reverse

from ..importers import MAX_FILE_BYTES
from ..models import ImportBatch, ImportRowProblem


class ImportBatchSerializer(serializers.ModelSerializer):
    partnership = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    problems_url = serializers.SerializerMethodField()

    class Meta:
        model = ImportBatch
        fields = [
            "id", "partnership", "file_name", "format", "status", "failure", "created_by",
            "created_at", "finished_at", "rows_total", "inserted", "updated", "unchanged",
            "skipped", "rejected", "rolled_back_at", "problems_url",
        ]
        read_only_fields = fields

    def get_problems_url(self, batch) -> str:
        return reverse("api:import-problems", args=[batch.pk], request=self.context.get("request"))


class ImportCreateSerializer(serializers.Serializer):
    partnership = serializers.SlugField(help_text="The partnership to load into, e.g. rotherham")
    file = serializers.FileField(help_text=f"CSV or XLSX, at most {MAX_FILE_BYTES // 2**20} MB")
    format = serializers.ChoiceField(choices=["fingertips", "tidy"])
    create_missing_metrics = serializers.BooleanField(default=False)
    dry_run = serializers.BooleanField(default=False, help_text="Check only; write nothing")
    accept_valid = serializers.BooleanField(
        default=False, help_text="Import the valid rows even when others are rejected"
    )

    def validate_file(self, upload):
        if upload.size > MAX_FILE_BYTES:
            raise serializers.ValidationError(
                f"The file must be smaller than {MAX_FILE_BYTES // 2**20} MB.")
        return upload


class ImportRowProblemSerializer(serializers.ModelSerializer):
    class Meta:
        model = ImportRowProblem
        fields = ["line", "kind", "reason"]


class ImportApplySerializer(serializers.Serializer):
    accept_valid = serializers.BooleanField(
        default=False, help_text="Import the valid rows even when others are rejected"
    )
