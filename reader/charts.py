"""Each chart's state in the URL (scale, years, chart or table), applied on the server.

A chart's parameters are named after it, so several charts on one page keep their own
state: ``?compute.scale=linear&compute.from=2015&compute.view=table``. The page's first
HTML already shows that state: the static preview drawn at that scale and over those years,
the table open, the toggles pressed, the summary, downloads and embed snippet for the years
shown. static/js/charts.js reads and writes the same parameters once the reader explores.
An invalid value is a 400 that names it, like any other bad query string.
"""

import dataclasses
from urllib.parse import urlencode

from django import forms

from claims.query_forms import QueryForm
from measures.charts import Chart

from .chart_preview import Preview, cached_preview

SCALES = (("log", "Log"), ("linear", "Linear"))
VIEWS = (("chart", "Chart"), ("table", "Table"))


def state_key(chart: Chart) -> str:
    """The prefix of a chart's parameters: its element id without "chart-" ("compute")."""
    return chart.id.removeprefix("chart-")


def with_query(url: str, params: dict) -> str:
    """``url`` with ``params`` added to whatever query string it already has."""
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(params)


@dataclasses.dataclass(frozen=True)
class ChartState:
    """What the reader chose for one chart; the defaults are the chart as first drawn."""

    scale: str
    first: int
    last: int
    view: str
    default_scale: str
    years: tuple[int, ...]

    @classmethod
    def default(cls, chart: Chart) -> "ChartState":
        scale = chart.layout["yaxis"].get("type") or "linear"  # the figure's layout, without parsing the traces
        years = tuple(chart.years)
        return cls(scale, years[0], years[-1], "chart", scale, years)

    @property
    def whole(self) -> bool:
        """True when every year is shown (the axis then autoranges, as the script does)."""
        return self.first == self.years[0] and self.last == self.years[-1]

    def params(self, key: str) -> dict[str, str]:
        """The parameters that differ from the default, as the URL carries them."""
        chosen = {"scale": self.scale, "from": self.first, "to": self.last, "view": self.view}
        initial = {"scale": self.default_scale, "from": self.years[0], "to": self.years[-1], "view": "chart"}
        return {f"{key}.{name}": str(value) for name, value in chosen.items() if value != initial[name]}

    def range_params(self) -> dict[str, str]:
        """The years as the downloads take them: only when the reader narrowed them."""
        return {} if self.whole else {"from": str(self.first), "to": str(self.last)}


@dataclasses.dataclass(frozen=True)
class ShownChart:
    """A chart in its URL state: what templates/claims/_chart.html renders."""

    chart: Chart
    state: ChartState

    @property
    def key(self) -> str:
        return state_key(self.chart)

    @property
    def shown_records(self):
        return [p for p in self.chart.records if self.state.first <= p.date.year <= self.state.last]

    @property
    def table_rows(self):
        """The table alternative, newest first, each row with whether its year is shown.

        Every row is sent, the others hidden, so the script can widen the years again.
        """
        return [(p, text, self.state.first <= p.date.year <= self.state.last) for p, text in self.chart.table_rows]

    @property
    def range_summary(self) -> str:
        """What the narrowed years show, after the chart's summary (js/charts.js words it the same)."""
        if self.state.whole:
            return ""
        shown, unit = self.shown_records, self.chart.unit
        years = f"{self.state.first} to {self.state.last}"
        if not shown:
            return f"No record was set in {years}, the years shown."
        first, last = shown[0], shown[-1]
        if first is last:
            return f"In {years}, the years shown, one record: {unit.format(first.value)} ({first.label}, {_day(first)})."
        return (f"In {years}, the years shown, {len(shown)} records went from {unit.format(first.value)} "
                f"({first.label}, {_day(first)}) to {unit.format(last.value)} ({last.label}, {_day(last)}).")

    @property
    def csv_url(self) -> str:
        return with_query(self.chart.csv_url, self.state.range_params())

    @property
    def json_url(self) -> str:
        return with_query(self.chart.json_url, self.state.range_params())

    @property
    def embed_url(self) -> str:
        return with_query(self.chart.embed_url, self.state.params(self.key))

    @property
    def page_url(self) -> str:
        return with_query(self.chart.page_url, self.state.params(self.key))

    @property
    def preview(self) -> Preview:
        return cached_preview(self.chart, self.state.scale, None if self.state.whole else (self.state.first, self.state.last))

    def scales(self):
        return [(value, label, value == self.state.scale) for value, label in SCALES]

    def views(self):
        return [(value, label, value == self.state.view) for value, label in VIEWS]


def _day(point) -> str:
    return f"{point.date.day} {point.date:%b %Y}"  # as the table prints it, so the script can reuse its cells


class ChartStateForm(QueryForm):
    """The state parameters of every chart on a page; other parameters are the page's own."""

    def __init__(self, data, charts):
        super().__init__(data)
        self.charts = [c for c in charts if c is not None]
        for chart in self.charts:
            key, years = state_key(chart), chart.years
            span = {"invalid_choice": f"must be a year from {years[0]} to {years[-1]}, the years the chart covers."}
            self.fields[f"{key}.scale"] = forms.ChoiceField(
                required=False, choices=SCALES, error_messages={"invalid_choice": "must be log or linear."})
            self.fields[f"{key}.from"] = forms.TypedChoiceField(
                required=False, coerce=int, choices=[(str(y), y) for y in years], error_messages=span)
            self.fields[f"{key}.to"] = forms.TypedChoiceField(
                required=False, coerce=int, choices=[(str(y), y) for y in years], error_messages=span)
            self.fields[f"{key}.view"] = forms.ChoiceField(
                required=False, choices=VIEWS, error_messages={"invalid_choice": "must be chart or table."})

    def clean(self):
        data = super().clean()
        for chart in self.charts:
            key = state_key(chart)
            first, last = data.get(f"{key}.from"), data.get(f"{key}.to")
            if first and last and first > last:
                self.add_error(f"{key}.to", f"must not be before {key}.from ({first}).")
        return data

    def shown(self) -> list[ShownChart]:
        """Every chart in the state the URL asks for (call after is_valid())."""
        result = []
        for chart in self.charts:
            key, state = state_key(chart), ChartState.default(chart)
            data = self.cleaned_data
            state = dataclasses.replace(
                state,
                scale=data.get(f"{key}.scale") or state.scale,
                first=data.get(f"{key}.from") or state.first,
                last=data.get(f"{key}.to") or state.last,
                view=data.get(f"{key}.view") or state.view,
            )
            result.append(ShownChart(chart, state))
        return result

    def shown_chart(self) -> ShownChart | None:
        """The page's one chart in its state, or None when the series has no data yet."""
        return next(iter(self.shown()), None)
