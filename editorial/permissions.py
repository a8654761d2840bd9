"""Access checks for the editorial views. Every view and fragment checks for itself:
an htmx fragment can be requested alone, so hiding a button is never the check."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


def _to_login(request):
    # After logging in, a POST cannot be replayed: send the person back to a page instead.
    target = request.get_full_path() if request.method in {"GET", "HEAD"} else reverse("editorial:queue")
    response = redirect_to_login(target)
    if request.htmx:
        # A redirect would be followed and the login page swapped into a table row.
        return HttpResponseClientRedirect(response["Location"])
    return response


def editor_required(*perms):
    """Anonymous -> the login page; signed in without every permission in `perms` -> 403."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return _to_login(request)
            if not request.user.has_perms(perms):
                raise PermissionDenied("You do not have permission for this editorial page.")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def staff_required(view):
    """Admin-only pages: anonymous -> login; editors (not staff) -> 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        if not request.user.is_staff:
            raise PermissionDenied("This page is for administrators.")
        return view(request, *args, **kwargs)

    return wrapper
