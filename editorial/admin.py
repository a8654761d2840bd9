from django.contrib import admin

from .models import AuditEntry, ProposedVerdict


@admin.register(ProposedVerdict)
class ProposedVerdictAdmin(admin.ModelAdmin):
    list_display = ["claim", "proposed_status", "outcome", "state", "created", "decided_by"]
    list_filter = ["state", "proposed_status"]
    search_fields = ["claim__title", "reason"]
    raw_id_fields = ["claim", "measure", "verdict", "decided_by"]

    # Proposals are decided in the editors' queue (with an audit entry), and a decided
    # one is part of the record: the admin only shows them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created", "actor", "action", "target_type", "target_id", "claim", "summary"]
    list_filter = ["action", "target_type"]
    search_fields = ["summary", "claim__title", "actor__username"]
    list_select_related = ["actor", "claim"]

    # The log is a record: nobody edits or deletes it, not even in the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
