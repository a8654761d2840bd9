from django.contrib import admin

from .models import FeaturedChart, Measure, Untestable


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["description", "claim", "kind", "comparison", "threshold", "deadline", "outcome", "last_checked"]
    list_filter = ["kind", "outcome", "robustness"]
    search_fields = ["description", "claim__title", "key"]
    raw_id_fields = ["claim", "benchmark", "series", "created_by"]
    readonly_fields = ["value", "value_low", "value_high", "sentence", "outcome", "robustness", "robustness_note",
                       "detail", "record_ids", "run_ids", "last_checked"]


@admin.register(FeaturedChart)
class FeaturedChartAdmin(admin.ModelAdmin):
    list_display = ["place", "topic", "kind", "slug", "entity", "order", "enabled"]
    list_editable = ["order", "enabled"]
    list_filter = ["place", "kind", "enabled"]


@admin.register(Untestable)
class UntestableAdmin(admin.ModelAdmin):
    list_display = ["claim", "reason"]
    search_fields = ["claim__title", "reason"]
    list_select_related = ["claim"]
    raw_id_fields = ["claim"]
