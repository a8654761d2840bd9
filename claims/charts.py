"""Plotly figures built on the server, sent to the page as JSON and drawn by static/js/charts.js.

Figures are returned as plain dicts (``json.loads(fig.to_json())``) because
``json_script`` needs a Python object, not a JSON string.
"""

import json

import plotly.graph_objects as go

from .series import Point, value_at

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


def _claim_trace(claims, records: list[Point], fallback: float | None) -> go.Scatter | None:
    """Claims as diamonds on their dates, sitting on the state of the art at that moment."""
    xs, ys, texts, urls = [], [], [], []
    for claim in claims:
        if claim.date_made is None:
            continue
        standing = value_at(records, claim.date_made)
        y = standing.value if standing else fallback
        if y is None:
            continue
        who = claim.person.name if claim.person else "essay"
        xs.append(claim.date_made.isoformat())
        ys.append(y)
        texts.append(f"{claim.title}<br>{who}, {claim.date_display}")
        urls.append(claim.get_absolute_url())
    if not xs:
        return None
    return go.Scatter(
        x=xs, y=ys, mode="markers", name="Claims (click to open)",
        marker={"symbol": "diamond", "size": 12, "color": CLAIM, "line": {"color": "#fff", "width": 1}},
        text=texts, customdata=urls, hovertemplate="%{text}<extra></extra>",
    )


def _mark_date(fig: go.Figure, claim) -> None:
    if claim is None or claim.date_made is None:
        return
    x = claim.date_made.isoformat()
    fig.add_shape(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper",
                  line={"color": CLAIM, "width": 2, "dash": "dash"})
    fig.add_annotation(x=x, y=1, xref="x", yref="paper", text=f"claim made ({claim.date_display})",
                       showarrow=False, yanchor="bottom", font={"color": CLAIM})


def compute_figure(view, claims=(), marked=None) -> dict:
    fig = go.Figure()
    points = view.points
    fig.add_trace(go.Scatter(
        x=[p.date.isoformat() for p in points], y=[p.value for p in points], mode="markers",
        name="Notable AI models", marker={"size": 6, "color": ACCENT, "opacity": 0.55},
        text=[f"{p.label}<br>{p.extra}" if p.extra else p.label for p in points],
        hovertemplate="%{text}<br>%{x|%d %b %Y}: %{y:.3s} FLOP<extra></extra>",
    ))
    records = view.records
    fig.add_trace(go.Scatter(
        x=[p.date.isoformat() for p in records], y=[p.value for p in records], mode="lines",
        line={"shape": "hv", "color": INK, "width": 2}, name="Largest training run so far",
        hoverinfo="skip",
    ))
    trace = _claim_trace(claims, records, records[0].value if records else None)
    if trace is not None:
        fig.add_trace(trace)
    _layout(fig, y_title="Training compute (FLOP, log scale)", log=True)
    _mark_date(fig, marked)
    return json.loads(fig.to_json())


def benchmark_figure(view, claims=(), marked=None) -> dict:
    fig = go.Figure()
    points = view.points
    has_error = any(p.low is not None for p in points)
    error = None
    if has_error:
        error = {
            "type": "data", "symmetric": False, "color": "#8a96a3", "thickness": 1, "width": 0,
            "array": [(p.high - p.value) if p.high is not None else 0 for p in points],
            "arrayminus": [(p.value - p.low) if p.low is not None else 0 for p in points],
        }
    fig.add_trace(go.Scatter(
        x=[p.date.isoformat() for p in points], y=[p.value for p in points], mode="markers",
        name="Scores" + (" (with uncertainty)" if has_error else ""), error_y=error,
        marker={"size": 7, "color": ACCENT, "opacity": 0.7}, text=[p.label for p in points],
        hovertemplate="%{text}<br>%{x|%d %b %Y}: %{y:.3f}<extra></extra>",
    ))
    records = view.records
    fig.add_trace(go.Scatter(
        x=[p.date.isoformat() for p in records], y=[p.value for p in records], mode="lines+markers",
        line={"shape": "hv", "color": INK, "width": 2}, marker={"size": 5, "color": INK},
        name="State of the art", text=[p.label for p in records],
        hovertemplate="Record: %{text}<br>%{x|%d %b %Y}: %{y:.3f}<extra></extra>",
    ))
    trace = _claim_trace(claims, records, min((p.value for p in points), default=None))
    if trace is not None:
        fig.add_trace(trace)
    _layout(fig, y_title=f"{view.title} ({view.unit})")
    _mark_date(fig, marked)
    return json.loads(fig.to_json())


def build_chart(key: str, claims=(), marked=None) -> dict | None:
    """A chart ready for templates/claims/_chart.html: figure, provenance, download links.

    ``key`` is "compute" or "benchmark:<slug>". Returns None when the data is not there
    (e.g. before the first ingest), so pages can say so instead of drawing an empty frame.
    """
    from django.urls import reverse

    from .series import load_view

    view = load_view(key)
    if view is None:
        return None
    shown = f"{len(view.points):,} of {view.total:,}" if view.is_sampled else f"{view.total:,}"
    if key == "compute":
        description = (f"{shown} notable models from Epoch AI, by publication date, on a log scale; "
                       "the line is the largest training run so far.")
        figure = compute_figure(view, claims, marked)
        csv_url, json_url = (reverse("claims:compute_data", args=[fmt]) for fmt in ("csv", "json"))
        chart_id = "chart-compute"
    else:
        has_error = any(p.low is not None for p in view.points)
        description = (f"{shown} scores ({view.unit}) by date; the line is the state of the art"
                       + (", bars show the reported uncertainty." if has_error else "."))
        figure = benchmark_figure(view, claims, marked)
        csv_url, json_url = (reverse("claims:benchmark_data", args=[view.benchmark_slug, fmt]) for fmt in ("csv", "json"))
        chart_id = f"chart-{view.benchmark_slug}"
    if view.is_sampled:
        description += " Every record is drawn; other scores are an even sample (the download has them all)."
    return {
        "id": chart_id,
        "title": view.title,
        "description": description,
        "figure": figure,
        "provenance": view.provenance,
        "view": view,
        "csv_url": csv_url,
        "json_url": json_url,
    }
