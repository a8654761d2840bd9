"""Error responses in the site's design: 400 with the reason, 429 with the wait, and the
handlers Django calls for 400/403/404/500.

The 500 page is rendered without a request context on purpose: when the database is the
thing that failed, a context processor that queries (the user, messages) would fail again.
"""

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template import loader


def bad_request(request, reason: str, *, plain: bool = False):
    """A 400 that says what was wrong with the request (a form's errors, a bad tab).

    Pages (and feeds, which people open in a browser) get the 400 page in the site's design;
    ``plain`` is for the CSV and JSON downloads programs read, where HTML would be noise.
    """
    if plain:
        return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")
    return render(request, "400.html", {"reason": reason}, status=400)


def bad_query(request, form, prefix: str = "Invalid parameters", *, plain: bool = False):
    """The answer to an invalid ``claims.query_forms.QueryForm``: its errors, worded once."""
    return bad_request(request, f"{prefix}: {form.error_text()}", plain=plain)


def render_429(request, retry_after: int):
    """Too many requests: the 429 page, with Retry-After so clients know when to come back."""
    seconds = max(1, int(retry_after))
    minutes = -(-seconds // 60)
    reason = f"Please wait {minutes} minute{'s' if minutes != 1 else ''} before trying again."
    response = render(request, "429.html", {"reason": reason, "retry_after": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def handler400(request, exception=None):
    # Django raises SuspiciousOperation / BadRequest here; their text may echo hostile
    # input, so the page gives a generic reason rather than str(exception).
    return bad_request(request, "The request could not be understood.")


def handler403(request, exception=None):
    reason = str(exception) if exception and str(exception) else "You do not have permission to see this page."
    return render(request, "403.html", {"reason": reason}, status=403)


def handler404(request, exception=None):
    return render(request, "404.html", {"path": request.path}, status=404)


def handler500(request):
    template = loader.get_template("500.html")
    return HttpResponse(template.render(), status=500, content_type="text/html; charset=utf-8")
