from django.contrib import admin

from .models import AIModel, Benchmark, BenchmarkScore, DataSource, FeedItem, IngestRun, Series, SeriesPoint


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
class AIModelAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "publication_date", "domain", "parameters", "training_compute_flop", "notable"]
    list_filter = ["notable", "domain", "confidence"]
    search_fields = ["name", "organization"]
    raw_id_fields = ["run"]


@admin.register(Benchmark)
class BenchmarkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "unit", "higher_is_better", "publisher"]
    search_fields = ["name", "slug"]


@admin.register(BenchmarkScore)
class BenchmarkScoreAdmin(admin.ModelAdmin):
    list_display = ["model_name", "benchmark", "date", "score", "stderr"]
    list_filter = ["benchmark"]
    search_fields = ["model_name"]
    list_select_related = ["benchmark"]
    raw_id_fields = ["run", "ai_model"]


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "unit", "source"]
    search_fields = ["name", "slug"]


@admin.register(SeriesPoint)
class SeriesPointAdmin(admin.ModelAdmin):
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
