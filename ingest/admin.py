from django.contrib import admin
from django.db import transaction

from . import generation
from .models import (AIModel, Benchmark, BenchmarkScore, DataSource, FeedItem, HeldPayload, IngestRun, RunChange, Series,
                     SeriesPoint)


class EditedDataAdmin(admin.ModelAdmin):
    """Admin for ingested data: an edit advances the data generation (pages keyed on it rebuild)
    and, once committed, tells the apps that derived payloads from the data (data_edited)."""

    def _edited(self):
        from .signals import data_edited

        generation.bump(generation.DATA)
        model = self.model
        transaction.on_commit(lambda: data_edited.send(sender=model))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._edited()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._edited()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._edited()


@admin.register(DataSource)
class DataSourceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "enabled", "interval_minutes", "last_run_at"]
    list_filter = ["kind", "enabled"]
    search_fields = ["name", "slug", "url", "path"]


@admin.register(IngestRun)
class IngestRunAdmin(admin.ModelAdmin):
    list_display = ["id", "source", "status", "created_count", "updated_count", "unchanged_count",
                    "rejected_count", "queued_at", "finished_at"]
    list_filter = ["status", "source"]
    search_fields = ["source__slug", "error", "sha256", "upstream"]
    list_select_related = ["source"]
    readonly_fields = [f.name for f in IngestRun._meta.fields]


@admin.register(AIModel)
class AIModelAdmin(EditedDataAdmin):
    list_display = ["name", "organization", "publication_date", "domain", "parameters", "training_compute_flop", "notable"]
    list_filter = ["notable", "domain", "confidence"]
    search_fields = ["name", "organization"]
    raw_id_fields = ["run"]


@admin.register(Benchmark)
class BenchmarkAdmin(EditedDataAdmin):
    list_display = ["name", "slug", "unit", "higher_is_better", "publisher"]
    search_fields = ["name", "slug"]


@admin.register(BenchmarkScore)
class BenchmarkScoreAdmin(EditedDataAdmin):
    list_display = ["model_name", "benchmark", "date", "score", "stderr"]
    list_filter = ["benchmark"]
    search_fields = ["model_name"]
    list_select_related = ["benchmark"]
    raw_id_fields = ["run", "ai_model"]


@admin.register(Series)
class SeriesAdmin(EditedDataAdmin):
    list_display = ["name", "slug", "unit", "source"]
    search_fields = ["name", "slug"]


@admin.register(SeriesPoint)
class SeriesPointAdmin(EditedDataAdmin):
    list_display = ["series", "entity", "date", "value"]
    list_filter = ["series"]
    search_fields = ["entity"]
    raw_id_fields = ["run"]


@admin.register(FeedItem)
class FeedItemAdmin(admin.ModelAdmin):
    list_display = ["title", "source", "published", "arxiv_id"]
    list_filter = ["source"]
    search_fields = ["title", "guid", "arxiv_id"]
    raw_id_fields = ["run"]


class ReadOnlyRecord:
    """What a run saw and changed is its record: viewed in the admin, never edited or deleted
    there (a held payload is applied or discarded from the run's page, which records who did it)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RunChange)
class RunChangeAdmin(ReadOnlyRecord, admin.ModelAdmin):
    list_display = ["run", "kind", "table", "record", "field", "before", "after", "flag"]
    list_filter = ["kind", "flag", "table"]
    search_fields = ["record", "field", "note"]
    list_select_related = ["run__source"]
    readonly_fields = [f.name for f in RunChange._meta.fields]


@admin.register(HeldPayload)
class HeldPayloadAdmin(ReadOnlyRecord, admin.ModelAdmin):
    list_display = ["run", "created", "size"]
    list_select_related = ["run__source"]
    # The bytes themselves are not shown: a payload can be megabytes; its size says enough here.
    fields = ["run", "created", "size", "companion_names"]
    readonly_fields = fields

    def get_queryset(self, request):
        from django.db.models.functions import Length

        return super().get_queryset(request).defer("data").annotate(data_size=Length("data"))

    @admin.display(description="bytes", ordering="data_size")
    def size(self, obj):
        return obj.data_size

    @admin.display(description="companions")
    def companion_names(self, obj):
        return ", ".join(sorted(obj.companions)) or "none"
