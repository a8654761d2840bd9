"""Roles: anonymous readers, editors (a group), admins (staff).

The editors group is made by a data migration and topped up after every migrate or
test-database flush, from the one list below, so the two can never disagree.
"""

EDITORS_GROUP = "editors"

# (app label, codename): what an editor may do. Deliberately no delete permissions:
# editors reject and revert, they do not destroy history.
EDITOR_PERMISSIONS = [
    ("claims", "view_claim"),
    ("claims", "add_claim"),
    ("claims", "change_claim"),
    ("claims", "view_evidence"),
    ("claims", "change_evidence"),
    ("claims", "view_verdict"),
    ("claims", "add_verdict"),
    ("claims", "view_revision"),
    ("claims", "view_person"),
    ("claims", "view_source"),
    ("claims", "add_source"),
    ("claims", "view_topic"),
    ("measures", "view_measure"),
    ("measures", "add_measure"),
    ("measures", "change_measure"),
    ("measures", "delete_measure"),
    ("editorial", "view_proposedverdict"),
    ("editorial", "change_proposedverdict"),
]


def grant_editor_permissions(group, permission_model, using="default", strict=True):
    """Give the group exactly EDITOR_PERMISSIONS. strict=False (old migrations) grants what
    exists so far: a later migration or post_migrate grants the rest."""
    from django.db.models import Q

    wanted = Q(pk__in=[])
    for app_label, codename in EDITOR_PERMISSIONS:
        wanted |= Q(content_type__app_label=app_label, codename=codename)
    perms = list(permission_model.objects.using(using).filter(wanted).select_related("content_type"))
    missing = set(EDITOR_PERMISSIONS) - {(p.content_type.app_label, p.codename) for p in perms}
    if missing and strict:
        raise RuntimeError(f"editor permissions missing from the database: {sorted(missing)}")
    group.permissions.set(perms)


def ensure_editors_group(sender=None, using="default", **kwargs):
    """post_migrate receiver (also called by createeditor): the group exists with its permissions."""
    if sender is not None and sender.name != "editorial":
        return
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.using(using).get_or_create(name=EDITORS_GROUP)
    grant_editor_permissions(group, Permission, using=using)
    return group
