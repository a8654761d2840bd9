from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from . import progress_store
from .bundled import bundled_progress
from .diff_export import DIFF_COLUMNS, diff_csv, diff_rows
from .health import check_broker, check_database
from .models import DataSource, IngestRun, RunChange
from .runner import apply_held_run, discard_held_run
from .tasks import start_run

# htmx stops polling when a response has this status (and still swaps it in).
STOP_POLLING = 286


@never_cache
def healthz(request):
    failures = {name: error for name, error in (("database", check_database()), ("broker", check_broker())) if error}
    body = {
        "status": "ok" if not failures else "fail",
        "checks": {name: failures.get(name, "ok") for name in ("database", "broker")},
    }
    return JsonResponse(body, status=503 if failures else 200)


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
    done, total = bundled_progress()
    return render(request, "ingest/source_list.html", {"sources": sources, "bundled_done": done,
                                                        "bundled_total": total})


@require_POST
@staff_required
def run_now(request, slug):
    source = get_object_or_404(DataSource, slug=slug)
    run = start_run(source)
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
        "changes": list(RunChange.objects.for_run_page(run)),
        "shown_changes": RunChange.PAGE_LINES,
        "earlier": run.source.runs.exclude(pk=run.pk).order_by("-queued_at", "-id")[:10],
    }
    return render(request, "ingest/run_detail.html", context)


@require_GET
@staff_required
def run_diff(request, pk, fmt):
    run = get_object_or_404(IngestRun, pk=pk)
    changes = RunChange.objects.filter(run=run).order_by("id")
    if fmt == "csv":
        response = HttpResponse(diff_csv(changes), content_type="text/csv; charset=utf-8")
    else:
        response = JsonResponse({"run": run.pk, "status": run.status, "counts": run.diff_counts(),
                                 "columns": DIFF_COLUMNS, "changes": diff_rows(changes)})
    response["Content-Disposition"] = f'attachment; filename="ingest-run-{run.pk}-diff.{fmt}"'
    return response


@require_POST
@staff_required
def decide_held(request, pk, decision):
    run = get_object_or_404(IngestRun, pk=pk)
    if run.status != IngestRun.Status.HELD:
        return HttpResponse(f"run {run.pk} is {run.get_status_display()}, not held", status=409,
                            content_type="text/plain; charset=utf-8")
    decide = apply_held_run if decision == "apply" else discard_held_run
    decide(run.pk, request.user.get_username())
    return redirect("ingest:run", run.pk)
