"""Charts: a series view plus the claims held against it, as a plotly figure in plain JSON.

The figure holds only what is drawn: dates, values rounded to four significant figures,
point labels, and the claim markers. Styling, hover text and tick labels in human units are
applied once by static/js/charts.js (it gets the unit's name), so no plotly template is
repeated in every payload. Figures go to the page as a JSON script element under the strict CSP.

What every chart of a series shares (its traces, already serialised, its words, its frontier)
is built once per data generation (``series_chart``), so a page reads one string from the
cache and serialises only its own claim markers: not two thousand points per request.
"""

import dataclasses
import datetime as dt
import json

from django.utils.safestring import mark_safe

from claims import payload_store

from .series import (MAX_MARKERS, OwidSeries, Point, Provenance, SeriesRef, SeriesView, build_view, data_version,
                     value_at)

# A cluster spans at most this fraction of the x axis: closer markers would overlap.
MERGE_FRACTION = 1 / 60


@dataclasses.dataclass(frozen=True)
class ClaimMarker:
    """A claim as a chart draws it: its date, what it said and where it lives."""

    date: dt.date
    title: str
    who: str
    when: str
    url: str

    @classmethod
    def of(cls, claim) -> "ClaimMarker | None":
        if claim.date_made is None:
            return None
        who = claim.person.name if claim.person_id else "essay"
        return cls(claim.date_made, claim.title, who, claim.date_display, claim.get_absolute_url())

    @property
    def hover(self) -> str:
        return f"{self.title} ({self.who}, {self.when})"


@dataclasses.dataclass(frozen=True)
class Threshold:
    """A measure's threshold, and when the fitted trend crosses it (with its interval)."""

    value: float
    label: str = "threshold"
    crossing: dt.date | None = None
    crossing_low: dt.date | None = None
    crossing_high: dt.date | None = None


def _script_json(value) -> str:
    """JSON escaped as django.utils.html.json_script escapes it, to sit inside a <script> element
    (str.replace: str.translate with a mapping costs a dict lookup per character)."""
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")


@dataclasses.dataclass(frozen=True)
class SeriesChart:
    """What every chart of one series shares, built once per data generation.

    ``view`` keeps the frontier, meta and provenance but only the first and last display
    points (for the axis span): the others live in ``traces_json``, serialised once.
    """

    view: SeriesView
    traces_json: str  # the series' own traces: a JSON array, escaped for a script element
    layout: dict
    top: dict  # the figure's other keys: unit, groups
    description: str
    summary: str


@dataclasses.dataclass
class Chart:
    """Everything templates/claims/_chart.html shows: figure, words, provenance, links."""

    id: str
    title: str
    description: str
    summary: str
    view: SeriesView
    base: SeriesChart
    traces: list = dataclasses.field(default_factory=list)  # this page's own: claims, thresholds
    layout: dict = dataclasses.field(default_factory=dict)
    drawn_claims: int = 0
    outside: list = dataclasses.field(default_factory=list)  # markers the series cannot place
    own_outside: bool = False

    @property
    def figure(self) -> dict:
        """The plotly figure as a dict (what figure_json serialises)."""
        return json.loads(self.figure_json)

    @property
    def figure_json(self) -> str:
        """The figure as JSON safe inside a script element: the series' traces as cached, then this page's."""
        traces = self.base.traces_json
        if self.traces:
            own = _script_json(self.traces)
            traces = f"{traces[:-1]},{own[1:]}" if traces != "[]" else own
        rest = _script_json({"layout": self.layout, **self.base.top})
        return mark_safe(f'{{"data":{traces},{rest[1:]}')

    @property
    def ref(self) -> SeriesRef:
        return self.view.ref

    @property
    def provenance(self) -> Provenance:
        return self.view.provenance

    @property
    def records(self) -> list[Point]:
        return self.view.records

    @property
    def unit(self):
        return self.view.meta.unit

    @property
    def csv_url(self) -> str:
        return self.ref.download_url("csv")

    @property
    def json_url(self) -> str:
        return self.ref.download_url("json")

    @property
    def page_url(self) -> str:
        return self.ref.page_url()

    @property
    def embed_url(self) -> str:
        return self.ref.embed_url()

    @property
    def years(self) -> list[int]:
        """The years the time-range control offers: the series' own span."""
        return list(range(self.view.first_date.year, self.view.last_date.year + 1))

    @property
    def table_rows(self) -> list[tuple[Point, str]]:
        """The table alternative: the records, newest first, with values in human units."""
        unit = self.unit
        return [(p, unit.format(p.value)) for p in reversed(self.view.records)]

    @property
    def record_rows(self) -> list[tuple[Point, str, str]]:
        """The table rows with each record's reported interval, in the same human units ("" without one)."""
        unit = self.unit
        return [(p, text, f"{unit.format(p.low)}–{unit.format(p.high)}" if p.low is not None and p.high is not None
                 else "") for p, text in self.table_rows]


def _round(value: float | None) -> float | None:
    return None if value is None else float(f"{value:.4g}")


def _store_key(ref: SeriesRef) -> str:
    return f"chart:{ref.key}"


def series_chart(ref: SeriesRef, version: int | None = None) -> SeriesChart | None:
    """The shared part of every chart of ``ref``: cached, else stored, else built from the series.

    Stored as well as cached (claims.payload_store), so the first reader after a cache
    flush reads one row instead of rebuilding a series of fifty thousand scores.
    """
    version = data_version() if version is None else version
    shared = payload_store.read(_store_key(ref), version)
    if shared is None:
        # No fingerprint on the request path (two more queries): the next warm-up that covers
        # this series rebuilds it once rather than trusting it.
        shared = build_series_chart(ref) or MISSING
        payload_store.write(_store_key(ref), version, shared)
    return shared if isinstance(shared, SeriesChart) else None


# Stored for a series with no data yet, so pages do not rebuild it on every request either.
MISSING = "missing"


def store_key(ref: SeriesRef) -> str:
    """Where the post-ingest warm-up (measures.chart_warmup) stores ``ref``'s chart."""
    return _store_key(ref)


def build_series_chart(ref: SeriesRef, loaded=None) -> SeriesChart | None:
    view = build_view(ref, loaded)
    if view is None:
        return None
    base = _base_figure(view)
    light = dataclasses.replace(view, points=[view.points[0], view.points[-1]])
    return SeriesChart(view=light, traces_json=_script_json(base["data"]), layout=base["layout"],
                       top={k: v for k, v in base.items() if k not in ("data", "layout")},
                       description=_description(view), summary=_summary(view))


def _base_figure(view: SeriesView) -> dict:
    """The series' own traces: every chart of the series adds its claims to these."""
    points, records, meta = view.points, view.records, view.meta
    scores = {
        "type": "scatter", "mode": "markers", "name": _points_name(view),
        "x": [p.date.isoformat() for p in points], "y": [_round(p.value) for p in points],
        "text": [p.label for p in points], "meta": "points",
    }
    # Organisations repeat across hundreds of models: sent once, referenced by index.
    groups = sorted({p.extra for p in points if p.extra})
    if groups:
        index = {g: i for i, g in enumerate(groups)}
        scores["group"] = [index.get(p.extra, -1) for p in points]
    if any(p.low is not None for p in points):
        scores["name"] += " (with uncertainty)"
        scores["error_y"] = {
            "type": "data", "symmetric": False,
            "array": [_round(p.high - p.value) if p.high is not None else 0 for p in points],
            "arrayminus": [_round(p.value - p.low) if p.low is not None else 0 for p in points],
        }
    data = [scores]
    if not isinstance(view.ref, OwidSeries):
        data.append({
            "type": "scatter", "mode": "lines", "name": _frontier_name(view), "meta": "frontier",
            "x": [p.date.isoformat() for p in records], "y": [_round(p.value) for p in records],
            "line": {"shape": "hv"}, "hoverinfo": "skip",
        })
    return {
        "data": data,
        "layout": {"yaxis": {"title": {"text": meta.unit.axis_title or meta.title},
                             "type": "log" if meta.log else "linear"}},
        "unit": meta.unit.value,
        **({"groups": groups} if groups else {}),
    }


def _points_name(view: SeriesView) -> str:
    if view.ref.kind == "model":
        return "Notable AI models"
    if view.ref.kind == "owid":
        return view.ref.entity or "Values"
    return "Scores"


def _frontier_name(view: SeriesView) -> str:
    if view.ref.kind == "model":
        return view.ref.frontier_name
    return "State of the art"


def _clusters(markers: list[ClaimMarker], view: SeriesView) -> list[list[ClaimMarker]]:
    """Markers closer than a sixtieth of the axis merge: one marker with a count."""
    span = max(1, (view.last_date - view.first_date).days)
    tolerance = dt.timedelta(days=max(1, span * MERGE_FRACTION))
    clusters: list[list[ClaimMarker]] = []
    for marker in sorted(markers, key=lambda m: (m.date, m.title)):
        if clusters and marker.date - clusters[-1][0].date <= tolerance:
            clusters[-1].append(marker)
        else:
            clusters.append([marker])
    return clusters


def _standing(view: SeriesView, when: dt.date) -> float:
    point = value_at(view.records, when)
    return _round(point.value if point else view.records[0].value)


def _claims_trace(view: SeriesView, markers: list[ClaimMarker]) -> dict | None:
    clusters = _clusters(markers, view)
    if not clusters:
        return None
    xs, ys, counts, hover, urls = [], [], [], [], []
    for cluster in clusters:
        when = cluster[len(cluster) // 2].date
        xs.append(when.isoformat())
        ys.append(_standing(view, when))
        counts.append(str(len(cluster)) if len(cluster) > 1 else "")
        head = f"{len(cluster)} claims:<br>" if len(cluster) > 1 else ""
        hover.append(head + "<br>".join(m.hover for m in cluster))
        urls.append([m.url for m in cluster])
    return {
        "type": "scatter", "mode": "markers+text", "name": "Claims (click to open)", "meta": "claims",
        "x": xs, "y": ys, "text": counts, "hovertext": hover, "customdata": urls,
        "marker": {"size": [12 + 3 * min(len(c) - 1, 4) for c in clusters]},
    }


def _own_trace(view: SeriesView, own: ClaimMarker) -> dict:
    x = own.date.isoformat()
    return {
        "type": "scatter", "mode": "markers", "name": "This claim", "meta": "own",
        "x": [x], "y": [_standing(view, own.date)], "hovertext": [own.hover], "customdata": [[own.url]],
    }


def _threshold_parts(threshold: Threshold, unit) -> tuple[list, list, list]:
    shapes = [{"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y",
               "y0": threshold.value, "y1": threshold.value, "meta": "threshold"}]
    annotations = [{"xref": "paper", "x": 0, "yref": "y", "y": threshold.value, "xanchor": "left",
                    "yanchor": "bottom", "showarrow": False, "meta": "threshold",
                    "text": f"{threshold.label}: {unit.format(threshold.value)}"}]
    traces = []
    if threshold.crossing:
        trace = {"type": "scatter", "mode": "markers", "name": "Projected crossing", "meta": "crossing",
                 "x": [threshold.crossing.isoformat()], "y": [_round(threshold.value)],
                 "hovertext": [f"Trend crosses {unit.format(threshold.value)} around "
                               f"{threshold.crossing:%b %Y}"]}
        if threshold.crossing_low and threshold.crossing_high:
            trace["hovertext"][0] += (f" (90% interval {threshold.crossing_low:%b %Y} to "
                                      f"{threshold.crossing_high:%b %Y})")
            trace["x_interval"] = [threshold.crossing_low.isoformat(), threshold.crossing_high.isoformat()]
            shapes.append({"type": "rect", "xref": "x", "x0": threshold.crossing_low.isoformat(),
                           "x1": threshold.crossing_high.isoformat(), "yref": "paper", "y0": 0, "y1": 1,
                           "meta": "crossing-interval"})
        traces.append(trace)
    return shapes, annotations, traces


def _summary(view: SeriesView) -> str:
    """One sentence saying what the chart shows, for readers who cannot see it."""
    unit, records = view.meta.unit, view.records
    first, last = records[0], records[-1]
    if view.ref.kind == "owid":
        return (f"{view.meta.title}: {len(view.points):,} values from {first.date.year} to {last.date.year}; "
                f"the latest is {unit.format(last.value)} ({last.label}, {last.date.year}).")
    what = "largest" if view.meta.higher_is_better else "lowest"
    if view.ref.kind == "model":
        what = f"the {what} {view.ref.measure_name} of any notable model"
    else:
        what = f"the best {view.meta.title} result"
    return (f"From {first.date:%B %Y} to {last.date:%B %Y} {what} went from {unit.format(first.value)} "
            f"({first.label}) to {unit.format(last.value)} ({last.label}), over {len(records)} records.")


def _description(view: SeriesView) -> str:
    shown = f"{len(view.points):,} of {view.total:,}" if view.is_sampled else f"{view.total:,}"
    scale = " on a log scale" if view.meta.log else ""
    if view.ref.kind == "model":
        text = (f"{shown} notable models from Epoch AI by publication date{scale}; "
                f"the line is the {_frontier_name(view).lower()}.")
    elif view.ref.kind == "owid":
        text = f"{shown} values from Our World in Data{scale}."
    else:
        has_error = any(p.low is not None for p in view.points)
        text = (f"{shown} scores by date{scale}; the line is the state of the art"
                + (", bars show the reported uncertainty." if has_error else "."))
    if view.is_sampled:
        text += " Every record is drawn; other points are an even sample (the download has them all)."
    return text


def build_chart(ref: SeriesRef, claims=(), own=None, threshold: Threshold | None = None,
                version: int | None = None) -> Chart | None:
    """A chart of ``ref`` with ``claims`` marked on it, ``own`` (the page's claim) drawn apart.

    Markers sit on the state of the art at their date, and only where the series has data:
    a claim made before the series' first record (or after its last) is listed, not drawn,
    so it never stretches the axis over years with no data. Returns None when the series
    has no data (e.g. before the first ingest), so pages can say so instead of an empty frame.
    """
    base = series_chart(ref, version)
    if base is None:
        return None
    view = base.view
    traces, layout = [], {k: dict(v) for k, v in base.layout.items()}

    own_marker = ClaimMarker.of(own) if own is not None else None
    markers, outside = [], []
    for claim in claims:
        marker = claim if isinstance(claim, ClaimMarker) else ClaimMarker.of(claim)
        if marker is None or (own_marker and marker.url == own_marker.url):
            continue
        (markers if view.first_date <= marker.date <= view.last_date else outside).append(marker)
    markers = sorted(markers, key=lambda m: m.date, reverse=True)[:MAX_MARKERS]
    trace = _claims_trace(view, markers)
    if trace:
        traces.append(trace)

    own_outside = False
    if own_marker is not None:
        if view.first_date <= own_marker.date <= view.last_date:
            traces.append(_own_trace(view, own_marker))
            x = own_marker.date.isoformat()
            layout["shapes"] = [{"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1,
                                           "yref": "paper", "meta": "own"}]
            layout["annotations"] = [{"x": x, "y": 1, "xref": "x", "yref": "paper",
                                                "text": f"claim made ({own_marker.when})", "showarrow": False,
                                                "yanchor": "bottom", "meta": "own"}]
        else:
            own_outside = True
    if threshold is not None:
        shapes, annotations, threshold_traces = _threshold_parts(threshold, view.meta.unit)
        layout.setdefault("shapes", []).extend(shapes)
        layout.setdefault("annotations", []).extend(annotations)
        traces.extend(threshold_traces)

    description = base.description
    if own_outside:
        description += (f" The claim ({own_marker.when}) falls outside the series, which runs from "
                        f"{view.first_date:%B %Y} to {view.last_date:%B %Y}: it is not drawn.")
    return Chart(
        id=ref.chart_id, title=view.meta.title, description=description, summary=base.summary,
        view=view, base=base, traces=traces, layout=layout, drawn_claims=sum(len(c) for c in _clusters(markers, view)),
        outside=outside, own_outside=own_outside,
    )

