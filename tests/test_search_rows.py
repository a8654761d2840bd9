"""The stored search rows stay exact after every kind of edit: on PostgreSQL the narrow search
table browse under ?q= ranks over (claims.ClaimSearch, migration 0013_claim_search_rows), on
SQLite the FTS5 rows of claims (claims/fts.py). Each test edits through the ORM (save, queryset
update, m2m, delete) and then compares every stored row with one worked out from the claims."""

import datetime as dt

import pytest
from django.db import connection

from claims.models import Claim, Person

from . import factories

pytestmark = pytest.mark.django_db


def stored() -> list[tuple]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT claim_id, document::text, title, date_made, updated, evidence_count, person_id,"
                           " status, kind, topic_ids FROM claims_claimsearch ORDER BY claim_id")
        else:
            cursor.execute("SELECT rowid, title, body, person FROM claims_claim_fts ORDER BY rowid")
        return [tuple(row) for row in cursor.fetchall()]


def expected() -> list[tuple]:
    """What the rows should hold, from the claims: on PostgreSQL the published claims with their
    stored document (its own triggers: tests/test_search_index.py) and their sorted topics; on
    SQLite every claim's title, statement and quote, and person's name."""
    claims = Claim.objects.order_by("pk").select_related("person").prefetch_related("topics")
    if connection.vendor != "postgresql":
        return [(c.pk, c.title, f"{c.statement}\n{c.quote}", c.person.name if c.person else "") for c in claims]
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, search_document::text FROM claims_claim")
        documents = dict(cursor.fetchall())
    return [(c.pk, documents[c.pk], c.title, c.date_made, c.updated, c.evidence_count, c.person_id, c.status, c.kind,
             sorted(t.pk for t in c.topics.all()))
            for c in claims if c.editorial_state == Claim.EditorialState.PUBLISHED]


@pytest.fixture
def claims():
    topics = [factories.topic(slug=f"t{i}", name=f"Topic {i}") for i in range(3)]
    people = [factories.person(slug="ann", name="Ann Wall"), factories.person(slug="bo", name="Bo Stone")]
    made = [factories.claim(title=f"Claim {i} on scaling", quote=f"Quote {i}.", person=people[i % 2] if i % 3 else None,
                            topics=topics[: i % 4], date_made=dt.date(2020 + i, 1, 1) if i % 2 else None)
            for i in range(6)]
    made.append(factories.claim(title="A draft", editorial_state=Claim.EditorialState.DRAFT, person=people[0]))
    return made, topics, people


def stored_lexemes() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT claim_id, lexeme, rank, date_made, person_id, status, kind, topic_ids"
                       " FROM claims_claimlexeme ORDER BY claim_id, lexeme")
        return [tuple(row) for row in cursor.fetchall()]


def expected_lexemes() -> list[tuple]:
    """The lexeme rows worked out from the claims table: every lexeme of each published claim's
    document, its rank under that lexeme alone, the claim's facet values and sorted topics."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT c.id, l.lexeme, ts_rank(c.search_document, claims_lexeme_query(l.lexeme)), c.date_made,
                   c.person_id, c.status, c.kind,
                   ARRAY(SELECT topic_id FROM claims_claim_topics WHERE claim_id = c.id ORDER BY topic_id)
            FROM claims_claim c, unnest(c.search_document) l
            WHERE c.editorial_state = 'published' ORDER BY c.id, l.lexeme""")
        return [tuple(row) for row in cursor.fetchall()]


def check():
    rows = stored()
    assert rows == expected()
    if connection.vendor == "postgresql":
        lexemes = stored_lexemes()
        assert lexemes == expected_lexemes()
        # Every published claim's every lexeme: none left out, none of a claim gone or unpublished.
        assert {r[0] for r in lexemes} == {r[0] for r in rows}
    return rows


def test_the_rows_are_whole_after_claims_are_made(claims):
    rows = check()
    published = [c for c in claims[0] if c.editorial_state == Claim.EditorialState.PUBLISHED]
    assert len(rows) == (len(published) if connection.vendor == "postgresql" else len(claims[0]))


def test_an_edit_saved_rewrites_its_row(claims):
    claim = claims[0][1]
    claim.title, claim.statement, claim.date_made = "Energy walls", "New words.", dt.date(2019, 5, 1)
    claim.status = Claim.Status.RESOLVED_TRUE
    claim.save()
    rows = check()
    assert any("Energy walls" in str(row) for row in rows)


def test_a_queryset_update_rewrites_the_rows_it_touches(claims):
    Claim.objects.filter(pk__in=[c.pk for c in claims[0][:3]]).update(quote="Updated without save.", evidence_count=7,
                                                                       kind=Claim.Kind.choices[-1][0])
    rows = check()
    touched = {c.pk for c in claims[0][:3]}
    if connection.vendor == "postgresql":
        assert {r[0] for r in rows if r[5] == 7} == touched  # evidence_count copied
    else:
        assert {r[0] for r in rows if r[2].endswith("Updated without save.")} == touched  # body: statement, quote


def test_publishing_and_unpublishing_add_and_remove_a_row(claims):
    draft, first = claims[0][-1], claims[0][0]
    draft.editorial_state = Claim.EditorialState.PUBLISHED
    draft.save()
    first.editorial_state = Claim.EditorialState.DRAFT
    first.save()
    rows = check()
    if connection.vendor == "postgresql":
        assert draft.pk in [r[0] for r in rows] and first.pk not in [r[0] for r in rows]


def test_topic_changes_rewrite_the_topic_list(claims):
    (made, topics, _) = claims
    made[0].topics.add(topics[2], topics[0])
    made[3].topics.remove(topics[1])
    made[2].topics.clear()
    made[1].topics.set([topics[2]])
    rows = check()
    if connection.vendor == "postgresql":
        assert {r[0]: r[-1] for r in rows}[made[0].pk] == sorted([topics[0].pk, topics[2].pk])


def test_a_deleted_claim_loses_its_row(claims):
    gone = claims[0][2]
    gone.delete()
    rows = check()
    assert gone.pk not in [r[0] for r in rows]


def test_a_persons_rename_and_a_claims_new_person_rewrite_the_rows(claims):
    ann = Person.objects.get(slug="ann")
    ann.name = "Ann Brownout"
    ann.save()
    claim = claims[0][1]
    claim.person = Person.objects.get(slug="bo")
    claim.save()
    rows = check()
    assert any("brownout" in str(row).lower() for row in rows)



def test_an_update_that_changes_nothing_copied_leaves_the_row_alone(claims):
    """An evidence save recounts its claim's evidence, most often to the same number: the row
    (and its GIN entries) is rewritten only when a copied value changed."""
    from django.db.models import F

    claim = claims[0][1]

    def where():
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM claims_claimsearch WHERE claim_id = %s", [claim.pk])
            return cursor.fetchone()[0]

    before = where()
    Claim.objects.filter(pk=claim.pk).update(evidence_count=F("evidence_count"), slug=F("slug"))
    assert where() == before
    check()
    Claim.objects.filter(pk=claim.pk).update(evidence_count=F("evidence_count") + 1)
    assert connection.vendor != "postgresql" or where() != before
    rows = check()
    if connection.vendor == "postgresql":
        assert {r[0]: r[5] for r in rows}[claim.pk] == claim.evidence_count + 1


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_the_ranked_read_uses_the_bitmap_and_leaves_the_planner_as_it_found_it(claims):
    from django.db import transaction

    from claims import text_match
    from claims.search import search_claims

    ranked = list(search_claims(Claim.objects.published(), "scaling").values_list("pk", flat=True))
    assert len(ranked) == 6 and list(text_match._read("scaling").ids) == ranked
    if connection.vendor != "postgresql":
        # SQLite ranks with FTS5; the PostgreSQL table is never made there.
        assert "claims_claimsearch" not in connection.introspection.table_names()
        return
    with connection.cursor() as cursor, text_match._matched_pages_only():
        assert _setting("enable_seqscan") == "off"
        cursor.execute("EXPLAIN " + text_match._RANKED, ["english", "scaling"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on claims_claimsearch_document" in plan, plan
    assert _setting("enable_seqscan") == "on"
    with transaction.atomic():
        assert text_match._read("quote").ids and _setting("enable_seqscan") == "on"
    assert text_match.ordered("scaling", "date") and _setting("enable_seqscan") == "on"


@pytest.mark.parametrize("searched", ["models", "feed_items"])
def test_the_groups_without_a_stored_document_match_through_their_expression_index(db, searched):
    """The feed items' index (migration 0014) is on the very document the ORM writes: with
    sequential scans priced out, the plan of their match is the index's (were the fields in
    claims/search.py to change, it would be a sequential scan again). Both groups find their match."""
    from django.utils import timezone

    from claims import search
    from ingest.models import AIModel, DataSource, FeedItem, IngestRun

    source = DataSource.objects.create(slug="src", name="Test", kind="epoch-models", publisher="Epoch AI",
                                       licence="CC BY 4.0")
    run = IngestRun.objects.create(source=source, status="ok", finished_at=timezone.now())
    AIModel.objects.create(key="m1", name="Scaling model", organization="Lab", task="compute planning", run=run)
    AIModel.objects.create(key="m2", name="Other model", organization="Lab", run=run)
    FeedItem.objects.create(source=source, guid="g1", title="On scaling", summary="Compute walls.", run=run)
    FeedItem.objects.create(source=source, guid="g2", title="Elsewhere", summary="Nothing.", run=run)
    queryset = {"models": search.search_models(AIModel.objects.all(), "scaling compute"),
                "feed_items": search.search_feed_items(FeedItem.objects.all(), "scaling compute")}[searched]
    assert [str(row) for row in queryset] == [{"models": "Scaling model", "feed_items": "On scaling"}[searched]]
    if connection.vendor != "postgresql":
        return  # matched with LIKE: no document to index
    if searched == "models":
        # No index on purpose (migration 0014): it would cost every Epoch run more than it saves.
        assert not _has_index("ingest_aimodel_search_gin")
        return
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        try:
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan")
    assert "Bitmap Index Scan on ingest_feeditem_search_gin" in plan, plan


def _has_index(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_indexes WHERE indexname = %s", [name])
        return cursor.fetchone() is not None


def _lexeme_rows(claim_id) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT lexeme, rank, status, topic_ids FROM claims_claimlexeme WHERE claim_id = %s", [claim_id])
        return {row[0]: row[1:] for row in cursor.fetchall()}


@pytest.mark.postgresql
def test_the_lexeme_rows_follow_each_write_with_the_values_it_wrote(claims):
    """Each write path changes a claim's lexeme rows as it changes the claim: the words, the rank
    a title word earns, the facet values; and a COPY, which no ORM signal sees."""
    made, topics, people = claims
    claim = made[1]
    assert "energi" not in _lexeme_rows(claim.pk)
    claim.title = "Energy energy"
    claim.save()
    rows = _lexeme_rows(claim.pk)
    assert "energi" in rows and "scale" not in rows  # "Claim 1 on scaling" is gone from the title
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.RESOLVED_FALSE)
    assert {v[1] for v in _lexeme_rows(claim.pk).values()} == {Claim.Status.RESOLVED_FALSE}
    claim.topics.set([topics[2], topics[0]])
    assert {tuple(v[2]) for v in _lexeme_rows(claim.pk).values()} == {tuple(sorted([topics[0].pk, topics[2].pk]))}
    Person.objects.filter(slug="bo").update(name="Bo Brownout")  # a queryset rename: the claims' documents follow
    assert all("brownout" in _lexeme_rows(c.pk) for c in made if c.person_id == people[1].pk
               and c.editorial_state == Claim.EditorialState.PUBLISHED)
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM claims_claim")
        new_id = cursor.fetchone()[0] + 1
        columns = ("id, slug, title, statement, quote, date_precision, kind, status, verdict_rationale, "
                   "verdict_as_of_precision, editorial_state, created, updated, evidence_count, exclude_phrases, "
                   "framing, match_phrases, quote_kind")
        values = [new_id, "copied-claim", "Inference latency falls", "", "", "day", "prediction", "open", "", "day",
                  "published", "2024-01-01 00:00+00", "2024-01-01 00:00+00", 0, "", "", "", "own_words"]
        with cursor.copy(f"COPY claims_claim ({columns}) FROM STDIN") as copy:
            copy.write_row(values)
    assert {"infer", "latenc", "fall"} <= set(_lexeme_rows(new_id))
    check()
    Claim.objects.filter(pk=new_id).delete()
    made[0].editorial_state = Claim.EditorialState.DRAFT
    made[0].save()
    assert _lexeme_rows(new_id) == {} and _lexeme_rows(made[0].pk) == {}
    check()


@pytest.mark.postgresql
def test_an_update_that_changes_no_lexeme_value_rewrites_no_lexeme_row(claims):
    """An evidence recount or a save's new ``updated`` stamp rewrites the search row (its count,
    its stamp) but none of the claim's 10-odd lexeme rows and their index entries."""
    from django.db.models import F

    claim = claims[0][1]

    def places():
        with connection.cursor() as cursor:
            cursor.execute("SELECT ctid::text FROM claims_claimlexeme WHERE claim_id = %s ORDER BY lexeme", [claim.pk])
            return [row[0] for row in cursor.fetchall()]

    before = places()
    assert before
    Claim.objects.filter(pk=claim.pk).update(evidence_count=F("evidence_count") + 2)
    claim.refresh_from_db()
    claim.save()  # a new updated stamp
    assert places() == before
    rows = check()
    assert {r[0]: r[5] for r in rows}[claim.pk] == claim.evidence_count
    Claim.objects.filter(pk=claim.pk).update(kind=Claim.Kind.choices[-1][0])
    assert places() != before
    check()


@pytest.mark.postgresql
def test_a_stored_rank_is_the_rank_a_one_word_query_gives(claims):
    """The rank stored under a lexeme is ts_rank under websearch_to_tsquery of the word itself, to
    the last bit: browse's order under one word does not change with where it is read from."""
    factories.claim(title="Scaling scaling laws", statement="Scaling, again.", quote="Laws of scaling.")
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT count(*), count(*) FILTER (WHERE l.rank = ts_rank(s.document, websearch_to_tsquery('english', w)))
            FROM (VALUES ('scaling'), ('laws'), ('quote'), ('claim'), ('wall')) words(w)
            JOIN claims_claimlexeme l ON l.lexeme = (tsvector_to_array(to_tsvector('english', w)))[1]
            JOIN claims_claimsearch s ON s.claim_id = l.claim_id""")
        total, equal = cursor.fetchone()
    assert total >= 8 and equal == total


@pytest.mark.postgresql
def test_a_one_word_page_and_its_counts_read_the_lexeme_index_in_order(claims):
    """The page walks the lexeme's ordered index (presorted on rank and date: no sort of the whole
    match) and each facet count is a pass over the same index's entries, not the heap."""
    from django.test.utils import CaptureQueriesContext

    from claims import lexeme_match

    where, params = lexeme_match._where("scale", {"kind": "prediction"})
    with connection.cursor() as cursor:
        # A table this small is cheaper to scan, or to bitmap and sort whole; 100k claims are not. With
        # those priced out, a page can only walk the index if its order is the query's prefix.
        cursor.execute("SET enable_seqscan = off; SET enable_bitmapscan = off; SET enable_sort = off")
        try:
            cursor.execute("EXPLAIN " + lexeme_match._PAGE.format(where=where), [*params, 25, 0])
            page_plan = "\n".join(row[0] for row in cursor.fetchall())
            with CaptureQueriesContext(connection) as captured:
                counts = lexeme_match.LexemeMatch("scaling", "scale").counts(
                    {"person": {"kind": "prediction"}, "kind": {}, "topic": {"kind": "prediction"}})
            cursor.execute("EXPLAIN " + captured.captured_queries[0]["sql"])
            count_plan = "\n".join(row[0] for row in cursor.fetchall())
        finally:
            cursor.execute("RESET enable_seqscan; RESET enable_bitmapscan; RESET enable_sort")
    assert "Index Only Scan using claims_claimlexeme_ranked" in page_plan, page_plan
    assert "Presorted Key: l.rank, l.date_made" in page_plan, page_plan
    assert "Index Only Scan using claims_claimlexeme_ranked" in count_plan, count_plan
    assert len(captured.captured_queries) == 1 and count_plan.count("Index Only Scan") == 1, count_plan
    published = [c for c in claims[0] if c.editorial_state == Claim.EditorialState.PUBLISHED]
    assert counts["kind"] == {"assessment": len(published)}  # the factories' default kind
    assert counts["person"] == {} and counts["topic"] == {}  # no prediction among them
