from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from project.access import staff_required

from . import progress_store
from .health import check_broker, check_database
from .models import DataSource, IngestRun
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
        "earlier": run.source.runs.exclude(pk=run.pk).order_by("-queued_at", "-id")[:10],
    }
    return render(request, "ingest/run_detail.html", context)
