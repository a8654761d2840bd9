"""The data pages (/data/...): benchmarks, compute and models, with claims drawn on the charts,
and every chart's numbers downloadable with their provenance."""

import csv

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.http import Http404
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.text import slugify
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from ingest.models import AIModel, Benchmark, Series
from measures.chart_config import FeaturedChart
from measures.charts import build_chart
from measures.claim_charts import claims_measured_against, claims_on, featured_charts
from measures.series import (COMPUTE, MODEL_ATTRIBUTES, BenchmarkSeries, ModelAttributeSeries, OwidSeries, Provenance,
                             benchmark_summaries, data_version, frontier, series_summaries)

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


class SeriesForm(forms.Form):
    entity = forms.CharField(required=False, max_length=300, strip=True)

    error_text = ModelsForm.error_text  # one wording for every data page's bad query string


def _invalid(text):
    return HttpResponseBadRequest(f"Invalid parameters: {text}", content_type="text/plain")


def _per_data_generation(name, compute):
    """Lists that change only with an ingest run, read once per data generation."""
    return cache.get_or_set(f"data-index:v1:{name}:{data_version()}", lambda: list(compute()), 24 * 3600)


def data_index(request):
    context = {"charts": featured_charts(FeaturedChart.Place.DATA),
               "benchmarks": _per_data_generation("benchmarks", benchmark_summaries),
               "series_list": _per_data_generation("series", series_summaries)}
    return render(request, "claims/data_index.html", context)


# Claims listed under a data page's chart, a page at a time (the chart marks the newest).
MEASURED_PAGE = 50


def _measured_page(request, ref):
    return Paginator(claims_measured_against(ref), MEASURED_PAGE).get_page(request.GET.get("page"))


def benchmark_detail(request, slug):
    benchmark = get_object_or_404(Benchmark, slug=slug)
    ref = BenchmarkSeries(slug)
    context = {"benchmark": benchmark, "chart": build_chart(ref, claims_on(ref)),
               "measured": _measured_page(request, ref)}
    return render(request, "claims/benchmark_detail.html", context)


def _entities(series):
    """The series' entities, most recent value first: the choices of the entity picker."""
    return list(series.points.order_by("entity").values_list("entity", flat=True).distinct())


def series_detail(request, slug):
    """An Our World in Data series: one entity charted (World when there is one), all listed."""
    series = get_object_or_404(Series.objects.select_related("source"), slug=slug)
    form = SeriesForm(request.GET)
    if not form.is_valid():
        return _invalid(form.error_text())
    entities = _entities(series)
    entity = form.cleaned_data.get("entity") or ""
    if entity and entity not in entities:
        return _invalid(f"entity: “{entity}” is not in this series.")
    # Series of one value per entity (OWID's model-by-model tables) chart every entity at once.
    per_entity = len(entities) > 1 and series.points.count() <= 2 * len(entities)
    if not entity and not per_entity:
        entity = "World" if "World" in entities else entities[0] if entities else ""
    ref = OwidSeries(slug, entity)
    context = {"series": series, "chart": build_chart(ref, claims_on(ref)), "entity": entity, "entities": entities,
               "per_entity": per_entity, "measured": _measured_page(request, ref)}
    return render(request, "claims/series_detail.html", context)


def models_table(request):
    form = ModelsForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(f"Invalid parameters: {form.error_text()}", content_type="text/plain")
    page = Paginator(form.queryset(), 50).get_page(form.cleaned_data.get("page") or 1)
    return _render(request, "claims/models_table.html", "table",
                   {"form": form, "page": page, "query_string": request.GET.urlencode()})


def _embed_ref(kind, slug, entity):
    if kind == "model" and slug in MODEL_ATTRIBUTES:
        return ModelAttributeSeries(slug)
    if kind == "benchmark" and Benchmark.objects.filter(slug=slug).exists():
        return BenchmarkSeries(slug)
    if kind == "owid" and Series.objects.filter(slug=slug).exists():
        return OwidSeries(slug, entity)
    raise Http404("No such chart.")


# Other sites may frame the embed pages, and only those: everything else keeps frame-ancestors 'none'.
@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"]})
def embed_chart(request, kind, slug):
    """A chart alone, to frame on another site: the same figure, its source and a link back."""
    form = SeriesForm(request.GET)
    if not form.is_valid():
        return _invalid(form.error_text())
    ref = _embed_ref(kind, slug, form.cleaned_data.get("entity") or "")
    chart = build_chart(ref, claims_on(ref))
    if chart is None:
        raise Http404("No data for this chart yet.")
    return render(request, "claims/embed.html", {"chart": chart, "embedded": True})


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
    points, provenance = COMPUTE.points()
    records = {(p.date, p.label) for p in frontier(points)}
    meta = _provenance_meta(provenance, title="Training compute of notable AI models", unit="FLOP")
    rows = [(p.date.isoformat(), p.label, p.extra, p.value, (p.date, p.label) in records) for p in points]
    return _download(fmt, "claimwatch-training-compute", meta,
                     ["publication_date", "model", "organization", "training_compute_flop", "is_record"], rows)


def benchmark_data(request, slug, fmt):
    benchmark = get_object_or_404(Benchmark, slug=slug)
    points, provenance = BenchmarkSeries(benchmark.slug).points()
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




def series_data(request, slug, fmt):
    series = get_object_or_404(Series.objects.select_related("source"), slug=slug)
    form = SeriesForm(request.GET)
    if not form.is_valid():
        return _invalid(form.error_text())
    entity = form.cleaned_data.get("entity") or ""
    points, provenance = OwidSeries(slug, entity).points()
    meta = _provenance_meta(provenance, title=series.name, unit=series.unit, unit_note=series.unit_note,
                            entity=entity or None, date_precision=series.date_precision)
    dates = (lambda d: str(d.year)) if series.date_precision == "year" else (lambda d: d.isoformat())
    rows = [(dates(p.date), p.label, p.value) for p in points]
    name = f"claimwatch-{series.slug}" + (f"-{slugify(entity)}" if entity else "")
    return _download(fmt, name, meta, ["date", "entity", "value"], rows)
