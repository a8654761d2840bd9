"""A chart's static preview: the same figure as a few SVG paths, drawn by the server.

Plotly is over a megabyte of script; parsing it on every page load was most of the pages'
blocking time. So the first paint is this preview (in the chart's box, at the URL's scale
and years), and static/js/charts.js loads plotly only when the reader reaches for the chart
(points at it, focuses it, or uses a control). The geometry is in a 1000 x 1000 box
stretched to the chart's size: strokes do not scale (CSS ``vector-effect``), so a point is a
zero-length round-capped segment and the whole scatter is one <path>, not hundreds of nodes.
Tick labels are HTML positioned in percent of the plot, so they stay legible at any width.
"""

import dataclasses
import datetime as dt
import hashlib
import json
import math

from django.core.cache import cache

from measures.charts import Chart

SIZE = 1000
SUP = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
YEAR_STEPS = (1, 2, 5, 10, 20, 25, 50, 100)
MAX_X_TICKS = 8
MAX_Y_TICKS = 7
SHORT_UNITS = (" FLOP", " parameters")  # the axis title names them
LEGEND_ROLES = ("points", "frontier", "claims", "own", "crossing")


@dataclasses.dataclass(frozen=True)
class Tick:
    position: float  # percent of the plot's width (x) or height from the top (y)
    text: str
    minor: bool = False  # hidden on narrow screens, so the labels never collide


@dataclasses.dataclass(frozen=True)
class Preview:
    points: str
    errors: str  # the reported uncertainty, one vertical stroke per score
    frontier: str
    claims: str
    own: str
    marks: str  # the claim's date line and thresholds
    series_transform: str  # places points, errors and frontier (drawn in the series' own box) in this plot
    grid: str
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    legend: list[tuple[str, str]]  # (role, name), as plotly's legend names them

    @classmethod
    def of(cls, chart: Chart, scale: str, years: tuple[int, int] | None) -> "Preview":
        # The series' traces (up to 2,000 points) are the same on every claim page of the series; only
        # the page's own traces (its claims, the claim, a crossing) differ. So the series' extents and
        # paths are read from _SeriesPart (cached under the series' traces and the plot's domain), and
        # only the page's few traces are drawn here: a claim page's first visit cost 8 ms of paths.
        series = _series_part(chart.base.traces_json)
        own = chart.traces
        layout = chart.layout
        log = scale == "log"
        x_lo, x_hi = _x_domain(own, years, series.x_extent)
        y_lo, y_hi = _y_domain(own, layout, log, series.log_extent if log else series.y_extent)
        drawn = series.drawn(chart.base.traces_json, log)
        traces = {t.get("meta"): t for t in own}
        plot = _Plot(x_lo, x_hi, y_lo, y_hi, log)

        marks = []
        for shape in layout.get("shapes", []):
            if shape.get("meta") == "own":
                marks.append(f"M{plot.x_of(shape['x0']):.1f} 0V{SIZE}")
            elif shape.get("meta") == "threshold" and plot.y_of(shape["y0"]) is not None:
                marks.append(f"M0 {plot.y_of(shape['y0']):.1f}H{SIZE}")
        y_ticks = _y_ticks(y_lo, y_hi, log, chart)
        return cls(
            points=drawn["points"],
            errors=drawn["errors"],
            frontier=drawn["frontier"],
            series_transform=series.transform(plot),
            claims=plot.dots(traces.get("claims")),
            own=plot.dots(traces.get("own")) + plot.dots(traces.get("crossing")),
            marks="".join(marks),
            grid="".join(f"M0 {t.position * SIZE / 100:.1f}H{SIZE}" for t in y_ticks),
            x_ticks=_x_ticks(x_lo, x_hi),
            y_ticks=y_ticks,
            legend=[(role, series.names.get(role) or traces[role]["name"]) for role in LEGEND_ROLES
                    if role in series.names or role in traces],
        )


@dataclasses.dataclass(frozen=True)
class _Plot:
    """The 1000 x 1000 box over a domain: where a date and a value are drawn."""

    x_lo: float
    x_hi: float
    y_lo: float
    y_hi: float
    log: bool

    def x_of(self, iso: str) -> float:
        return (_day(iso) - self.x_lo) / (self.x_hi - self.x_lo) * SIZE

    def y_of(self, value: float) -> float | None:
        if value is None or (self.log and value <= 0):
            return None
        v = math.log10(value) if self.log else value
        return SIZE - (v - self.y_lo) / (self.y_hi - self.y_lo) * SIZE

    def dots(self, trace: dict | None) -> str:
        if not trace:
            return ""
        out = []
        for x, y in zip(trace["x"], trace["y"]):
            px, py = self.x_of(x), self.y_of(y)
            if py is not None and -20 <= px <= SIZE + 20:
                out.append(f"M{px:.1f} {py:.1f}h0")
        return "".join(out)

    def steps(self, trace: dict | None) -> str:
        if not trace:
            return ""
        out = []
        for x, y in zip(trace["x"], trace["y"]):
            px, py = self.x_of(x), self.y_of(y)
            if py is None:
                continue
            out.append(f"M{px:.1f} {py:.1f}" if not out else f"H{px:.1f}V{py:.1f}")
        return "".join(out)

    def bars(self, trace: dict | None) -> str:
        error = (trace or {}).get("error_y")
        if not error:
            return ""
        out = []
        for x, y, up, down in zip(trace["x"], trace["y"], error["array"], error["arrayminus"]):
            if y is None or not (up or down):
                continue
            top, bottom = self.y_of(y + (up or 0)), self.y_of(y - (down or 0))
            if top is not None and bottom is not None:
                out.append(f"M{self.x_of(x):.1f} {bottom:.1f}V{top:.1f}")
        return "".join(out)


@dataclasses.dataclass(frozen=True)
class _SeriesPart:
    """What a preview needs of a series' own traces: their extents, legend names and digest."""

    digest: str
    x_extent: tuple[float, float] | None  # first and last day drawn
    y_extent: tuple[float, float] | None  # lowest and highest value
    log_extent: tuple[float, float] | None  # the same of the positive values, as log10
    names: dict  # role -> legend name

    def home(self, log: bool) -> "_Plot | None":
        """The series' own box: its drawn dates and values edge to edge. Its paths are drawn there
        once, and each page's plot places them with an affine transform (``transform``)."""
        y = self.log_extent if log else self.y_extent
        if self.x_extent is None or y is None:
            return None
        x_lo, x_hi = self.x_extent if self.x_extent[1] > self.x_extent[0] else (self.x_extent[0] - 1, self.x_extent[1] + 1)
        y_lo, y_hi = y if y[1] > y[0] else (y[0] - (abs(y[0]) * 0.06 or 1.0), y[1] + (abs(y[1]) * 0.06 or 1.0))
        return _Plot(x_lo, x_hi, y_lo, y_hi, log)

    def transform(self, plot: "_Plot") -> str:
        """The SVG matrix taking the series' own box to ``plot``'s (both are linear in the day and in
        the value, or its log10): a claim whose date, threshold or projected crossing widens the axes
        moves the series' paths without redrawing them."""
        home = self.home(plot.log)
        if home is None:
            return ""
        sx = (home.x_hi - home.x_lo) / (plot.x_hi - plot.x_lo)
        tx = (home.x_lo - plot.x_lo) / (plot.x_hi - plot.x_lo) * SIZE
        sy = (home.y_hi - home.y_lo) / (plot.y_hi - plot.y_lo)
        ty = SIZE * (1 - sy) - (home.y_lo - plot.y_lo) / (plot.y_hi - plot.y_lo) * SIZE
        return f"matrix({sx:.6g} 0 0 {sy:.6g} {tx:.6g} {ty:.6g})"

    def drawn(self, traces_json: str, log: bool) -> dict[str, str]:
        """The series' paths in its own box: cached per series and scale, shared by every page of it.

        Drawn in each page's domain they were redrawn (2,000 points, 4-10 ms) for every claim whose
        own date or threshold widened the axes, which is most claim pages with a threshold."""
        key = f"chart-preview-series:v2:{self.digest}:{int(log)}"
        paths = cache.get(key)
        if paths is None:
            traces = {t.get("meta"): t for t in json.loads(traces_json)}
            plot = self.home(log)
            paths = {"points": "", "errors": "", "frontier": ""} if plot is None else {
                "points": plot.dots(traces.get("points")), "errors": plot.bars(traces.get("points")),
                "frontier": plot.steps(traces.get("frontier"))}
            cache.set(key, paths, 24 * 3600)
        return paths


def _series_part(traces_json: str) -> _SeriesPart:
    digest = hashlib.sha256(traces_json.encode()).hexdigest()
    key = f"chart-preview-part:v1:{digest}"
    part = cache.get(key)
    if part is None:
        data = json.loads(traces_json)
        days = [_day(x) for trace in data for x in [*trace.get("x", []), *trace.get("x_interval", [])]]
        values = [y for trace in data for y in trace.get("y", []) if y is not None]
        logs = [math.log10(v) for v in values if v > 0]
        part = _SeriesPart(digest, (min(days), max(days)) if days else None,
                           (min(values), max(values)) if values else None,
                           (min(logs), max(logs)) if logs else None,
                           {t["meta"]: t["name"] for t in data if t.get("meta") in LEGEND_ROLES})
        cache.set(key, part, 24 * 3600)
    return part


def cached_preview(chart: Chart, scale: str, years: tuple[int, int] | None) -> Preview:
    """Preview.of, cached under a hash of the figure it draws: a topic page's four charts cost
    40 ms of paths per request otherwise. Keyed on the content, so it cannot be stale: a new
    claim marker or series point is another figure, another key."""
    digest = hashlib.sha256(chart.figure_json.encode()).hexdigest()
    key = f"chart-preview:v2:{digest}:{scale}:{years[0] if years else ''}-{years[1] if years else ''}"
    preview = cache.get(key)
    if preview is None:
        preview = Preview.of(chart, scale, years)
        cache.set(key, preview, 24 * 3600)
    return preview


def _day(iso: str) -> float:
    return dt.date.fromisoformat(iso[:10]).toordinal()


def _x_domain(own: list[dict], years: tuple[int, int] | None, series: tuple[float, float] | None,
              ) -> tuple[float, float]:
    """The years asked for, or (like plotly's autorange) every drawn date with a margin."""
    if years:
        return dt.date(years[0], 1, 1).toordinal(), dt.date(years[1] + 1, 1, 1).toordinal()
    days = [_day(x) for trace in own for x in [*trace.get("x", []), *trace.get("x_interval", [])]]
    days += list(series or ())
    lo, hi = min(days), max(days)
    pad = max(1.0, (hi - lo) * 0.03)
    return lo - pad, hi + pad


def _y_domain(own: list[dict], layout: dict, log: bool, series: tuple[float, float] | None) -> tuple[float, float]:
    """Every drawn value and threshold with a margin; ``series`` is the series' own extent (log10 on a log axis)."""
    values = [y for trace in own for y in trace.get("y", []) if y is not None]
    values += [s["y0"] for s in layout.get("shapes", []) if s.get("meta") == "threshold"]
    if log:
        values = [math.log10(v) for v in values if v > 0]
    values += list(series or ())
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    pad = (hi - lo) * 0.06 or 1.0
    return lo - pad, hi + pad


def _x_ticks(lo: float, hi: float) -> list[Tick]:
    first, last = dt.date.fromordinal(math.ceil(lo)).year, dt.date.fromordinal(math.floor(hi)).year
    step = next((s for s in YEAR_STEPS if (last - first) // s + 1 <= MAX_X_TICKS), YEAR_STEPS[-1])
    days = [(year, dt.date(year, 1, 1).toordinal()) for year in range(first + (-first) % step, last + 1, step)]
    days = [(year, day) for year, day in days if lo <= day <= hi]
    # More than four labels would collide at 375 px: every other one is hidden there.
    return [Tick(round((day - lo) / (hi - lo) * 100, 2), str(year), minor=len(days) > 4 and i % 2 == 1)
            for i, (year, day) in enumerate(days)]


def _y_ticks(lo: float, hi: float, log: bool, chart: Chart) -> list[Tick]:
    unit = chart.unit
    if log:
        low, high = math.ceil(lo), math.floor(hi)
        step = max(1, math.ceil((high - low + 1) / MAX_Y_TICKS))
        values = [(e, 10.0 ** e) for e in range(low, high + 1, step)]
    else:
        raw = (hi - lo) / 5
        magnitude = 10 ** math.floor(math.log10(raw))
        step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
        start = math.ceil(lo / step)
        values = [(v, v) for v in (k * step for k in range(start, math.floor(hi / step) + 1))]
    ticks = []
    for position, value in values:
        if log and unit.value in ("flop", "parameters"):
            text = "10" + str(position).translate(SUP)
        else:
            text = unit.format(value)
            for suffix in SHORT_UNITS:
                text = text.removesuffix(suffix)
        ticks.append(Tick(round((hi - position) / (hi - lo) * 100, 2), text))
    return ticks
