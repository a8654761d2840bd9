"""Our World in Data grapher CSVs over HTTP -> series and points, with each documented oddity."""

import datetime as dt

import pytest

from ingest.models import IngestRun, Series, SeriesPoint

from .ingest_fixtures import Answer, make_source, rejected_reasons, run_once, snapshot

pytestmark = pytest.mark.django_db


def load(http_server, chart, body=None, slug=None):
    data = body if body is not None else snapshot(f"owid/{chart}.csv").read_bytes()
    url = http_server.answer(f"/grapher/{chart}.csv", Answer(body=data))
    source = make_source(slug or chart[:90], "owid", url=url)
    return source, run_once(source)


def test_broken_record_at_lines_186_187_is_rejected_and_the_rest_of_the_file_loads(http_server):
    _, run = load(http_server, "artificial-intelligence-training-computation")
    assert run.status == IngestRun.Status.OK, run.error
    # 518 logical rows on 520 physical lines (SOURCES.md): 517 points + 1 broken record.
    assert (run.created_count, run.rejected_count) == (517, 1)
    [broken] = run.rejected_rows
    assert broken["where"] == "lines 186-187"
    assert "broken record" in broken["reason"] and "GPT-3.5 (davinci-002)" in broken["reason"]
    assert not SeriesPoint.objects.filter(entity__startswith="GPT-3.5 (davinci-002)").exists()


def test_petaflop_is_converted_to_flop_and_the_series_says_so(http_server):
    load(http_server, "artificial-intelligence-training-computation")
    series = Series.objects.get()
    assert series.slug == "artificial-intelligence-training-computation--training-computation-petaflop"
    assert (series.name, series.unit, series.date_precision) == ("Training computation", "FLOP", "day")
    assert "petaFLOP" in series.unit_note and "10^15" in series.unit_note
    point = series.points.get(entity="GPT-4 (Mar 2023)")
    assert point.value == pytest.approx(21000000000 * 1e15)
    assert point.date == dt.date(2023, 3, 15)


def test_trend_line_pseudo_entities_are_rejected_as_not_measured(http_server):
    _, run = load(http_server, "exponential-growth-of-computation-in-the-training-of-notable-ai-systems")
    assert run.status == IngestRun.Status.OK, run.error
    assert (run.created_count, run.rejected_count) == (465, 4)  # 469 rows
    assert all("trend line drawn by Our World in Data" in r for r in rejected_reasons(run))
    assert not SeriesPoint.objects.filter(entity__contains="x/year").exists()


def test_owid_pseudo_codes_are_kept_and_flagged_as_aggregates(http_server):
    _, run = load(http_server, "private-investment-in-artificial-intelligence-cset")
    assert (run.created_count, run.rejected_count) == (793, 0)
    aggregates = SeriesPoint.objects.filter(aggregate=True)
    assert aggregates.count() == 10
    assert set(aggregates.values_list("entity", "code")) == {("World", "OWID_WRL")}
    assert not SeriesPoint.objects.filter(aggregate=False, code__startswith="OWID_").exists()
    assert SeriesPoint.objects.filter(entity="Albania", code="ALB", date=dt.date(2014, 1, 1)).get().value == 5723042
    assert Series.objects.get().date_precision == "year"


def test_column_names_with_commas_become_their_own_series(http_server):
    _, run = load(http_server, "affiliation-researchers-building-artificial-intelligence-systems-all")
    assert run.status == IngestRun.Status.OK, run.error
    names = set(Series.objects.values_list("name", flat=True))
    # The grapher's dimension key ("all_") is no part of a name; slugs keep the column.
    assert {"Collaboration, Academia-leaning", "Collaboration, Industry-leaning", "Collaboration"} <= names
    assert len(names) == 6
    assert Series.objects.filter(slug__endswith="--all_industry", name="Industry").exists()
    assert run.created_count == 6 * 58
    for series in Series.objects.all():
        assert series.points.count() == 58


def test_several_value_columns_each_become_a_series_and_text_columns_do_not(http_server):
    _, run = load(http_server, "ai-performance-knowledge-tests-vs-training-computation")
    assert run.status == IngestRun.Status.OK, run.error
    assert set(Series.objects.values_list("name", flat=True)) == {
        "MMLU avg", "Training computation", "Training dataset size"}
    assert run.created_count == 75  # 25 rows x 3 numeric columns; Organization is an annotation


def test_long_format_by_domain_loads_one_point_per_row(http_server):
    _, run = load(http_server, "cumulative-number-of-large-scale-ai-models-by-domain")
    assert (run.created_count, run.rejected_count) == (84, 0)


def test_second_run_is_unchanged_and_crlf_bytes_update_nothing(http_server):
    chart = "private-investment-in-artificial-intelligence-cset"
    source, first = load(http_server, chart)
    assert run_once(source).status == IngestRun.Status.UNCHANGED
    crlf = snapshot(f"owid/{chart}.csv").read_bytes().replace(b"\n", b"\r\n")
    http_server.answer(f"/grapher/{chart}.csv", Answer(body=crlf))
    third = run_once(source)
    assert third.status == IngestRun.Status.OK
    assert (third.created_count, third.updated_count, third.unchanged_count) == (0, 0, 793)
    assert set(SeriesPoint.objects.values_list("run_id", flat=True)) == {first.pk}


def test_a_bad_value_is_rejected_alone(http_server):
    body = b"Entity,Code,Year,Things\nA,,2020,1\nB,,2020,many\nC,,2020,3\nD,,2021,4\nE,,2022,5\n"
    _, run = load(http_server, "things", body=body)
    assert (run.created_count, run.rejected_count) == (4, 1)
    assert run.rejected_rows[0]["where"] == "line 3, column 'Things'"
    assert "'many' is not a number" in run.rejected_rows[0]["reason"]


def test_a_csv_without_year_or_day_fails_with_a_message(http_server):
    _, run = load(http_server, "not-owid", body=snapshot("epoch/external_benchmark_metr.csv").read_bytes())
    assert run.status == IngestRun.Status.FAILED
    assert "missing column(s) Entity" in run.error
    _, run = load(http_server, "no-time", body=b"Entity,Value\nA,1\n", slug="no-time")
    assert "neither a 'Year' nor a 'Day' column" in run.error


def test_a_chart_title_in_the_options_names_series_whose_columns_carry_only_a_label(http_server):
    chart = "affiliation-researchers-building-artificial-intelligence-systems-all"
    data = snapshot(f"owid/{chart}.csv").read_bytes()
    url = http_server.answer(f"/grapher/{chart}.csv", Answer(body=data))
    source = make_source(chart[:90], "owid", url=url)
    source.options = {"title": "Affiliation of researchers building AI systems"}
    source.save()
    run = run_once(source)
    assert run.status == IngestRun.Status.OK, run.error
    assert Series.objects.get(slug__endswith="--all_industry").name == "Affiliation of researchers building AI systems: Industry"
