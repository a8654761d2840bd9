"""Plotly figures built on the server, sent to the page as JSON and drawn by static/js/charts.js.

A series' figure is built with plotly once per data version and cached as a plain dict
(``json.loads(fig.to_json())``: ``json_script`` needs a Python object, not a JSON string);
each page then adds its own claim markers and marked date to a copy, without plotly.
"""

import json

import plotly.graph_objects as go
from django.core.cache import cache
from django.urls import reverse

from .series import SeriesView, load_view, value_at

INK, ACCENT, CLAIM, GRID = "#1b1f24", "#0b57a4", "#b3261e", "#e3e6ea"


def _layout(fig: go.Figure, *, y_title: str, log: bool = False) -> None:
    fig.update_layout(
        template="plotly_white",
        height=420,
        margin={"l": 60, "r": 20, "t": 20, "b": 40},
        font={"family": "system-ui, sans-serif", "size": 13, "color": INK},
        hovermode="closest",
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        xaxis={"type": "date", "gridcolor": GRID},
        yaxis={"title": {"text": y_title}, "type": "log" if log else "linear", "gridcolor": GRID,
               "exponentformat": "power" if log else "none"},
    )


def compute_figure(view: SeriesView) -> dict:
    fig = go.Figure()
    points, records = view.points, view.records
    fig.add_trace(go.Scatter(
        x=[p.date.isoformat() for p in points], y=[p.value for p in points], mode="markers",
        name="Notable AI models", marker={"size": 6, "color": ACCENT, "opacity": 0.55},
        text=[f"{p.label}<br>{p.extra}" if p.extra else p.label for p in points],
        hovertemplate="%{text}<br>%{x|%d %b %Y}: %{y:.3s} FLOP<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[p.date.isoformat() for p in records], y=[p.value for p in records], mode="lines",
        line={"shape": "hv", "color": INK, "width": 2}, name="Largest training run so far", hoverinfo="skip",
    ))
    _layout(fig, y_title="Training compute (FLOP, log scale)", log=True)
    return json.loads(fig.to_json())


def benchmark_figure(view: SeriesView) -> dict:
    fig = go.Figure()
    points, records = view.points, view.records
    error = None
    if any(p.low is not None for p in points):
        error = {
            "type": "data", "symmetric": False, "color": "#8a96a3", "thickness": 1, "width": 0,
            "array": [(p.high - p.value) if p.high is not None else 0 for p in points],
            "arrayminus": [(p.value - p.low) if p.low is not None else 0 for p in points],
        }
    fig.add_trace(go.Scatter(
        x=[p.date.isoformat() for p in points], y=[p.value for p in points], mode="markers",
        name="Scores" + (" (with uncertainty)" if error else ""), error_y=error,
        marker={"size": 7, "color": ACCENT, "opacity": 0.7}, text=[p.label for p in points],
        hovertemplate="%{text}<br>%{x|%d %b %Y}: %{y:.3f}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[p.date.isoformat() for p in records], y=[p.value for p in records], mode="lines+markers",
        line={"shape": "hv", "color": INK, "width": 2}, marker={"size": 5, "color": INK},
        name="State of the art", text=[p.label for p in records],
        hovertemplate="Record: %{text}<br>%{x|%d %b %Y}: %{y:.3f}<extra></extra>",
    ))
    _layout(fig, y_title=f"{view.title} ({view.unit})")
    return json.loads(fig.to_json())


def _base_figure(view: SeriesView) -> dict:
    build = compute_figure if view.key == "compute" else benchmark_figure
    return cache.get_or_set(f"figure:v1:{view.key}:{view.version}", lambda: build(view), 24 * 3600)


def _claim_trace(view: SeriesView, claims) -> dict | None:
    """Claims as diamonds on their dates, sitting on the state of the art at that moment."""
    fallback = view.records[0].value if view.key == "compute" else min(p.value for p in view.points)
    xs, ys, texts, urls = [], [], [], []
    for claim in claims:
        if claim.date_made is None:
            continue
        standing = value_at(view.records, claim.date_made)
        who = claim.person.name if claim.person else "essay"
        xs.append(claim.date_made.isoformat())
        ys.append(standing.value if standing else fallback)
        texts.append(f"{claim.title}<br>{who}, {claim.date_display}")
        urls.append(claim.get_absolute_url())
    if not xs:
        return None
    return {
        "type": "scatter", "x": xs, "y": ys, "mode": "markers", "name": "Claims (click to open)",
        "marker": {"symbol": "diamond", "size": 12, "color": CLAIM, "line": {"color": "#fff", "width": 1}},
        "text": texts, "customdata": urls, "hovertemplate": "%{text}<extra></extra>",
    }


def _with_claims(base: dict, view: SeriesView, claims, marked) -> dict:
    figure = {"data": list(base["data"]), "layout": dict(base["layout"])}
    trace = _claim_trace(view, claims)
    if trace:
        figure["data"].append(trace)
    if marked is not None and marked.date_made is not None:
        x = marked.date_made.isoformat()
        figure["layout"]["shapes"] = [{
            "type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
            "line": {"color": CLAIM, "width": 2, "dash": "dash"},
        }]
        figure["layout"]["annotations"] = [{
            "x": x, "y": 1, "xref": "x", "yref": "paper", "text": f"claim made ({marked.date_display})",
            "showarrow": False, "yanchor": "bottom", "font": {"color": CLAIM},
        }]
    return figure


def build_chart(key: str, claims=(), marked=None) -> dict | None:
    """A chart ready for templates/claims/_chart.html: figure, provenance, download links.

    ``key`` is "compute" or "benchmark:<slug>". Returns None when the data is not there
    (e.g. before the first ingest), so pages can say so instead of drawing an empty frame.
    """
    view = load_view(key)
    if view is None:
        return None
    shown = f"{len(view.points):,} of {view.total:,}" if view.is_sampled else f"{view.total:,}"
    if key == "compute":
        description = (f"{shown} notable models from Epoch AI, by publication date, on a log scale; "
                       "the line is the largest training run so far.")
        downloads = [reverse("claims:compute_data", args=[fmt]) for fmt in ("csv", "json")]
        chart_id = "chart-compute"
    else:
        has_error = any(p.low is not None for p in view.points)
        description = (f"{shown} scores ({view.unit}) by date; the line is the state of the art"
                       + (", bars show the reported uncertainty." if has_error else "."))
        downloads = [reverse("claims:benchmark_data", args=[view.benchmark_slug, fmt]) for fmt in ("csv", "json")]
        chart_id = f"chart-{view.benchmark_slug}"
    if view.is_sampled:
        description += " Every record is drawn; other scores are an even sample (the download has them all)."
    return {
        "id": chart_id,
        "title": view.title,
        "description": description,
        "figure": _with_claims(_base_figure(view), view, claims, marked),
        "provenance": view.provenance,
        "view": view,
        "csv_url": downloads[0],
        "json_url": downloads[1],
    }
