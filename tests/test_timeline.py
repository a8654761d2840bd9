"""The visual timeline on the seed claims and the real Epoch data: lanes, positions on one
dated axis, honest spans for year-dated claims, the undated group, htmx filters, size."""

import datetime as dt
import re

import pytest

from claims.models import Claim
from reader.timeline import Axis, build_timeline

from . import factories
from .test_pages_data import real_data  # noqa: F401  (fixture)


def _lane(html, title):
    start = html.index(f">{title}", html.index('class="tl-chart"'))
    section = html[html.rindex('<section class="tl-lane"', 0, start):]
    return section[:section.index("</section>")]


def test_axis_positions_are_per_cent_of_the_span():
    axis = Axis(dt.date(2020, 1, 1), dt.date(2022, 1, 1))
    assert axis.position(dt.date(2020, 1, 1)) == 0
    assert axis.position(dt.date(2021, 1, 1)) == pytest.approx(100 * 366 / 731, abs=0.001)
    assert [year for year, _ in axis.ticks] == [2020, 2021] and (axis.first_year, axis.last_year) == (2020, 2021)


def test_year_dated_claim_spans_its_year_and_day_dated_claim_is_a_point(db):
    person = factories.person(name="Ada")
    year = factories.claim(person=person, date_made=dt.date(2022, 1, 1), date_precision="year", title="Year claim")
    day = factories.claim(person=person, date_made=dt.date(2023, 7, 2), date_precision="day", title="Day claim")
    undated = factories.claim(person=person, date_made=None, date_precision="unknown", title="Undated claim")
    t = build_timeline(Claim.objects.for_list().filter(pk__in=[year.pk, day.pk, undated.pk]), with_data=False)
    assert (t.axis.start, t.axis.end) == (dt.date(2022, 1, 1), dt.date(2024, 1, 1))
    (lane,) = t.claim_lanes
    by_title = {m.title: m for m in lane.markers}
    assert by_title["Year claim"].left == 0 and by_title["Year claim"].width == pytest.approx(100 * 365 / 730, abs=0.01)
    assert by_title["Day claim"].width == 0 and by_title["Day claim"].left == pytest.approx(100 * 547 / 730, abs=0.01)
    assert [m.title for m in t.undated] == ["Undated claim"]


def test_timeline_draws_lanes_of_claims_and_data_records(client, real_data):
    html = client.get("/timeline/").content.decode()
    marcus = _lane(html, "Gary Marcus")
    # Marcus's claim is dated 2022 only: drawn as a span across 2022, linking to the claim.
    assert '<a href="/claims/marcus-deep-learning-hitting-a-wall/"><span class="tl-tip">2022: Deep learning is hitting a wall' in marcus
    assert 'tl-mark tl-claim tl-span" style="left: ' in marcus
    compute = _lane(html, "Model releases that set a training-compute record")
    assert compute.count('class="tl-mark tl-compute"') >= 5 and 'href="/data/models/?q=' in compute
    gpqa = _lane(html, "GPQA diamond: new records")
    assert gpqa.count('class="tl-mark tl-benchmark"') >= 3
    lefts = [float(x) for x in re.findall(r'style="left: ([\d.]+)%', html)]
    assert lefts and all(0 <= x <= 100 for x in lefts)
    assert re.findall(r'<li style="left: ([\d.]+)%">(\d{4})</li>', html)[0] == ("0.0", "2010")


def test_undated_claims_have_their_own_labelled_group(client, real_data):
    html = client.get("/timeline/").content.decode()
    n = Claim.objects.published().filter(date_made__isnull=True).count()
    assert n > 10
    group = html[html.index('<section class="tl-undated"'):]
    group = group[:group.index("</section>")]
    assert f'Date unknown <span class="muted">({n} claims)</span>' in group
    assert 'href="/claims/lecun-llms-are-a-dead-end/"' in group
    assert 'href="/claims/lecun-llms-are-a-dead-end/"' not in html[:html.index('<section class="tl-undated"')]


def test_lanes_by_topic_and_filters_swap_with_htmx(client, real_data):
    html = client.get("/timeline/?lanes=topic").content.decode()
    assert "Claims by topic" in html and ">Scaling walls</a>" in html
    fragment = client.get("/timeline/?person=gary-marcus&show=claims", headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert body.lstrip().startswith('<div id="timeline"') and "<html" not in body
    assert "Gary Marcus" in body and "Yann LeCun" not in body and "tl-compute" not in body
    assert client.get("/timeline/?lanes=sideways").status_code == 400


def test_timeline_page_is_bounded_in_size(client, real_data):
    html = client.get("/timeline/").content
    # The old year-by-year list was ~8,000 px tall; the lanes fit in a bounded page.
    assert len(html) < 150_000, len(html)
    assert html.count(b'class="tl-lane"') <= 20
