from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from project.access import staff_required

from . import blast_radius, progress_store
from .bundled import bundled_progress
from .diff_export import DIFF_COLUMNS, diff_csv, diff_rows
from .health import health_report
from .models import DataSource, IngestRun, RunChange
from .runner import apply_held_run, discard_held_run
from .tasks import QueueUnavailable, start_run

# htmx stops polling when a response has this status (and still swaps it in).
STOP_POLLING = 286


@never_cache
def healthz(request):
    body, status = health_report(show_errors=request.user.is_staff)
    return JsonResponse(body, status=status)


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
        "changes": list(RunChange.objects.for_run_page(run)),
        "moved": blast_radius.moved_by(run.pk),
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
