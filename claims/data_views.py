"""The data pages (/data/...): benchmarks, compute and models, with claims drawn on the charts,
and every chart's numbers downloadable with their provenance."""

import csv

from django import forms
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from ingest.models import AIModel, Benchmark

from .charts import build_chart
from .models import Claim
from .series import MAX_MARKERS, TOPIC_CHARTS, benchmark_points, benchmark_summaries, compute_points, frontier
from .views import _render

MODEL_SORTS = {
    "date": [F("publication_date").desc(nulls_last=True), "name"],
    "compute": [F("training_compute_flop").desc(nulls_last=True), "name"],
    "parameters": [F("parameters").desc(nulls_last=True), "name"],
    "name": ["name"],
}


class ModelsForm(forms.Form):
    q = forms.CharField(required=False, max_length=100, strip=True)
    domain = forms.CharField(required=False, max_length=100)
    notable = forms.BooleanField(required=False)
    sort = forms.ChoiceField(required=False, choices=[("", "default")] + [(k, k) for k in MODEL_SORTS])
    page = forms.IntegerField(required=False, min_value=1, max_value=100000)

    def queryset(self):
        data = self.cleaned_data
        models = AIModel.objects.select_related("run", "run__source")
        if data.get("q"):
            models = models.filter(name__icontains=data["q"]) | models.filter(organization__icontains=data["q"])
        if data.get("domain"):
            models = models.filter(domain__icontains=data["domain"])
        if data.get("notable"):
            models = models.filter(notable=True)
        return models.order_by(*MODEL_SORTS[data.get("sort") or "date"])

    def error_text(self):
        return "; ".join(f"{name}: {' '.join(errors)}" for name, errors in self.errors.items())


def _claims_for(chart_key):
    """Dated published claims whose topics are held against this chart."""
    topics = [slug for slug, key in TOPIC_CHARTS.items() if key == chart_key]
    sharing = Claim.topics.through.objects.filter(topic__slug__in=topics).values("claim_id")
    return list(
        Claim.objects.published().filter(pk__in=sharing, date_made__isnull=False)
        .select_related("person").order_by("-date_made", "title")[:MAX_MARKERS]
    )


def data_index(request):
    chart = build_chart("compute", _claims_for("compute"))
    return render(request, "claims/data_index.html", {"chart": chart, "benchmarks": benchmark_summaries()})


def benchmark_detail(request, slug):
    key = f"benchmark:{slug}"
    benchmark = get_object_or_404(Benchmark, slug=slug)
    chart = build_chart(key, _claims_for(key))
    records = list(reversed(chart["view"].records)) if chart else []
    return render(request, "claims/benchmark_detail.html",
                  {"benchmark": benchmark, "chart": chart, "records": records})


def models_table(request):
    form = ModelsForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(f"Invalid parameters: {form.error_text()}", content_type="text/plain")
    page = Paginator(form.queryset(), 50).get_page(form.cleaned_data.get("page") or 1)
    return _render(request, "claims/models_table.html", "table",
                   {"form": form, "page": page, "query_string": request.GET.urlencode()})


# --- downloads: exactly the numbers a chart or table shows, with where they came from ---

def _provenance_meta(provenance, **extra):
    return {
        "publisher": provenance.publisher,
        "licence": provenance.licence,
        "ingest_runs": [{"id": r[0], "source": r[1], "finished": r[2].isoformat() if r[2] else None}
                        for r in provenance.runs],
        "data_as_of": provenance.data_as_of.isoformat() if provenance.data_as_of else None,
        "last_fetched": provenance.latest.isoformat() if provenance.latest else None,
        "generated_at": timezone.now().isoformat(),
        "generated_by": "Claimwatch",
        **extra,
    }


def _download(fmt, name, meta, header, rows):
    if fmt == "json":
        response = JsonResponse({"meta": meta, "data": [dict(zip(header, row)) for row in rows]},
                                json_dumps_params={"ensure_ascii": False, "indent": 1})
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        writer = csv.writer(response)
        writer.writerow(header + ["source", "licence"])
        for row in rows:
            writer.writerow(list(row) + [meta["publisher"], meta["licence"]])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def compute_data(request, fmt):
    points, provenance = compute_points()
    records = {(p.date, p.label) for p in frontier(points)}
    meta = _provenance_meta(provenance, title="Training compute of notable AI models", unit="FLOP")
    rows = [(p.date.isoformat(), p.label, p.extra, p.value, (p.date, p.label) in records) for p in points]
    return _download(fmt, "claimwatch-training-compute", meta,
                     ["publication_date", "model", "organization", "training_compute_flop", "is_record"], rows)


def benchmark_data(request, slug, fmt):
    benchmark = get_object_or_404(Benchmark, slug=slug)
    points, provenance = benchmark_points(benchmark)
    records = {(p.date, p.label, p.value) for p in frontier(points, benchmark.higher_is_better)}
    meta = _provenance_meta(provenance, title=benchmark.name, unit=benchmark.unit,
                            higher_is_better=benchmark.higher_is_better)
    rows = [(p.date.isoformat(), p.label, p.value, p.low, p.high, (p.date, p.label, p.value) in records)
            for p in points]
    return _download(fmt, f"claimwatch-{benchmark.slug}", meta,
                     ["date", "model", "score", "low", "high", "is_record"], rows)


def models_data(request, fmt):
    form = ModelsForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(f"Invalid parameters: {form.error_text()}", content_type="text/plain")
    models = list(form.queryset()[:20000])
    runs = {}
    for m in models:
        runs.setdefault(m.run_id, m.run)
    from .series import Provenance

    provenance = Provenance(
        publisher=", ".join(sorted({r.source.publisher for r in runs.values() if r.source.publisher})),
        licence=", ".join(sorted({r.source.licence for r in runs.values() if r.source.licence})),
        runs=[(r.pk, r.source.name, r.finished_at) for r in runs.values()],
        data_as_of=max((r.as_of for r in runs.values() if r.as_of), default=None),
    )
    meta = _provenance_meta(provenance, title="AI models", query=request.GET.urlencode())
    rows = [(m.name, m.organization, m.publication_date.isoformat() if m.publication_date else "", m.domain,
             m.parameters, m.training_compute_flop, m.training_compute_cost_usd, m.confidence, m.accessibility,
             m.link, m.run_id) for m in models]
    return _download(fmt, "claimwatch-ai-models", meta,
                     ["name", "organization", "publication_date", "domain", "parameters", "training_compute_flop",
                      "training_compute_cost_usd", "confidence", "accessibility", "link", "ingest_run"], rows)


