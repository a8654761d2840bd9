from django.contrib import admin

from .history import record_revision
from .models import Claim, Evidence, Person, Revision, Source, Topic, Verdict


class RevisionOnSaveMixin:
    """Record a revision after the admin saves a row and its many-to-many fields."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        record_revision(form.instance, user=request.user, comment="Edited in the admin." if change else "Created in the admin.")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["name", "affiliation", "role", "slug"]
    search_fields = ["name", "affiliation", "bio"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name", "description"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "publisher", "date", "key"]
    list_filter = ["kind"]
    search_fields = ["title", "publisher", "author", "url"]


class VerdictInline(admin.TabularInline):
    model = Verdict
    extra = 0
    fields = ["status", "as_of", "as_of_precision", "rationale", "recorded_by", "created"]
    readonly_fields = ["created"]


@admin.register(Claim)
class ClaimAdmin(RevisionOnSaveMixin, admin.ModelAdmin):
    list_display = ["title", "person", "date_made", "date_precision", "kind", "status", "editorial_state", "updated"]
    list_filter = ["status", "editorial_state", "kind", "date_precision", "topics"]
    search_fields = ["title", "statement", "quote", "person__name", "slug"]
    list_select_related = ["person"]
    autocomplete_fields = ["person", "source"]
    filter_horizontal = ["topics"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created"
    inlines = [VerdictInline]


@admin.register(Evidence)
class EvidenceAdmin(RevisionOnSaveMixin, admin.ModelAdmin):
    list_display = ["claim", "stance", "strength", "tier", "state", "added_by", "created"]
    list_filter = ["state", "stance", "tier", "strength"]
    search_fields = ["claim__title", "summary", "note", "feed_item__title", "source__title"]
    list_select_related = ["claim", "added_by"]
    raw_id_fields = ["claim", "feed_item", "source"]


@admin.register(Revision)
class RevisionAdmin(admin.ModelAdmin):
    list_display = ["target", "object_id", "claim", "user", "created", "comment"]
    list_filter = ["target"]
    search_fields = ["comment", "claim__title"]
    list_select_related = ["claim", "user"]
    readonly_fields = [f.name for f in Revision._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
