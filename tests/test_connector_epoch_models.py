"""Epoch AI model tables over HTTP: every row accepted or rejected with a reason, re-runs idempotent."""

import csv
import io

import pytest

from ingest.models import AIModel, IngestRun

from .ingest_fixtures import Answer, make_source, rejected_reasons, run_once, snapshot

pytestmark = pytest.mark.django_db


def records(data: bytes) -> int:
    reader = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    next(reader)
    return sum(1 for row in reader if row)


def load(http_server, relative, slug="epoch-models-test", **options):
    url = http_server.serve_file(f"/{relative}", snapshot(relative))
    source = make_source(slug, "epoch-models", url=url, **options)
    return source, run_once(source)


def test_notable_models_file_loads_every_row(http_server):
    data = snapshot("epoch/notable_ai_models.csv").read_bytes()
    source, run = load(http_server, "epoch/notable_ai_models.csv", notable=True)
    assert run.status == IngestRun.Status.OK, run.error
    assert records(data) == 954
    assert (run.created_count, run.rejected_count) == (954, 0)
    assert AIModel.objects.count() == 954
    assert AIModel.objects.filter(notable=True).count() == 954
    gpt4 = AIModel.objects.get(key="gpt-4")
    assert gpt4.organization == "OpenAI" and gpt4.training_compute_flop == pytest.approx(2.1e25)
    assert run.upstream.startswith("http://127.0.0.1") and run.http_status == 200


@pytest.mark.parametrize("relative", ["epoch/large_scale_ai_models.csv", "epoch/all_ai_models.csv"])
def test_other_model_tables_load_despite_their_own_column_order(http_server, relative):
    data = snapshot(relative).read_bytes()
    _, run = load(http_server, relative)
    assert run.status == IngestRun.Status.OK, run.error
    assert run.created_count + run.updated_count + run.unchanged_count + run.rejected_count == records(data)
    assert all(entry["reason"] and entry["where"] for entry in run.rejected_rows)
    assert run.created_count == AIModel.objects.count()


def test_all_models_file_rejects_duplicates_and_nameless_rows_with_reasons(http_server):
    _, run = load(http_server, "epoch/all_ai_models.csv")
    reasons = rejected_reasons(run)
    assert run.rejected_count == 6 == len(reasons)
    assert sum("duplicate of model" in r for r in reasons) == 3
    assert sum(r == "no model name" for r in reasons) == 3


def test_excel_resaved_variant_rejects_the_shifted_qwq_row_with_a_reason(http_server):
    data = snapshot("epoch/variants/notable_ai_models_excel-resaved.csv").read_bytes()
    _, run = load(http_server, "epoch/variants/notable_ai_models_excel-resaved.csv")
    assert run.status == IngestRun.Status.OK, run.error
    assert run.created_count + run.rejected_count == records(data) == 954
    shifted = [e for e in run.rejected_rows if e["row"].get("Model") == "QwQ-32B"]
    assert len(shifted) == 1
    assert "383 fields but the header has 368" in shifted[0]["reason"]
    assert "shifted" in shifted[0]["reason"]
    assert shifted[0]["where"].startswith("lines ")
    assert not AIModel.objects.filter(key="qwq-32b").exists()
    # Spreadsheet-style numbers ('1.0692E+025') read as the same floats as the original export.
    assert AIModel.objects.get(key="gpt-4").training_compute_flop == pytest.approx(2.1e25)


def test_second_run_of_the_same_bytes_is_unchanged_and_changes_nothing(http_server):
    source, first = load(http_server, "epoch/notable_ai_models.csv")
    second = run_once(source)
    assert second.status == IngestRun.Status.UNCHANGED
    assert second.sha256 == first.sha256
    assert (second.created_count, second.updated_count) == (0, 0)
    assert AIModel.objects.count() == 954
    assert set(AIModel.objects.values_list("run_id", flat=True)) == {first.pk}


def test_same_data_in_different_bytes_updates_nothing(http_server):
    source, first = load(http_server, "epoch/notable_ai_models.csv")
    crlf = snapshot("epoch/notable_ai_models.csv").read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    http_server.answer("/epoch/notable_ai_models.csv", Answer(body=crlf))
    second = run_once(source)
    assert second.status == IngestRun.Status.OK and second.sha256 != first.sha256
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 0, 954)
    assert set(AIModel.objects.values_list("run_id", flat=True)) == {first.pk}


def test_every_model_points_at_the_run_that_last_wrote_it(http_server):
    source, first = load(http_server, "epoch/notable_ai_models.csv")
    data = snapshot("epoch/notable_ai_models.csv").read_bytes()
    changed = data.replace(b"GPT-4,OpenAI,", b"GPT-4,OpenAI Inc,", 1)
    assert changed != data
    http_server.answer("/epoch/notable_ai_models.csv", Answer(body=changed))
    second = run_once(source)
    assert (second.created_count, second.updated_count) == (0, 1)
    assert AIModel.objects.get(key="gpt-4").run_id == second.pk
    assert AIModel.objects.exclude(key="gpt-4").filter(run=first).count() == 953


def test_a_file_that_is_not_an_epoch_models_table_fails_and_keeps_the_previous_data(http_server):
    source, first = load(http_server, "epoch/notable_ai_models.csv")
    http_server.answer("/epoch/notable_ai_models.csv",
                       Answer(body=snapshot("owid/private-investment-in-artificial-intelligence-cset.csv").read_bytes()))
    failed = run_once(source)
    assert failed.status == IngestRun.Status.FAILED
    assert "missing column(s) Model, Publication date" in failed.error
    assert AIModel.objects.count() == 954


def test_notable_file_fills_power_draw_frontier_flag_and_cost(http_server):
    data = list(csv.DictReader(io.StringIO(snapshot("epoch/notable_ai_models.csv").read_text(encoding="utf-8-sig"))))
    load(http_server, "epoch/notable_ai_models.csv", notable=True)
    frontier = sum(1 for r in data if r["Frontier model"].strip() == "True")
    powered = sum(1 for r in data if r["Training power draw (W)"].strip())
    assert AIModel.objects.filter(frontier_model=True).count() == frontier == 153
    assert AIModel.objects.filter(training_power_draw_w__isnull=False).count() == powered == 954 - 767
    gpt4 = AIModel.objects.get(key="gpt-4")
    row = next(r for r in data if r["Model"] == "GPT-4")
    assert gpt4.training_power_draw_w == pytest.approx(float(row["Training power draw (W)"]))
    assert gpt4.frontier_model is (row["Frontier model"] == "True")
    assert gpt4.training_compute_cost_usd == pytest.approx(40586593, rel=1e-6)


def test_a_frontier_cell_that_is_neither_true_nor_false_rejects_its_row_with_a_reason(tmp_path):
    path = tmp_path / "notable_ai_models.csv"
    path.write_text("Model,Publication date,Parameters,Frontier model\n"
                    "Foo,2025-01-01,1000,True\nBar,2025-01-02,1000,\nBaz,2025-01-03,1000,FALSE\nQux,2025-01-04,1000,maybe\n")
    run = run_once(make_source("notable-models", "epoch-models", path=str(path)))
    assert run.status == IngestRun.Status.OK, run.error
    assert dict(AIModel.objects.values_list("key", "frontier_model")) == {"foo": True, "bar": False, "baz": False}
    assert rejected_reasons(run) == ["Frontier model: 'maybe' is neither true nor false"]


@pytest.mark.parametrize("cell, expected", [
    ("2025-03-11", "2025-03-11"),
    ("2025-03-11 19:27:29", "2025-03-11"),
    ("2025-03-11 23:59:59+00:00", "2025-03-11"),  # Epoch's "Last modified"
    ("2025-03-11T19:27:29Z", "2025-03-11"),
    (" 2025-03-11  19:27:29+00:00 ", "2025-03-11"),  # the cleaning path
    ("2025-03-11T19:27:29-05:00", "not a date"),  # an offset the cleaning never dropped
    ("2025-03-11 19:27:29.5+00:00", "not a date"),
])
def test_timestamps_give_the_date_the_cleaning_gives_and_refuse_what_it_refuses(cell, expected):
    from ingest.connectors.values import BadValue, date

    try:
        got = date(cell, "Last modified").isoformat()
    except BadValue as exc:
        got = "not a date" if "is not a date" in str(exc) else str(exc)
    assert got == expected


def test_repeated_cells_are_cleaned_once_and_each_cell_keeps_its_own_text(tmp_path):
    path = tmp_path / "all_ai_models.csv"
    path.write_text("Model,Publication date,Parameters,Organization,Country (from Organization),Confidence\n"
                    "A,2025-01-01,1,  Google   DeepMind ,United States,Likely\n"
                    "B,2025-01-02,2,Google DeepMind,United  States,Likely\n"
                    "C,2025-01-03,3,  Google   DeepMind ,,Speculative\n"
                    "D,2025-01-04,4,Meta,United States,\n")
    run = run_once(make_source("all-models", "epoch-models", path=str(path)))
    assert run.status == IngestRun.Status.OK, run.error
    assert sorted(AIModel.objects.values_list("key", "organization", "country", "confidence")) == [
        ("a", "Google DeepMind", "United States", "Likely"),
        ("b", "Google DeepMind", "United States", "Likely"),
        ("c", "Google DeepMind", "", "Speculative"),
        ("d", "Meta", "United States", ""),
    ]
