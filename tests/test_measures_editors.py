"""Editors add and edit every metric kind in one validated form, over really ingested data,
and see each measure's last value and when it was last checked."""

import pytest
from django.test import Client

from editorial.models import AuditEntry
from ingest.models import Benchmark, Series
from measures.models import Measure
from tests import factories
from tests.editorial_fixtures import client_for, editor, editor_client, fast_passwords, private_cache  # noqa: F401
from tests.measures_fixtures import ingest

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")
URL = "/curate/claims/the-claim/tests/"


@pytest.fixture
def data(db):
    for slug in ("epoch-capabilities-index", "metr-horizons",
                 "owid-affiliation-researchers-building-artificial-intelligence-systems-all"):
        ingest(slug)
    factories.claim(slug="the-claim", title="The claim", kind="assessment")
    return {
        "eci": Benchmark.objects.get(slug="epoch-capabilities-index").pk,
        "metr": Benchmark.objects.get(slug="metr-horizon-p50").pk,
        "industry": Series.objects.get(slug__endswith="--all_industry").pk,
    }


def _post(client, data, **fields):
    form = {"description": "A measure", "comparison": "gte", "expects": "met", "order": "0"}
    form.update({k: (data[v] if v in ("eci", "metr", "industry") else v) for k, v in fields.items()})
    return client.post(URL, form)


KINDS = {
    "frontier_at": ({"kind": "frontier_at", "benchmark": "metr"}, "the longest METR time horizon (50% success) was"),
    "change_since": ({"kind": "change_since", "benchmark": "eci", "window_start": "2024-01-01",
                      "statistic": "difference"}, "Since 1 January 2024 the best Epoch Capabilities Index score rose"),
    "growth_rate": ({"kind": "growth_rate", "benchmark": "metr", "window_start": "2023-01-01",
                     "baseline_end": "2022-12-31", "threshold": "1", "comparison": "gt"}, "Before that it doubled every"),
    "group_lag": ({"kind": "group_lag", "benchmark": "eci", "country": "China", "accessibility": "Open weights",
                   "threshold": "2"}, "Open weights models from China trail the frontier"),
    "gap": ({"kind": "gap", "benchmark": "eci", "organization": "Meta", "threshold": "-5", "comparison": "lt"},
            "the best of Meta&#x27;s models was 133"),
    "gap-models": ({"kind": "gap", "benchmark": "eci", "model_name": "DeepSeek-R1", "other_model_name": "o1",
                    "window_end": "2025-01-31"}, "DeepSeek-R1 scored 140: −3.09 points against o1 (high)"),
    "series_latest": ({"kind": "series_latest", "series": "industry", "entity": "Affiliation"},
                      "The latest figure for Affiliation of researchers building AI systems: Industry (Affiliation) is 20 (2022)."),
    "projected_crossing": ({"kind": "projected_crossing", "benchmark": "metr", "window_start": "2023-01-01",
                            "threshold": "2400"}, "reaches 40 h around"),
}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_each_metric_kind_is_added_checked_at_once_and_listed_with_its_value(editor_client, data, name):
    fields, sentence = KINDS[name]
    response = _post(editor_client, data, **fields)
    assert response.status_code == 302, response.content.decode()[-3000:]
    measure = Measure.objects.get()
    assert measure.kind == fields["kind"] and measure.last_checked is not None
    assert measure.value is not None and measure.run_ids
    page = editor_client.get(URL).content.decode()
    assert sentence in page
    assert "Edit<span class=\"visually-hidden\"> A measure</span>" in page
    assert AuditEntry.objects.filter(action="test.created").exists()


@pytest.mark.parametrize("fields, message", [
    ({"kind": "group_lag", "benchmark": "eci"}, "A lag needs a group"),
    ({"kind": "gap", "benchmark": "eci", "model_name": "DeepSeek-R1"}, "A gap between models names both models."),
    ({"kind": "gap", "benchmark": "eci"}, "A gap needs a group"),
    ({"kind": "projected_crossing", "benchmark": "metr"}, "A projected crossing needs the threshold to cross."),
    ({"kind": "change_since", "benchmark": "eci", "statistic": "median"}, "offers no “median” statistic"),
    ({"kind": "growth_rate", "benchmark": "metr", "window_start": "2025-01-01", "window_end": "2024-01-01"},
     "The end comes before the start."),
    ({"kind": "growth_rate", "benchmark": "metr", "window_start": "2023-01-01", "baseline_end": "2024-01-01"},
     "The earlier window must end by the start of the window."),
    ({"kind": "frontier_at", "benchmark": "metr", "proxy": "on"}, "Say what the series stands in for"),
    ({"kind": "frontier_at", "benchmark": "metr", "attribute": "parameters"}, "Choose one benchmark or one model"),
    ({"kind": "series_latest", "series": "industry", "entity": "Atlantis"}, "“Atlantis” has no values in that series."),
    ({"kind": "frontier_at", "benchmark": "metr", "threshold": "1e999"}, "Enter a number."),
    ({"kind": "no-such-kind"}, "Select a valid choice"),
])
def test_an_incomplete_or_inconsistent_measure_is_refused_with_a_reason(editor_client, data, fields, message):
    response = _post(editor_client, data, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Measure.objects.exists()


def test_fields_the_kind_does_not_use_are_cleared(editor_client, data):
    _post(editor_client, data, kind="frontier_at", benchmark="metr", country="China", other_model_name="o1",
          baseline_end="2022-01-01", proxy_label="unused")
    measure = Measure.objects.get()
    assert (measure.country, measure.other_model_name, measure.baseline_end, measure.proxy_label) == ("", "", None, "")


def test_editing_a_measure_shows_its_last_value_and_rechecks_it(editor, editor_client, data):
    _post(editor_client, data, kind="gap", benchmark="eci", organization="Meta", threshold="-5", comparison="lt")
    measure = Measure.objects.get()
    assert measure.outcome == "met"
    edit = f"{URL}{measure.pk}/edit/"
    page = editor_client.get(edit).content.decode()
    # In the test's own units, as the claim page words it: a gap in points, not a bare float.
    assert f"Last value: {measure.value_display}" in page and "last checked" in page and "met" in page
    assert measure.value_display == f"−{abs(measure.value):.3g} points"
    table = editor_client.get(URL).content.decode()
    assert "the gap of Meta&#x27;s models to the frontier on" in table and measure.value_display in table
    response = editor_client.post(edit, {"description": "Meta trails by more than 30", "kind": "gap",
                                         "benchmark": data["eci"], "organization": "Meta", "threshold": "-30",
                                         "comparison": "lt", "expects": "met", "order": "0"})
    assert response.status_code == 302
    measure.refresh_from_db()
    assert (measure.description, measure.threshold, measure.outcome) == ("Meta trails by more than 30", -30, "not_met")
    entry = AuditEntry.objects.get(action="test.changed")
    assert entry.actor == editor and "threshold" in entry.data["changed"]


def test_editing_is_for_editors_and_scoped_to_the_measures_claim(editor_client, data, django_user_model):
    _post(editor_client, data, kind="frontier_at", benchmark="metr")
    measure = Measure.objects.get()
    edit = f"{URL}{measure.pk}/edit/"
    assert Client().get(edit)["Location"].startswith("/accounts/login/")
    reader = django_user_model.objects.create_user("reader", password="pw")
    assert client_for(reader).get(edit).status_code == 403
    factories.claim(slug="other")
    assert editor_client.get(f"/curate/claims/other/tests/{measure.pk}/edit/").status_code == 404
