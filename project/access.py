"""Access checks shared by every app's views: one login redirect, one staff check.

It lives in the project package because ingest (which nothing else may be imported
into) and editorial both need it. Every view and fragment checks for itself: an htmx
fragment can be requested alone, so hiding a button is never the check.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django_htmx.http import HttpResponseClientRedirect


def to_login(request):
    """The login page, coming back here afterwards when "here" can be fetched again."""
    if request.method in {"GET", "HEAD"}:
        response = redirect_to_login(request.get_full_path())
    else:
        # A POST cannot be replayed after logging in; without `next`, the login view
        # sends each person to their own starting page (editors to the queue).
        response = redirect(settings.LOGIN_URL)
    if request.htmx:
        # A redirect would be followed and the login page swapped into a table row.
        return HttpResponseClientRedirect(response["Location"])
    return response


def staff_required(view):
    """Admin-only pages: anonymous -> login; signed in but not staff -> 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return to_login(request)
        if not request.user.is_staff:
            raise PermissionDenied("This page is for administrators.")
        return view(request, *args, **kwargs)

    return wrapper
