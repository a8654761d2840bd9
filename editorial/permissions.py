"""Access checks for the editorial views. Every view and fragment checks for itself:
an htmx fragment can be requested alone, so hiding a button is never the check.

The login redirect and the staff check are shared with the ingest pages (project/access.py).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from project.access import staff_required, to_login

__all__ = ["editor_required", "staff_required"]


def editor_required(*perms):
    """Anonymous -> the login page; signed in without every permission in `perms` -> 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return to_login(request)
            if not request.user.has_perms(perms):
                raise PermissionDenied("You do not have permission for this editorial page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
