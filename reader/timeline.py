"""The visual timeline: claims and data records on one dated axis, in lanes.

Claim lanes group claims by person or by topic; data lanes hold the model releases that
set a new training-compute record and the state-of-the-art records on the benchmarks the
claims are held against. Positions are percentages of the axis, computed here, so the
page is plain positioned HTML: no chart library, no script, and links that work.

A claim known only to the year (or month) is drawn as a span over that year (or month),
not as a point on 1 January: the timeline keeps the date's honest precision. Undated
claims cannot sit on an axis at all; they get their own labelled group.
"""

import calendar
import dataclasses
import datetime as dt
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from ingest.generation import data_generation
from measures.charts import series_chart
from measures.series import COMPUTE, BenchmarkSeries

from claims import payload_store
from claims.dates import Precision, format_partial_date
from claims.generation import claims_generation
from claims.models import Claim, ClaimFacet

# Benchmarks whose records make the timeline: the ones the seed claims are held against.
TIMELINE_BENCHMARKS = ("gpqa-diamond", "swe-bench-verified", "metr-horizon-p50", "frontiermath-2025-02-28-private")
# Data records before this year are off the axis: the claims start in the 2010s, and an
# axis from 1950 (the first notable models) would squeeze them into its last tenth.
AXIS_FROM_YEAR = 2010
TTL = 24 * 3600


@dataclasses.dataclass(frozen=True)
class Marker:
    date: dt.date
    precision: str
    kind: str  # "claim", "compute", "benchmark"
    title: str
    detail: str
    url: str
    left: float = 0.0  # per cent of the axis
    width: float = 0.0  # per cent; > 0 for a claim dated only to its month or year

    @property
    def date_label(self) -> str:
        return format_partial_date(self.date, self.precision)

    @property
    def is_span(self) -> bool:
        return self.width > 0

    def placed(self, left: float, width: float) -> "Marker":
        # The constructor, not dataclasses.replace(): that inspects the fields on every call, a
        # fifth of the CPU of placing 300 claims and the data lanes' records.
        return Marker(self.date, self.precision, self.kind, self.title, self.detail, self.url, left, width)


def _li(m: Marker) -> str:
    """One marker as _timeline_lane.html drew it in a {% for %} loop (same escaping, same numbers):
    a template loop over 300 claims and the data lanes' records was half the CPU of a timeline's
    first request (15 of 25 ms at 10k claims), a formatted string per marker is a tenth of that."""
    span = m.width > 0
    return (f'<li class="tl-mark tl-{m.kind}{" tl-span" if span else ""}" style="left: {m.left}%'
            f'{f"; width: {m.width}%" if span else ""}"><a href="{conditional_escape(m.url)}"><span class="tl-tip">'
            f'{conditional_escape(m.date_label)}: {conditional_escape(m.title)} <span class="tl-detail">'
            f'({conditional_escape(m.detail)})</span></span></a></li>')


@dataclasses.dataclass
class Lane:
    key: str
    title: str
    kind: str
    url: str = ""
    markers: list = dataclasses.field(default_factory=list)

    @property
    def track_html(self) -> str:
        """The lane's markers, as the <ol class="tl-track"> holds them."""
        return mark_safe("".join(_li(m) for m in self.markers))


@dataclasses.dataclass(frozen=True)
class Axis:
    start: dt.date
    end: dt.date  # exclusive

    def position(self, when: dt.date) -> float:
        total = (self.end - self.start).days
        return round(100 * (when - self.start).days / total, 3)

    @property
    def first_year(self) -> int:
        return self.start.year

    @property
    def last_year(self) -> int:
        return self.end.year - 1

    @property
    def ticks(self) -> list[tuple[int, float]]:
        return [(year, self.position(dt.date(year, 1, 1))) for year in range(self.start.year, self.end.year)]


@dataclasses.dataclass
class Timeline:
    axis: Axis | None
    claim_lanes: list
    data_lanes: list
    undated: list  # claims with no date
    lanes_by: str

    @property
    def claim_count(self) -> int:
        return sum(len(lane.markers) for lane in self.claim_lanes)

    @property
    def is_empty(self) -> bool:
        return not (self.claim_lanes or self.data_lanes or self.undated)


def _span_end(date: dt.date, precision: str) -> dt.date:
    if precision == Precision.YEAR:
        return dt.date(date.year + 1, 1, 1)
    if precision == Precision.MONTH:
        days = calendar.monthrange(date.year, date.month)[1]
        return date + dt.timedelta(days=days)
    return date


class _Links:
    """Claim and person page links by slug, each URL reversed once per timeline: reversing one per
    claim and lane was a fifth of the CPU of drawing 300 claims. A slug is URL-safe, so it is put in
    the reversed pattern as it is, as reverse() would."""

    def __init__(self):
        self.claim = reverse("claims:claim", args=[_SLUG]).replace(_SLUG, "{}")
        self.person = reverse("claims:person", args=[_SLUG]).replace(_SLUG, "{}")
        self.topic = reverse("claims:topic", args=[_SLUG]).replace(_SLUG, "{}")


_SLUG = "slug-placeholder"
STATUS_LABELS = dict(Claim.Status.choices)


@dataclasses.dataclass(frozen=True, slots=True)
class ClaimRow:
    """What the timeline draws of a claim: read as plain values (timeline_for), not as model
    instances, whose construction (a claim and its person, 300 of each) cost 5 ms a first request."""

    slug: str
    title: str
    date_made: dt.date | None
    date_precision: str
    status: str
    person: tuple[str, str] | None  # (slug, name)
    topics: tuple = ()  # ((slug, name), ...), read only for topic lanes

    @classmethod
    def of(cls, claim) -> "ClaimRow":
        """From a Claim (with its person and topics loaded)."""
        person = (claim.person.slug, claim.person.name) if claim.person else None
        return cls(claim.slug, claim.title, claim.date_made, claim.date_precision, claim.status, person,
                   tuple((t.slug, t.name) for t in claim.topics.all()))


def _claim_marker(claim: ClaimRow, links: _Links) -> Marker:
    by = claim.person[1] if claim.person else "an essay (no named person)"
    return Marker(claim.date_made, claim.date_precision, "claim", claim.title,
                  f"{by}; {STATUS_LABELS.get(claim.status, claim.status)}", links.claim.format(claim.slug))


def _records_view(ref):
    """The series' frontier, meta and span, shared with its charts (cached per data generation)."""
    chart = series_chart(ref)
    return chart.view if chart else None


def _data_lanes() -> list[Lane]:
    """The data lanes, whatever the claims filters: built once per data generation and shared by every
    filter set's timeline (a first request for a person's timeline then only places their claims).
    Stored as well as cached (claims.payload_store): building them reads five charts (150 ms of CPU
    at 100k), which a first request after a cache flush would otherwise pay."""
    return payload_store.stored(DATA_LANES_KEY, data_generation(), _build_data_lanes)


DATA_LANES_KEY = "timeline-data-lanes"


def _build_data_lanes() -> list[Lane]:
    lanes = []
    view = _records_view(COMPUTE)
    if view:
        lane = Lane("compute", "Model releases that set a training-compute record", "compute", "/data/")
        lane.markers = [
            Marker(p.date, Precision.DAY, "compute", p.label, f"{p.value:.2e} FLOP" + (f", {p.extra}" if p.extra else ""),
                   "/data/models/?" + urlencode({"q": p.label}))
            for p in view.records
        ]
        lanes.append(lane)
    for slug in TIMELINE_BENCHMARKS:
        view = _records_view(BenchmarkSeries(slug))
        if view is None:
            continue
        lane = Lane(f"benchmark-{slug}", f"{view.meta.title}: new records", "benchmark", f"/data/benchmarks/{slug}/")
        lane.markers = [
            Marker(r.date, Precision.DAY, "benchmark", r.label, view.meta.unit.format(r.value), f"/data/benchmarks/{slug}/")
            for r in view.records
        ]
        lanes.append(lane)
    return lanes


def _claim_lanes(claims: list[ClaimRow], lanes_by: str, links: _Links) -> list[Lane]:
    lanes: dict[str, Lane] = {}
    for claim in claims:
        if not claim.date_made:
            continue
        marker = _claim_marker(claim, links)
        if lanes_by == "topic":
            groups = [(slug, name, links.topic.format(slug)) for slug, name in claim.topics] or [
                ("no-topic", "No topic", "")]
        elif claim.person:
            slug, name = claim.person
            groups = [(slug, name, links.person.format(slug))]
        else:
            groups = [("no-person", "The essays' own claims (no named person)", "/claims/?person=none")]
        for key, title, url in groups:
            lane = lanes.get(key)
            if lane is None:
                lane = lanes[key] = Lane(f"claims-{key}", title, "claim", url)
            lane.markers.append(marker)
    # Busiest lanes first, so the eye lands on where most was said; the catch-all lanes last.
    return sorted(lanes.values(), key=lambda lane: (lane.key in ("claims-no-person", "claims-no-topic"),
                                                    -len(lane.markers), lane.title))


def _axis(lanes: list[Lane]) -> Axis | None:
    dates = [m.date for lane in lanes for m in lane.markers]
    if not dates:
        return None
    first = max(min(dates).year, AXIS_FROM_YEAR) if any(d.year >= AXIS_FROM_YEAR for d in dates) else min(dates).year
    ends = [_span_end(m.date, m.precision) for lane in lanes for m in lane.markers]
    last = max(max(dates).year, (max(ends) - dt.timedelta(days=1)).year)
    return Axis(dt.date(first, 1, 1), dt.date(last + 1, 1, 1))


def _placed(lane: Lane, axis: Axis) -> Lane:
    placed = []
    for m in sorted(lane.markers, key=lambda m: (m.date, m.title)):
        if m.date < axis.start:
            continue
        end = _span_end(m.date, m.precision)
        width = round(axis.position(end) - axis.position(m.date), 3) if end > m.date else 0.0
        placed.append(m.placed(axis.position(m.date), width))
    # A copy: the data lanes come from the cache, shared by every filter set's timeline.
    return dataclasses.replace(lane, markers=placed)


def build_timeline(claims, *, with_data: bool = True, lanes_by: str = "person") -> Timeline:
    """The lanes for already-loaded claims (ClaimRow, or Claim with person and topics), plus the data lanes."""
    claims = [c if isinstance(c, ClaimRow) else ClaimRow.of(c) for c in claims]
    links = _Links()
    claim_lanes = _claim_lanes(claims, lanes_by, links)
    data_lanes = _data_lanes() if with_data else []
    axis = _axis(claim_lanes + data_lanes)
    if axis:
        claim_lanes = [_placed(lane, axis) for lane in claim_lanes]
        data_lanes = [lane for lane in (_placed(lane, axis) for lane in data_lanes) if lane.markers]
    undated = [_claim_marker(c, links) for c in claims if not c.date_made]
    return Timeline(axis, claim_lanes, data_lanes, undated, lanes_by)


# The newest claims only: the timeline is for reading, the browse page for everything.
TIMELINE_CLAIMS = 300
# What a marker shows: a claim card's quote, statement and source stay in the table.
MARKER_FIELDS = ("slug", "title", "date_made", "date_precision", "status", "person__slug", "person__name")


@dataclasses.dataclass(frozen=True)
class Shown:
    timeline: Timeline
    truncated: bool


def timeline_for(topic=None, person=None, *, with_data: bool = True, lanes_by: str = "person") -> Shown:
    """The timeline of the newest TIMELINE_CLAIMS published claims (of ``topic``, by ``person``), dated
    ones first on every database (PostgreSQL sorts NULL first in a descending order: at 100k the
    newest 300 were all undated, and the axis drew none of them).

    Their ids first, in a subquery the rows are read by: reading the rows directly fetched every
    claim the walk passed from the 300 MB table. A topic's newest come from its facet rows (_of_topic)."""
    order = (F("date_made").desc(nulls_last=True), "title")
    if topic:
        newest = Claim.objects.filter(pk__in=_of_topic(topic, person)).order_by(*order)
    else:
        newest = Claim.objects.published().order_by(*order)
        if person:
            newest = newest.filter(person=person)
    rows = list(Claim.objects.filter(pk__in=newest.values("pk")[: TIMELINE_CLAIMS + 1])
                .order_by(*order).values_list("pk", *MARKER_FIELDS))
    topics: dict[int, list] = {}
    if lanes_by == "topic":
        links = (Claim.topics.through.objects.filter(claim_id__in=[row[0] for row in rows])
                 .order_by("topic__name", "topic_id").values_list("claim_id", "topic__slug", "topic__name"))
        for claim_id, slug, name in links:
            topics.setdefault(claim_id, []).append((slug, name))
    claims = [ClaimRow(slug, title, date_made, precision, status, (person_slug, person_name) if person_slug else None,
                       tuple(topics.get(pk, ()))) for pk, slug, title, date_made, precision, status, person_slug,
              person_name in rows]
    return Shown(build_timeline(claims[:TIMELINE_CLAIMS], with_data=with_data, lanes_by=lanes_by),
                 len(claims) > TIMELINE_CLAIMS)


def _of_topic(topic, person=None):
    """The ids of the topic's published claims that can be among its TIMELINE_CLAIMS + 1 newest: those
    dated on or after the one in that place, from the topic's facet rows (claims.ClaimFacet, index
    facet_topic_newest). The claims' own date index holds every topic's claims: walking it for a small
    topic's newest probed 11,556 entries at 100k claims, ten times what it did at 10k. The index has
    no titles, the order's tie-break, so claims dated like the last place's all stay candidates."""
    rows = ClaimFacet.objects.filter(topic=topic, **({"person": person} if person else {}))
    dated = rows.filter(date_made__isnull=False).order_by("-date_made")  # the index read backwards
    last = list(dated.values_list("date_made", flat=True)[TIMELINE_CLAIMS:TIMELINE_CLAIMS + 1])
    if last:  # otherwise every claim of the topic is a candidate: its dated ones, then undated ones
        rows = rows.filter(date_made__gte=last[0])
    return rows.values("claim_id")


def timeline_html(topic=None, person=None, *, with_data: bool = True, lanes_by: str = "person") -> str:
    """The timeline_for() lanes as the page draws them (timeline.html's "events" partial), rendered once
    per claims and data generation and filter set (topic, person and two choices: bounded by the data,
    so a cache entry each), not per request. Reading and placing 300 claims and reversing their links
    cost 40 ms of CPU a request at 100k; caching the built timeline left unpickling it (12 ms) and
    rendering its 300 claims and the data lanes' records (30 ms), which the HTML does not need."""
    key = (f"timeline-html:v1:{topic.pk if topic else ''}:{person.pk if person else ''}:{int(with_data)}:{lanes_by}:"
           f"{claims_generation()}:{data_generation() if with_data else ''}")
    html = cache.get(key)
    if html is None:
        shown = timeline_for(topic, person, with_data=with_data, lanes_by=lanes_by)
        html = render_to_string("claims/timeline.html#events",
                                {"truncated": shown.truncated, "limit": TIMELINE_CLAIMS, "timeline": shown.timeline})
        cache.set(key, html, TTL)
    return html
