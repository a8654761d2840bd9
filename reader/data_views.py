"""The data pages (/data/...): benchmarks, compute and models, with claims drawn on the charts,
and every chart's numbers downloadable with their provenance."""

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.functional import SimpleLazyObject
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override

from claims import payload_store
from claims.errors import bad_query, bad_request
from claims.models import Claim
from claims.query_forms import QueryForm
from ingest.models import AIModel, Benchmark, Series
from measures.chart_config import FeaturedChart
from measures.charts import build_chart
from measures.claim_charts import claims_measured_against, claims_on, featured_charts
from measures.series import (MODEL_ATTRIBUTES, BenchmarkSeries, ModelAttributeSeries, OwidSeries, Provenance,
                             benchmark_summaries, data_version, series_summaries)
from measures.series_downloads import (HELD, Download, Years, benchmark_download, compute_download, provenance_meta,
                                       series_download)
from measures.series_downloads import render as render_download

from .charts import ChartStateForm
from .gzip_bodies import MIN_BYTES, accepts_gzip, mark
from .id_pages import page_of
from .views import _render

MODEL_SORTS = {
    "date": [F("publication_date").desc(nulls_last=True), "name"],
    "compute": [F("training_compute_flop").desc(nulls_last=True), "name"],
    "parameters": [F("parameters").desc(nulls_last=True), "name"],
    "name": ["name"],
}


class YearsForm(QueryForm):
    """?from=2015&to=2020: a download of the years a chart shows (reader/charts.py links them)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # "from" is a keyword, so these cannot be declared as class attributes.
        self.fields["from"] = forms.IntegerField(required=False, min_value=1, max_value=9999)
        self.fields["to"] = forms.IntegerField(required=False, min_value=1, max_value=9999)

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["from"] > data["to"]:
            self.add_error("to", f"must not be before from ({data['from']}).")
        return data


class ModelsForm(YearsForm):
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
        if data.get("from"):
            models = models.filter(publication_date__year__gte=data["from"])
        if data.get("to"):
            models = models.filter(publication_date__year__lte=data["to"])
        return models.order_by(*MODEL_SORTS[data.get("sort") or "date"])


class SeriesForm(QueryForm):
    entity = forms.CharField(required=False, max_length=300, strip=True)


class SeriesDataForm(YearsForm, SeriesForm):
    """A series download: one entity (or all), over the years asked for."""


def _per_data_generation(name, compute):
    """Lists that change only with an ingest run, read once per data generation."""
    return cache.get_or_set(f"data-index:v1:{name}:{data_version()}", lambda: list(compute()), 24 * 3600)


def data_index(request):
    charts = ChartStateForm(request.GET, featured_charts(FeaturedChart.Place.DATA))
    if not charts.is_valid():
        return bad_query(request, charts)
    # The lists are lazy: the template's tables are cached per data generation and read them only on a miss.
    context = {"charts": charts.shown(), "data_version": data_version(),
               "benchmarks": SimpleLazyObject(lambda: _per_data_generation("benchmarks", benchmark_summaries)),
               "series_list": SimpleLazyObject(lambda: _per_data_generation("series", series_summaries))}
    return render(request, "claims/data_index.html", context)


# Claims listed under a data page's chart, a page at a time (the chart marks the newest).
MEASURED_PAGE = 50


def _measured_page(request, ref):
    # Ids from the measured claims (cached per claims generation), their rows by id.
    return page_of(claims_measured_against(ref), f"measured:{ref.key}", MEASURED_PAGE, request.GET.get("page"),
                   rows=Claim.objects.published().select_related("person"))


def benchmark_detail(request, slug):
    benchmark = get_object_or_404(Benchmark, slug=slug)
    ref = BenchmarkSeries(slug)
    chart = build_chart(ref, claims_on(ref))
    state = ChartStateForm(request.GET, [chart])
    if not state.is_valid():
        return bad_query(request, state)
    context = {"benchmark": benchmark, "chart": chart, "shown": state.shown_chart(),
               "measured": _measured_page(request, ref)}
    return render(request, "claims/benchmark_detail.html", context)


def _entities(series) -> tuple[list[str], int]:
    """The series' entities (the entity picker's choices, by name) and its number of points.

    Read once per data generation, which every ingest run and admin edit of the data advances:
    a series of 200 countries' values is a DISTINCT and a COUNT over its points otherwise."""
    def read():
        return (list(series.points.order_by("entity").values_list("entity", flat=True).distinct()),
                series.points.count())
    return cache.get_or_set(f"series-entities:v1:{series.pk}:{data_version()}", read, 24 * 3600)


def series_detail(request, slug):
    """An Our World in Data series: one entity charted (World when there is one), all listed."""
    series = get_object_or_404(Series.objects.select_related("source"), slug=slug)
    form = SeriesForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
    entities, points = _entities(series)
    entity = form.cleaned_data.get("entity") or ""
    if entity and entity not in entities:
        return bad_request(request, f"Invalid parameters: entity: “{entity}” is not in this series.")
    # Series of one value per entity (OWID's model-by-model tables) chart every entity at once.
    per_entity = len(entities) > 1 and points <= 2 * len(entities)
    if not entity and not per_entity:
        entity = "World" if "World" in entities else entities[0] if entities else ""
    ref = OwidSeries(slug, entity)
    chart = build_chart(ref, claims_on(ref))
    state = ChartStateForm(request.GET, [chart])
    if not state.is_valid():
        return bad_query(request, state)
    context = {"series": series, "chart": chart, "shown": state.shown_chart(), "entity": entity,
               "entities": entities, "per_entity": per_entity, "measured": _measured_page(request, ref)}
    return render(request, "claims/series_detail.html", context)


def models_table(request):
    form = ModelsForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form)
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
        return bad_query(request, form)
    ref = _embed_ref(kind, slug, form.cleaned_data.get("entity") or "")
    chart = build_chart(ref, claims_on(ref))
    if chart is None:
        raise Http404("No data for this chart yet.")
    state = ChartStateForm(request.GET, [chart])
    if not state.is_valid():
        return bad_query(request, state)
    return render(request, "claims/embed.html", {"chart": chart, "shown": state.shown_chart(), "embedded": True})


# --- downloads: exactly the numbers a chart or table shows, with where they came from ---
# Built once per data generation by measures.series_downloads; the models table's filtered
# files are cached per generation here.

def _send(download: Download, request):
    """The file as an attachment; a held whole-series file gzipped once (reader/gzip_bodies.py)
    when the client accepts it, anything else compressed by the middleware as before."""
    body, compressed = download.body, False
    if accepts_gzip(request) and len(body) >= MIN_BYTES:
        held = HELD.gzipped(download)
        if held is not None:
            body, compressed = held, True
    response = HttpResponse(body, content_type=download.content_type)
    response["Content-Disposition"] = f'attachment; filename="{download.filename}"'
    return mark(response, compressed)


def _years(form: YearsForm) -> Years:
    return Years(form.cleaned_data.get("from"), form.cleaned_data.get("to"))


def compute_data(request, fmt):
    years = YearsForm(request.GET)
    if not years.is_valid():
        return bad_query(request, years, plain=True)
    return _send(compute_download(fmt, _years(years)), request)


def benchmark_data(request, slug, fmt):
    benchmark = get_object_or_404(Benchmark, slug=slug)
    years = YearsForm(request.GET)
    if not years.is_valid():
        return bad_query(request, years, plain=True)
    return _send(benchmark_download(benchmark, fmt, _years(years)), request)


def _models_download(form, fmt, query):
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
    meta = provenance_meta(provenance, title="AI models", query=query)
    rows = [(m.name, m.organization, m.publication_date.isoformat() if m.publication_date else "", m.domain,
             m.parameters, m.training_compute_flop, m.training_compute_cost_usd, m.confidence, m.accessibility,
             m.link, m.run_id) for m in models]
    return render_download(fmt, "claimwatch-ai-models", meta,
                           ["name", "organization", "publication_date", "domain", "parameters", "training_compute_flop",
                            "training_compute_cost_usd", "confidence", "accessibility", "link", "ingest_run"], rows)


def models_data(request, fmt):
    form = ModelsForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form, plain=True)
    query = request.GET.urlencode()  # the file's metadata quotes it as given: part of the key
    download = payload_store.cache_only(f"download:models:{fmt}:{query}", data_version(),
                                        lambda: _models_download(form, fmt, query))
    return _send(download, request)


def series_data(request, slug, fmt):
    series = get_object_or_404(Series.objects.select_related("source"), slug=slug)
    form = SeriesDataForm(request.GET)
    if not form.is_valid():
        return bad_query(request, form, plain=True)
    return _send(series_download(series, form.cleaned_data.get("entity") or "", fmt, _years(form)), request)
