from django import forms
from django.contrib import admin

from . import audit

from . import services
from .history import record_revision
from .models import Attribution, Claim, Evidence, Person, Revision, Source, Topic, Verdict


class RevisionOnSaveMixin:
    """Record a revision after the admin saves a row and its many-to-many fields."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        obj = form.instance
        revision = record_revision(obj, user=request.user, comment="Edited in the admin." if change else "Created in the admin.")
        name = obj._meta.model_name
        audit.record(request.user, f"{name}.{'updated' if change else 'created'}_in_admin", target=obj,
                     summary=f"{'Edited' if change else 'Created'} {obj._meta.verbose_name} {obj.pk} in the admin",
                     data={"revision": revision.pk if revision else None})


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


class ReadOnlyHistory:
    """History is a record: nobody edits or deletes it in the admin, superusers included."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VerdictInline(ReadOnlyHistory, admin.TabularInline):
    model = Verdict
    extra = 0
    fields = ["status", "as_of", "as_of_precision", "rationale", "recorded_by", "created"]
    readonly_fields = fields


class ClaimAdminForm(forms.ModelForm):
    """The claim form of the admin, held to the editors' rules before anything is saved."""

    class Meta:
        model = Claim
        fields = "__all__"

    def clean(self):
        data = super().clean()
        before = self.instance
        state = data.get("editorial_state")
        if before.pk is None:
            if state and state != Claim.EditorialState.DRAFT:
                self.add_error("editorial_state", "A new claim starts as a draft; publish it once it is saved.")
        elif state and state != before.editorial_state and state not in services.TRANSITIONS.get(before.editorial_state, ()):
            self.add_error("editorial_state", f"A claim that is {before.get_editorial_state_display()} cannot move "
                                              f"to {Claim.EditorialState(state).label}.")
        if (before.pk and before.editorial_state == Claim.EditorialState.PUBLISHED
                and data.get("slug") and data["slug"] != before.slug):
            self.add_error("slug", "A published claim keeps its slug: its permalink is cited elsewhere.")
        if _verdict_changed(before, data) and not (data.get("verdict_rationale") or "").strip():
            self.add_error("verdict_rationale", "A verdict change needs a rationale.")
        return data


def _verdict_changed(before, data) -> bool:
    fields = ("status", "verdict_rationale", "verdict_as_of", "verdict_as_of_precision")
    if before.pk is None:
        return data.get("status", Claim.Status.OPEN) != Claim.Status.OPEN
    return any(data.get(name) != getattr(before, name) for name in fields if name in data)


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    """Saves go through claims.services, exactly as the editors' forms do, so every admin
    edit has its revision and its audit entry, and follows the same rules."""

    form = ClaimAdminForm
    list_display = ["title", "person", "date_made", "date_precision", "kind", "status", "editorial_state", "updated"]
    list_filter = ["status", "editorial_state", "kind", "date_precision", "topics"]
    search_fields = ["title", "statement", "quote", "person__name", "slug"]
    list_select_related = ["person"]
    autocomplete_fields = ["person", "source"]
    filter_horizontal = ["topics"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "created"
    inlines = [VerdictInline]

    def has_delete_permission(self, request, obj=None):
        # Deleting a claim would take its verdicts with it; unpublish it instead.
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        values = {name: data[name] for name in services.CONTENT_FIELDS}
        comment = "Edited in the admin." if change else "Created in the admin."
        before = Claim.objects.get(pk=obj.pk) if change else Claim()
        if change:
            services.update_claim(before, user=request.user, values=values, topics=data["topics"], comment=comment)
            claim = Claim.objects.get(pk=obj.pk)
        else:
            claim = services.create_claim(user=request.user, values=values, topics=data["topics"], comment=comment)
        if _verdict_changed(before, data):
            services.change_verdict(claim, user=request.user, status=data["status"],
                                    rationale=data["verdict_rationale"], as_of=data["verdict_as_of"],
                                    as_of_precision=data["verdict_as_of_precision"], source="admin")
        if change and data["editorial_state"] != before.editorial_state:
            services.change_editorial_state(claim, data["editorial_state"], user=request.user)
        obj.pk = claim.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Topics were set by the service (form.save_m2m is not called); the verdict inline
        # is read-only, so saving its formset writes nothing but what the change log reads.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Evidence)
class EvidenceAdmin(RevisionOnSaveMixin, admin.ModelAdmin):
    list_display = ["claim", "stance", "strength", "tier", "state", "added_by", "created"]
    list_filter = ["state", "stance", "tier", "strength"]
    search_fields = ["claim__title", "summary", "note", "feed_item__title", "source__title"]
    list_select_related = ["claim", "added_by"]
    raw_id_fields = ["claim", "feed_item", "source"]

    def has_delete_permission(self, request, obj=None):
        return False  # reject it instead: a rejection is recorded, a deletion is gone


@admin.register(Revision)
class RevisionAdmin(ReadOnlyHistory, admin.ModelAdmin):
    list_display = ["target", "object_id", "claim", "user", "created", "comment"]
    list_filter = ["target"]
    search_fields = ["comment", "claim__title"]
    list_select_related = ["claim", "user"]
    readonly_fields = [f.name for f in Revision._meta.fields]


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyHistory, admin.ModelAdmin):
    list_display = ["claim", "status", "as_of", "recorded_by", "created"]
    list_filter = ["status"]
    search_fields = ["claim__title", "rationale"]
    list_select_related = ["claim", "recorded_by"]
    readonly_fields = [f.name for f in Verdict._meta.fields]


@admin.register(Attribution)
class AttributionAdmin(admin.ModelAdmin):
    """Who each source says spoke a claim. Its own page rather than an inline on the claim, so
    the claim form (saved through claims.services) keeps one formset, the verdicts'."""

    list_display = ["claim", "source", "attributed_to", "person"]
    search_fields = ["claim__title", "attributed_to", "person__name", "source__title", "passage"]
    list_select_related = ["claim", "source", "person"]
    autocomplete_fields = ["source", "person"]
    raw_id_fields = ["claim"]
