"""CSV and JSON downloads: columns and content, filters, meta block, 400/404, query counts."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.urls import reverse

from claims.downloads import CLAIM_COLUMNS
from claims.models import Evidence, Verdict
from measures.models import Measure
from reader.downloads import BROWSE_COLUMNS

from . import factories


def body(response):
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8")


def without_generated_at(text):
    return re.sub(r'"generated_at": "[^"]*"', '"generated_at": ""', text)


def csv_rows(response_or_text):
    text = response_or_text if isinstance(response_or_text, str) else body(response_or_text)
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.fixture
def world(db):
    ada = factories.person(name="Ada Lovelace-Zoë", slug="ada")
    walls = factories.topic(name="Scaling walls", slug="scaling-walls")
    science = factories.topic(name="AlphaFold and science", slug="alphafold")
    src = factories.source(title="A talk, 2022", url="https://example.org/talk")
    claim = factories.claim(
        slug="walls",
        title="Deep learning is hitting a wall",
        statement="Deep learning is approaching its limits.",
        quote="Deep learning is hitting a wall — «vraiment», she said, \"and soon\".",
        person=ada,
        source=src,
        topics=[walls, science],
        date_made=dt.date(2022, 3, 1),
        date_precision="month",
        kind="prediction",
        status="contradicted",
        verdict_rationale="Scores on hard benchmarks kept rising after 2022.",
    )
    Evidence.objects.create(
        claim=claim, source=src, stance="contradicts", strength=3, tier="official", state="accepted",
        summary="GPQA scores doubled.", note="Checked against Epoch data.",
    )
    Evidence.objects.create(claim=claim, source=src, state="rejected", summary="Rejected hearsay.")
    Verdict.objects.create(
        claim=claim, status="contradicted", rationale="Benchmarks kept rising.", as_of=dt.date(2024, 1, 1),
        as_of_precision="year",
    )
    factories.claim(slug="open-one", title="An open assessment", status="open", kind="assessment")
    factories.claim(slug="a-draft", title="Draft nobody may download", editorial_state="draft")
    return {"claim": claim}


def test_claims_csv_has_the_documented_columns_and_the_claims_content(client, world):
    response = client.get(reverse("reader:claims_csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="claimwatch-claims-')
    assert response["Content-Disposition"].endswith('.csv"')
    text = body(response)  # streamed: it can be read only once
    assert text.splitlines()[0] == ",".join(BROWSE_COLUMNS)
    rows = {row["slug"]: row for row in csv_rows(text)}
    assert set(rows) == {"walls", "open-one"}
    row = rows["walls"]
    assert row["quote"] == "Deep learning is hitting a wall — «vraiment», she said, \"and soon\"."
    assert row["person"] == "Ada Lovelace-Zoë"
    assert row["date_made"] == "2022-03" and row["date_precision"] == "month"
    assert row["kind"] == "prediction" and row["status"] == "contradicted"
    assert row["topics"] == "AlphaFold and science; Scaling walls"
    assert row["source_title"] == "A talk, 2022" and row["source_url"] == "https://example.org/talk"
    assert row["permalink"] == "http://testserver/claims/walls/"
    assert dt.datetime.fromisoformat(row["updated"]).tzinfo is not None


def test_claims_csv_is_streamed(client, world):
    assert client.get(reverse("reader:claims_csv")).streaming


def test_downloads_honour_the_browse_filters(client, world):
    rows = csv_rows(client.get(reverse("reader:claims_csv"), {"status": "open"}))
    assert [r["slug"] for r in rows] == ["open-one"]
    data = json.loads(body(client.get(reverse("reader:claims_json"), {"person": "ada", "kind": "prediction"})))
    assert [c["slug"] for c in data["data"]] == ["walls"]
    assert data["meta"]["query"] == {"person": "ada", "kind": "prediction"}


def test_downloads_hold_exactly_the_claims_the_browse_filters_match(client, db):
    """The download finds its matches in the facet table; every combination of facets gives the
    claims the browse filters give on the claims' own columns, in the same order."""
    import itertools

    from claims.forms import BrowseForm
    from claims.models import Claim

    made, folks, subjects = factories.many_claims(24, evidence_per_claim=0)
    for i, claim in enumerate(made):
        claim.kind = ("prediction", "assessment", "recommendation")[i % 3]
        claim.date_made = None if i % 7 == 0 else dt.date(2019 + i % 4, 1 + i % 12, 1)
        claim.person = None if i % 11 == 0 else claim.person
        claim.save()
    values = {"topic": [subjects[0].slug, subjects[2].slug], "person": [folks[1].slug, "none"],
              "status": ["open", "resolved_true"], "kind": ["prediction", "recommendation"],
              "year": ["2020", "unknown"]}
    checked = 0
    for names in itertools.chain(itertools.combinations(values, 1), itertools.combinations(values, 2)):
        for chosen in itertools.product(*(values[n] for n in names)):
            query = dict(zip(names, chosen))
            form = BrowseForm(query)
            assert form.is_valid(), form.errors
            expected = list(form.sorted(form.filter(Claim.objects.for_list())).values_list("slug", flat=True))
            assert [r["slug"] for r in csv_rows(client.get(reverse("reader:claims_csv"), query))] == expected, query
            checked += bool(expected)
    assert checked > 20  # most combinations match some claims


def test_downloads_hold_every_result_not_one_page(client, db):
    factories.many_claims(30, evidence_per_claim=0)
    rows = csv_rows(client.get(reverse("reader:claims_csv"), {"page": "1"}))
    assert len(rows) == 30


@pytest.mark.parametrize("name", ["claims_csv", "claims_json"])
def test_a_browse_download_is_gzipped_as_it_streams_when_the_client_accepts_it(client, db, monkeypatch, name):
    import gzip

    from claims import download_rows

    monkeypatch.setattr(download_rows, "CHUNK_SIZE", 7)  # several chunks, each compressed as it comes
    factories.many_claims(30, evidence_per_claim=0)
    plain = client.get(reverse(f"reader:{name}"))
    assert "Content-Encoding" not in plain and "Accept-Encoding" in plain["Vary"]
    zipped = client.get(reverse(f"reader:{name}"), headers={"accept-encoding": "gzip"})
    assert zipped.streaming and zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    raw = b"".join(zipped.streaming_content)
    text = gzip.decompress(raw).decode()
    assert without_generated_at(text) == without_generated_at(body(plain))
    assert text.count("http://testserver/claims/claim-") == 30 and len(raw) < len(text.encode()) / 2


def test_claims_json_has_meta_and_data(client, world):
    response = client.get(reverse("reader:claims_json") + "?status=contradicted")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.json"')
    payload = json.loads(body(response))
    meta = payload["meta"]
    assert meta["source"] == "Claimwatch"
    assert meta["licence"] == "CC BY 4.0"
    assert meta["query"] == {"status": "contradicted"}
    assert meta["url"] == "http://testserver/claims.json?status=contradicted"
    assert dt.datetime.fromisoformat(meta["generated_at"]).tzinfo is not None
    [claim] = payload["data"]
    assert claim["quote"].startswith("Deep learning is hitting a wall — «vraiment»")
    assert claim["person"] == "Ada Lovelace-Zoë"
    assert claim["topics"] == ["AlphaFold and science", "Scaling walls"]
    assert set(claim) == set(BROWSE_COLUMNS)


def test_json_is_utf8_not_ascii_escapes(client, world):
    raw = b"".join(client.get(reverse("reader:claims_json")).streaming_content)
    assert "«vraiment»".encode() in raw


def test_empty_result_is_still_valid_json_and_csv(client, world):
    assert json.loads(body(client.get(reverse("reader:claims_json"), {"status": "unresolvable"})))["data"] == []
    assert body(client.get(reverse("reader:claims_csv"), {"status": "unresolvable"})).strip() == ",".join(
        BROWSE_COLUMNS
    )


def test_drafts_are_never_downloaded(client, world):
    assert "Draft nobody may download" not in body(client.get(reverse("reader:claims_csv")))
    assert "Draft nobody may download" not in body(client.get(reverse("reader:claims_json")))


@pytest.mark.parametrize("name", ["claims_csv", "claims_json"])
@pytest.mark.parametrize("query", ["status=maybe", "kind=prophecy", "page=-1", "person=no%20slug!"])
def test_bad_filters_are_a_400(client, world, name, query):
    response = client.get(reverse(f"reader:{name}") + "?" + query)
    assert response.status_code == 400
    assert b"Invalid filter" in response.content


def test_claim_json_has_the_claim_its_accepted_evidence_and_verdict_history(client, world):
    response = client.get(reverse("reader:claim_json", args=["walls"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="claimwatch-claim-walls-')
    payload = json.loads(response.content)
    assert payload["meta"]["licence"] == "CC BY 4.0" and payload["meta"]["query"] == {"slug": "walls"}
    data = payload["data"]
    assert data["title"] == "Deep learning is hitting a wall"
    assert data["person"] == "Ada Lovelace-Zoë"
    assert [e["summary"] for e in data["evidence"]] == ["GPQA scores doubled."]
    evidence = data["evidence"][0]
    assert evidence["stance"] == "contradicts" and evidence["strength"] == "strong"
    assert evidence["note"] == "Checked against Epoch data." and evidence["url"] == "https://example.org/talk"
    [verdict] = data["verdicts"]
    assert verdict["status"] == "contradicted" and verdict["as_of"] == "2024"
    assert verdict["rationale"] == "Benchmarks kept rising."


def test_claim_csv_has_a_claim_row_then_evidence_and_verdict_rows(client, world):
    response = client.get(reverse("reader:claim_csv", args=["walls"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(response)
    assert [r["record"] for r in rows] == ["claim", "evidence", "verdict"]
    assert all(r["slug"] == "walls" and r["person"] == "Ada Lovelace-Zoë" for r in rows)
    claim_row, evidence_row, verdict_row = rows
    assert claim_row["evidence_summary"] == "" and claim_row["verdict_status"] == ""
    assert evidence_row["evidence_summary"] == "GPQA scores doubled." and evidence_row["verdict_status"] == ""
    assert verdict_row["verdict_status"] == "contradicted" and verdict_row["evidence_summary"] == ""
    assert verdict_row["verdict_as_of"] == "2024"


@pytest.mark.parametrize("name", ["claim_csv", "claim_json"])
@pytest.mark.parametrize("slug", ["no-such-claim", "a-draft"])
def test_unknown_or_unpublished_claim_is_a_404(client, world, name, slug):
    assert client.get(reverse(f"reader:{name}", args=[slug])).status_code == 404


def test_download_urls_do_not_shadow_the_claim_pages(client, world):
    assert client.get("/claims/walls/").status_code == 200
    assert client.get("/claims/").status_code == 200


@pytest.mark.parametrize("n", [10, 100], ids=["10-claims", "100-claims"])
@pytest.mark.parametrize("name", ["claims_csv", "claims_json"])
def test_browse_downloads_use_a_fixed_number_of_queries(client, db, n, name, django_assert_num_queries):
    from django.db import connection

    made, _, _ = factories.many_claims(n)
    # On PostgreSQL a chunk's stored lines come joined, with which claims have measures (none
    # here), so no measure is read; elsewhere the lines come one by one with every claim's measures.
    joined = connection.vendor == "postgresql"
    # The first download builds every claim's stored line, in a fixed number of queries too: the
    # claims generation and the match count (cached after), the part's ids, (the claims' slugs,
    # their measures,) their lines (none yet), then for those claims their topic names and rows,
    # and the lines' upsert in a savepoint.
    with django_assert_num_queries(9 if joined else 11):
        text = body(client.get(reverse(f"reader:{name}")))
    assert text.count("http://testserver/claims/claim-") == n
    # After that: the ids, (the slugs, the measures,) the stored lines.
    with django_assert_num_queries(2 if joined else 4):
        assert without_generated_at(body(client.get(reverse(f"reader:{name}")))) == without_generated_at(text)
    # Claims with measures: theirs are read, in one query per chunk.
    for claim in made[:3]:
        Measure.objects.create(claim=claim, kind="frontier_at", attribute="training_compute_flop",
                               description=f"Measure of {claim.slug}")
    with django_assert_num_queries(3 if joined else 4):
        text = body(client.get(reverse(f"reader:{name}")))
    assert all(f"Measure of {claim.slug}" in text for claim in made[:3]) and text.count("Measure of") == 3


@pytest.mark.parametrize("n", [10, 100], ids=["10-evidence", "100-evidence"])
@pytest.mark.parametrize("name", ["claim_csv", "claim_json"])
def test_claim_download_uses_a_fixed_number_of_queries(client, db, n, name, django_assert_num_queries):
    [claim], _, _ = factories.many_claims(1, evidence_per_claim=n)
    with django_assert_num_queries(4):  # claim, its topics, accepted evidence, verdicts
        response = client.get(reverse(f"reader:{name}", args=[claim.slug]))
    assert response.status_code == 200


def test_browse_and_single_claim_downloads_describe_a_claim_identically(client, world):
    listed = next(c for c in json.loads(body(client.get(reverse("reader:claims_json"))))["data"] if c["slug"] == "walls")
    single = json.loads(client.get(reverse("reader:claim_json", args=["walls"])).content)["data"]
    assert {k: listed[k] for k in CLAIM_COLUMNS} == {k: single[k] for k in CLAIM_COLUMNS}
    assert listed["verdict_rationale"] == single["verdict_rationale"] == "Scores on hard benchmarks kept rising after 2022."
    assert listed["evidence_count"] == len(single["evidence"]) == 1


def test_a_claim_without_person_source_or_date_downloads_as_blanks(client, db):
    factories.claim(slug="bare", person=None, source=None, date_made=None, date_precision="unknown")
    [row] = csv_rows(client.get(reverse("reader:claims_csv")))
    assert (row["person"], row["source_title"], row["source_url"], row["date_made"], row["topics"]) == ("", "", "", "", "")


@pytest.fixture
def measured(world):
    """walls has a checked primary measure and an unchecked second one; open-one has none."""
    checked = dt.datetime(2026, 11, 30, 6, 0, tzinfo=dt.UTC)
    claim = world["claim"]
    Measure.objects.create(claim=claim, kind="frontier_at", attribute="training_compute_flop", order=0,
                           description="Largest training run, unchecked")
    Measure.objects.create(
        claim=claim, kind="frontier_at", attribute="training_compute_flop", is_primary=True, order=1,
        description="Largest training run by 2025", sentence="The largest run reached 5e26 FLOP by 2025.",
        outcome=Measure.Outcome.NOT_MET, expects=Measure.Expects.NOT_MET, last_checked=checked,
    )
    return {**world, "checked": checked}


def test_browse_downloads_carry_verdict_evidence_count_and_the_primary_measure(client, measured):
    rows = {row["slug"]: row for row in csv_rows(client.get(reverse("reader:claims_csv")))}
    walls, bare = rows["walls"], rows["open-one"]
    assert walls["status"] == "contradicted" and walls["status_label"] == "contradicted so far"
    assert walls["verdict_rationale"] == "Scores on hard benchmarks kept rising after 2022."
    assert walls["evidence_count"] == "1"  # the rejected item does not count
    assert walls["measure_count"] == "2"
    # The primary measure, though it is not first by order.
    assert walls["measure_description"] == "Largest training run by 2025"
    assert walls["measure_sentence"] == "The largest run reached 5e26 FLOP by 2025."
    assert walls["measure_outcome"] == "not_met"
    assert dt.datetime.fromisoformat(walls["measure_checked"]) == measured["checked"]
    assert (bare["status_label"], bare["verdict_rationale"], bare["evidence_count"]) == ("open", "", "0")
    assert [bare[c] for c in ("measure_count", "measure_description", "measure_sentence", "measure_outcome",
                              "measure_checked")] == ["0", "", "", "", ""]


def test_browse_csv_and_json_carry_identical_records(client, measured):
    csv_records = csv_rows(client.get(reverse("reader:claims_csv")))
    json_records = json.loads(body(client.get(reverse("reader:claims_json"))))["data"]
    assert [r["slug"] for r in json_records] == [r["slug"] for r in csv_records]
    assert [list(r) for r in json_records] == [BROWSE_COLUMNS] * len(csv_records)

    def as_csv(record):
        return {k: "; ".join(v) if isinstance(v, list) else str(v) for k, v in record.items()}

    assert [as_csv(r) for r in json_records] == csv_records
    walls = next(r for r in json_records if r["slug"] == "walls")
    assert walls["measure_count"] == 2 and walls["evidence_count"] == 1


# --- The stored lines (claims/download_rows.py): the same bytes, and never stale -------------


def test_browse_downloads_are_the_bytes_the_csv_writer_and_json_encoder_write(client, measured):
    """Stored in parts and joined, each line is still exactly what csv.writer and json.dumps
    write for its record: parsed and written again, the files come back byte for byte."""
    factories.claim(slug="odd", title='Commas, "quotes"\nand a line break', quote="\u00ab\u2009\u00bb \\ \t",
                    statement="", person=None, source=None, date_made=None, date_precision="unknown")
    for _ in range(2):  # built, then read from the store
        text = body(client.get(reverse("reader:claims_csv")))
        again = io.StringIO()
        csv.writer(again).writerows(csv.reader(io.StringIO(text, newline="")))
        assert text == again.getvalue() and "odd" in text
        raw = body(client.get(reverse("reader:claims_json")))
        payload = json.loads(raw)
        assert {r["slug"] for r in payload["data"]} == {"walls", "open-one", "odd"}
        expected = ('{"meta": ' + json.dumps(payload["meta"], ensure_ascii=False) + ', "data": [' + "".join(
            ("," if i else "") + "\n" + json.dumps(r, ensure_ascii=False) for i, r in enumerate(payload["data"]))
            + "\n]}\n")
        assert raw == expected


def test_every_chunk_of_a_large_download_is_sent_in_order(client, db, monkeypatch):
    from claims import download_rows

    monkeypatch.setattr(download_rows, "CHUNK_SIZE", 7)
    made, _, _ = factories.many_claims(30, evidence_per_claim=0)
    order = [r["slug"] for r in csv_rows(client.get(reverse("reader:claims_csv")))]
    made[3].title = "Edited"
    made[3].save()  # one stale line in the middle of a chunk
    again = csv_rows(client.get(reverse("reader:claims_csv")))
    assert [r["slug"] for r in again] == order and len(order) == 30
    assert next(r for r in again if r["slug"] == made[3].slug)["title"] == "Edited"
    data = json.loads(body(client.get(reverse("reader:claims_json"))))["data"]
    assert [r["slug"] for r in data] == order


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_lines_joined_by_the_database_are_the_lines_joined_one_by_one(client, db, monkeypatch, fmt):
    """PostgreSQL joins a chunk's lines into pieces that end at each claim with measures; the
    file is byte for byte the one the lines read one by one make, whatever falls where: measured
    claims first, last and next to each other in a chunk, stale lines among them, measured or not."""
    from claims import download_rows
    from reader import downloads

    monkeypatch.setattr(download_rows, "CHUNK_SIZE", 7)
    made, _, _ = factories.many_claims(30, evidence_per_claim=0)
    order = [r["slug"] for r in csv_rows(client.get(reverse("reader:claims_csv")))]
    by_slug = {c.slug: c for c in made}
    for at in (0, 6, 7, 8, 9, 13, 20, 29):  # first and last of chunks, and a run of three
        Measure.objects.create(claim=by_slug[order[at]], kind="frontier_at", attribute="training_compute_flop",
                               description=f"Measure {at}", sentence="Said, \"quoted\",\nand broken.")
    for at in (8, 14, 15, 29):  # stale lines, measured (8, 29) and not
        claim = by_slug[order[at]]
        claim.statement = f"Edited {at}"
        claim.save()

    def download():
        return without_generated_at(body(client.get(reverse(f"reader:claims_{fmt}"))))

    joined = download()
    monkeypatch.setattr(downloads, "database_joins", lambda: False)
    one_by_one = download()
    assert joined == one_by_one
    assert joined.count("Measure ") == 8 and joined.count("Edited ") == 4
    records = csv_rows(joined) if fmt == "csv" else json.loads(joined)["data"]
    assert [r["slug"] for r in records] == order
    assert [str(r["measure_count"]) for r in records] == ["1" if i in (0, 6, 7, 8, 9, 13, 20, 29) else "0"
                                                          for i in range(30)]


def walls_row(client, fmt="csv", **query):
    if fmt == "json":
        data = json.loads(body(client.get(reverse("reader:claims_json"), query)))["data"]
        return next((r for r in data if r["slug"] == "walls"), None)
    return next((r for r in csv_rows(client.get(reverse("reader:claims_csv"), query)) if r["slug"] == "walls"), None)


@pytest.fixture
def stored(client, world):
    """walls' stored line exists (a first download built it)."""
    from claims.models import DownloadRow

    assert walls_row(client)["title"] == "Deep learning is hitting a wall"
    assert DownloadRow.objects.filter(claim=world["claim"]).exists()
    return world


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_an_edited_claim_downloads_as_edited(client, stored, fmt):
    claim = stored["claim"]
    claim.refresh_from_db()  # its evidence_count as the evidence left it
    claim.title, claim.status, claim.verdict_rationale = "A wall after all?", "mixed", "Now mixed."
    claim.save()
    row = walls_row(client, fmt)
    assert (row["title"], row["status"], row["status_label"], row["verdict_rationale"]) == (
        "A wall after all?", "mixed", "mixed evidence", "Now mixed.")


def test_accepted_evidence_moves_the_count(client, stored):
    claim = stored["claim"]
    Evidence.objects.create(claim=claim, source=claim.source, stance="supports", state="accepted", summary="more")
    assert walls_row(client)["evidence_count"] == "2"
    Evidence.objects.filter(claim=claim, summary="more").get().delete()
    assert walls_row(client, "json")["evidence_count"] == 1


def test_a_renamed_person_or_source_downloads_renamed(client, stored):
    claim = stored["claim"]
    claim.person.name = "Ada King"
    claim.person.save()
    assert walls_row(client)["person"] == "Ada King"
    claim.source.title, claim.source.url = "The talk, revised", "https://example.org/revised"
    claim.source.save()
    row = walls_row(client)
    assert (row["person"], row["source_title"], row["source_url"]) == (
        "Ada King", "The talk, revised", "https://example.org/revised")


def test_an_edit_the_lines_do_not_show_keeps_them_and_a_rename_drops_them(client, stored):
    from claims.models import DownloadRow, Topic

    claim = stored["claim"]
    held = DownloadRow.objects.filter(claim=claim)
    claim.person.bio = "A new biography."
    claim.person.save()
    walls = Topic.objects.get(slug="scaling-walls")
    walls.description = "Said again."
    walls.save()
    assert held.exists()  # neither is in a line: nothing to rebuild
    walls.name = "Walls of scaling"
    walls.save()
    assert not held.exists()
    assert walls_row(client)["topics"] == "AlphaFold and science; Walls of scaling"
    assert held.exists()


def test_topic_renames_links_and_deletes_show_at_once(client, stored):
    from claims.models import Topic

    claim = stored["claim"]
    walls = Topic.objects.get(slug="scaling-walls")
    walls.name = "Walls of scaling"
    walls.save()
    assert walls_row(client)["topics"] == "AlphaFold and science; Walls of scaling"
    claim.topics.remove(walls)
    assert walls_row(client)["topics"] == "AlphaFold and science"
    extra = factories.topic(name="Benchmarks")
    extra.claims.add(claim)  # from the topic's side
    assert walls_row(client, "json")["topics"] == ["AlphaFold and science", "Benchmarks"]
    extra.claims.clear()
    assert walls_row(client)["topics"] == "AlphaFold and science"
    claim.topics.add(extra)
    Topic.objects.get(slug="alphafold").delete()
    assert walls_row(client)["topics"] == "Benchmarks"
    claim.topics.clear()
    assert walls_row(client, "json")["topics"] == []


def test_measures_added_edited_and_rechecked_in_bulk_show_at_once(client, stored):
    claim = stored["claim"]
    measure = Measure.objects.create(claim=claim, kind="frontier_at", attribute="training_compute_flop",
                                     is_primary=True, description="Largest run by 2025")
    row = walls_row(client)
    assert (row["measure_count"], row["measure_description"]) == ("1", "Largest run by 2025")
    checked = dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC)
    # As an ingest's re-check writes results: an UPDATE, no signal.
    Measure.objects.filter(pk=measure.pk).update(outcome=Measure.Outcome.MET, last_checked=checked)
    row = walls_row(client, "json")
    assert row["measure_outcome"] == "met" and dt.datetime.fromisoformat(row["measure_checked"]) == checked
    measure.delete()
    assert walls_row(client)["measure_count"] == "0"


def test_an_unpublished_claim_leaves_the_download(client, stored):
    claim = stored["claim"]
    claim.editorial_state = "draft"
    claim.save()
    assert walls_row(client) is None
    claim.delete()
    assert walls_row(client, "json") is None


def test_a_line_built_from_an_older_claim_is_never_sent(client, stored):
    """A download that read the claim before an edit and stores its line after it (a race): the
    line's stamp is the old ``updated``, so the next download rebuilds it."""
    from claims import download_rows
    from claims.models import Claim, DownloadRow

    claim = stored["claim"]
    old = DownloadRow.objects.get(claim=claim)
    Claim.objects.filter(pk=claim.pk).update(title="Edited meanwhile")
    claim.refresh_from_db()
    claim.save()  # the edit: a new `updated`, its row deleted by nothing
    old.save()  # the racing download's line, built from the claim before the edit
    assert walls_row(client)["title"] == "Edited meanwhile"
    assert DownloadRow.objects.get(claim=claim).claim_updated == Claim.objects.get(pk=claim.pk).updated
    DownloadRow.objects.filter(claim=claim).update(format=download_rows.FORMAT + 1, csv_head="stale,")
    assert walls_row(client)["slug"] == "walls"  # a row of another format is rebuilt, not read


def test_a_migration_fills_the_lines_claims_loaded_in_bulk_lack(db, world):
    from claims import download_rows
    from claims.models import DownloadRow

    DownloadRow.objects.all().delete()
    download_rows.after_migrate(sender=None, using="default", plan=[("claims", "0013")])
    assert set(DownloadRow.objects.values_list("claim__slug", flat=True)) == {"walls", "open-one"}
    DownloadRow.objects.all().delete()
    download_rows.after_migrate(sender=None, using="default", plan=[])  # applied nothing: reads nothing
    assert not DownloadRow.objects.exists()


def test_renaming_a_large_topic_rebuilds_its_lines_on_a_worker(client, db, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    from django.db import transaction

    from claims import download_rows
    from claims.models import DownloadRow

    monkeypatch.setattr(download_rows, "REBUILD_ON_WORKER_ABOVE", 5)
    made, _, topics = factories.many_claims(12, evidence_per_claim=0)
    body(client.get(reverse("reader:claims_csv")))  # every line stored
    topic = topics[0]
    members = set(topic.claims.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        topic.name = "Renamed"
        topic.save()
    # Forgotten, then rebuilt by the (eager) worker task once the rename committed.
    rows = dict(DownloadRow.objects.filter(claim__in=members).values_list("claim_id", "csv_head"))
    assert set(rows) == members and all("Renamed" in head for head in rows.values())
