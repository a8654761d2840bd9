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


def check():
    rows = stored()
    assert rows == expected()
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
