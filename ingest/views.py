from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from . import progress_store
from .health import health_report
from .models import DataSource, IngestRun
from .tasks import QueueUnavailable, start_run

# htmx stops polling when a response has this status (and still swaps it in).
STOP_POLLING = 286


@never_cache
def healthz(request):
    body, status = health_report(show_errors=request.user.is_staff)
    return JsonResponse(body, status=status)


def staff_required(view):
    """Anonymous -> the login page; signed in but not staff -> 403. Checked on every fragment too."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.is_staff:
            raise PermissionDenied("The ingest pages are for staff.")
        return view(request, *args, **kwargs)

    return wrapper


def _with_progress(run: IngestRun | None) -> IngestRun | None:
    # Rows of a running ingest are uncommitted; its live count comes through the cache.
    if run is not None and not run.is_finished:
        run.live_done, run.live_total = progress_store.get_progress(run.pk)
    return run


@require_GET
@staff_required
@never_cache
@vary_on_headers("HX-Request")
def source_list(request):
    sources = list(DataSource.objects.for_status_page())
    for source in sources:
        _with_progress(source.latest_run)
    return render(request, "ingest/source_list.html", {"sources": sources})


@require_POST
@staff_required
def run_now(request, slug):
    source = get_object_or_404(DataSource, slug=slug)
    try:
        run = start_run(source)
    except QueueUnavailable as exc:
        # The run is recorded as failed with the reason, so nothing is left pending; htmx
        # swaps only 2xx answers, so its row (showing that failed run) comes back as a 200.
        if not request.htmx:
            return HttpResponse(f"Run not started: {exc}.", status=503, content_type="text/plain; charset=utf-8")
    if not request.htmx:
        return redirect("ingest:run", run.pk)
    source = DataSource.objects.for_status_page().get(pk=source.pk)
    _with_progress(source.latest_run)
    return render(request, "ingest/source_list.html#source-row", {"source": source})


@require_GET
@staff_required
@never_cache
@vary_on_headers("HX-Request")
def run_detail(request, pk):
    run = _with_progress(get_object_or_404(IngestRun.objects.select_related("source"), pk=pk))
    if request.htmx:
        response = render(request, "ingest/run_detail.html#progress", {"run": run})
        if run.is_finished:
            response.status_code = STOP_POLLING
        return response
    context = {
        "run": run,
        "written": run.rows_written(),
        "earlier": run.source.runs.exclude(pk=run.pk).order_by("-queued_at", "-id")[:10],
    }
    return render(request, "ingest/run_detail.html", context)
