"""The stored search documents (PostgreSQL tsvector columns, SQLite FTS5 tables) follow every
write on the next search, and the search page's bounded candidate set counts honestly."""

import pytest
from django.db import connection
from django.urls import reverse

from claims import fts, search
from claims.models import Claim, Evidence
from ingest.models import DataSource, FeedItem, IngestRun

from . import factories

URL = reverse("reader:search")
BROWSE = reverse("claims:claim_list")


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Writes as a committed transaction would make them: the claims generation follows on commit."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def found(client, q, href):
    return f'href="{href}"' in client.get(URL, {"q": q}).content.decode()


def browsed(client, q, href):
    return f'href="{href}"' in client.get(BROWSE, {"q": q}).content.decode()


def test_a_new_claim_is_found_on_the_next_search_and_browse(client, db, committed):
    assert not found(client, "pangolin", "/claims/new-one/")
    assert not browsed(client, "pangolin", "/claims/new-one/")
    with committed():
        factories.claim(slug="new-one", title="Pangolin economics")
    assert found(client, "pangolin", "/claims/new-one/")
    assert browsed(client, "pangolin", "/claims/new-one/")


def test_an_edited_claim_is_found_by_its_new_words_and_no_longer_by_its_old(client, db, committed):
    claim = factories.claim(slug="edited", title="Tapir scaling", quote="The tapir says so.")
    assert found(client, "tapir", "/claims/edited/") and browsed(client, "tapir", "/claims/edited/")
    claim.title, claim.quote = "Okapi scaling", "The okapi says so."
    with committed():
        claim.save()
    assert found(client, "okapi", "/claims/edited/") and browsed(client, "okapi", "/claims/edited/")
    assert not found(client, "tapir", "/claims/edited/") and not browsed(client, "tapir", "/claims/edited/")


def test_a_statement_changed_by_a_queryset_update_is_searched_too(client, db):
    claim = factories.claim(slug="updated", title="Plain title")
    Claim.objects.filter(pk=claim.pk).update(statement="Mentions the capybara now.")
    assert found(client, "capybara", "/claims/updated/")


def test_a_deleted_claim_is_not_found(client, db, committed):
    claim = factories.claim(slug="gone", title="Quoll forecasts")
    assert found(client, "quoll", "/claims/gone/")
    with committed():
        claim.delete()
    assert not found(client, "quoll", "/claims/gone/")
    assert not browsed(client, "quoll", "/claims/gone/")


def test_a_claim_is_found_under_its_persons_new_name(client, db):
    person = factories.person(name="Ada Marmoset")
    factories.claim(slug="said", title="Something", person=person)
    assert found(client, "marmoset", "/claims/said/")
    person.name = "Ada Wallaby"
    person.save()
    assert found(client, "wallaby", "/claims/said/")
    assert not found(client, "marmoset", "/claims/said/")


def _evidence_html(client, q):
    html = client.get(URL, {"q": q}).content.decode()
    return html.split('id="results-evidence"')[1].split("</section>")[0] if 'id="results-evidence"' in html else ""


def test_evidence_is_found_once_accepted_when_edited_and_not_once_deleted(client, db):
    claim = factories.claim(slug="host", title="Host claim")
    evidence = Evidence.objects.create(claim=claim, state="suggested", summary="A gecko benchmark result.")
    assert _evidence_html(client, "gecko") == ""  # suggestions are not public
    evidence.state = "accepted"
    evidence.save()
    assert "<mark>gecko</mark>" in _evidence_html(client, "gecko").lower()
    evidence.summary = "An iguana benchmark result."
    evidence.save()
    assert _evidence_html(client, "gecko") == ""
    assert "iguana" in _evidence_html(client, "iguana").lower()
    evidence.delete()
    assert _evidence_html(client, "iguana") == ""


def test_evidence_is_found_under_its_sources_and_feed_items_new_titles(client, db):
    claim = factories.claim(slug="host", title="Host claim")
    src = factories.source(title="Report on herons")
    data_source = DataSource.objects.create(slug="blog", name="A lab blog", kind="feed")
    item = FeedItem.objects.create(source=data_source, guid="1", title="Post about egrets", link="https://example.org/p",
                                   run=IngestRun.objects.create(source=data_source, status="ok"))
    Evidence.objects.create(claim=claim, source=src, state="accepted", summary="By source.")
    Evidence.objects.create(claim=claim, feed_item=item, state="accepted", summary="By item.")
    assert "By source." in _evidence_html(client, "herons") and "By item." in _evidence_html(client, "egrets")
    src.title = "Report on ibises"
    src.save()
    item.title = "Post about storks"
    item.save()
    assert "By source." in _evidence_html(client, "ibises") and "By item." in _evidence_html(client, "storks")
    assert _evidence_html(client, "herons") == "" and _evidence_html(client, "egrets") == ""


def test_short_words_still_match_with_the_indexed_ones(client, db):
    """A one- or two-letter prefix is matched with LIKE, not FTS5; it must still be required."""
    factories.claim(slug="ai-winter", title="An AI winter is coming")
    factories.claim(slug="winter-only", title="A long winter")
    html = client.get(URL, {"q": "AI winter"}).content.decode()
    assert 'href="/claims/ai-winter/"' in html and 'href="/claims/winter-only/"' not in html
    assert found(client, "AI", "/claims/ai-winter/")


def test_search_counts_stop_at_the_candidate_bound_and_say_so(client, db, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATES", 3)
    for i in range(5):
        factories.claim(title=f"Dugong claim {i}")
    html = client.get(URL, {"q": "dugong"}).content.decode()
    assert 'Claims <span class="muted">(3+)</span>' in html
    assert "3+ results for <strong>dugong</strong>" in html
    assert html.count("<mark>Dugong</mark> claim") == 3
    assert "Showing the best 3 of the first 3 matches" in html


def test_search_ranks_within_the_candidates_best_first(db):
    body = factories.claim(title="Other", statement="A manatee appears.", slug="body")
    title = factories.claim(title="Manatee", statement="Nothing.", slug="title")
    base = Claim.objects.published()
    ranked = list(search.best_of(base, "manatee", search.CLAIM_FIELDS, search.ORDERS["claims"]))
    assert ranked == [title, body]
    assert [r.search_total for r in ranked] == [2, 2]


def test_the_index_is_rebuilt_when_its_triggers_went_missing(client, db):
    """A migration that rebuilds a table on SQLite drops its triggers; after migrate they come
    back and the index is refilled, rows written meanwhile included."""
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM claims_claim WHERE search_document IS NULL")
            assert cursor.fetchone()[0] == 0
        factories.claim(slug="meanwhile", title="Written while rebuilding")
        assert found(client, "rebuilding", "/claims/meanwhile/")
        return
    fts.drop_triggers(connection)
    factories.claim(slug="meanwhile", title="Written while rebuilding")
    assert not found(client, "rebuilding", "/claims/meanwhile/")
    fts.after_migrate(sender=None, using="default")
    assert found(client, "rebuilding", "/claims/meanwhile/")
    assert not fts.install(connection)  # nothing missing: no second refill


def test_sqlite_ranks_by_weighted_bm25_from_its_fts_tables(db):
    factories.claim(title="Walrus", slug="walrus")
    query = search.search_claims(Claim.objects.published(), "walrus")
    sql = str(query.query)
    if connection.vendor == "sqlite":
        assert "claims_claim_fts" in sql and "MATCH" in sql and "bm25" in sql and "LIKE" not in sql
    else:
        assert "search_document @@" in sql and "ts_rank" in sql
    assert [c.slug for c in query] == ["walrus"]


@pytest.mark.parametrize("q", ['"', 'a"b', "x AND y", "NEAR(a b)", "col:value", "^start", "a*", "(", "-", "OR"])
def test_fts_syntax_in_a_query_is_taken_literally(client, db, q):
    factories.claim(title="Anything")
    assert client.get(URL, {"q": q}).status_code == 200
    assert client.get(BROWSE, {"q": q}).status_code == 200


def test_a_quoted_phrase_needs_its_words_in_order_and_a_word_matches_its_longer_forms(db):
    factories.claim(slug="phrase", title="Reaching human level soon")
    factories.claim(slug="reversed", title="The level of human effort")
    published = Claim.objects.published()
    assert [c.slug for c in search.search_claims(published, '"human level"')] == ["phrase"]
    assert {c.slug for c in search.search_claims(published, "human level")} == {"phrase", "reversed"}


# --- PostgreSQL's narrow evidence rows (claims_evidencesearch, migration 0017) ----------------


def _evidence_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT evidence_id, document::text, created FROM claims_evidencesearch ORDER BY evidence_id")
        return [tuple(row) for row in cursor.fetchall()]


def _public_evidence():
    """What the rows must hold, worked out from the evidence: every accepted link of a published
    claim, with its stored document and creation time."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT e.id, e.search_document::text, e.created FROM claims_evidence e"
                       " JOIN claims_claim c ON c.id = e.claim_id"
                       " WHERE e.state = 'accepted' AND c.editorial_state = 'published' ORDER BY e.id")
        return [tuple(row) for row in cursor.fetchall()]


def _check_evidence_rows():
    rows = _evidence_rows()
    assert rows == _public_evidence()
    return rows


@pytest.fixture
def any_links(db):
    published = factories.claim(slug="pub", title="Published host")
    draft = factories.claim(slug="draft", title="Draft host", editorial_state=Claim.EditorialState.DRAFT)
    src = factories.source(title="Report on herons")
    links = [
        Evidence.objects.create(claim=published, source=src, state="accepted", summary="Accepted on published."),
        Evidence.objects.create(claim=published, state="suggested", summary="Suggested on published."),
        Evidence.objects.create(claim=published, state="rejected", summary="Rejected on published."),
        Evidence.objects.create(claim=draft, state="accepted", summary="Accepted on a draft."),
    ]
    return published, draft, src, links


@pytest.fixture
def evidence_links(any_links):
    return any_links


@pytest.mark.postgresql
def test_evidence_rows_hold_the_public_links_only(evidence_links):
    _, _, _, links = evidence_links
    assert [row[0] for row in _check_evidence_rows()] == [links[0].pk]


@pytest.mark.postgresql
def test_accepting_and_rejecting_evidence_adds_and_removes_its_row(evidence_links):
    _, _, _, links = evidence_links
    links[1].state = "accepted"
    links[1].save()
    assert [row[0] for row in _check_evidence_rows()] == [links[0].pk, links[1].pk]
    Evidence.objects.filter(pk=links[0].pk).update(state="rejected")  # no signal
    assert [row[0] for row in _check_evidence_rows()] == [links[1].pk]
    Evidence.objects.filter(pk=links[2].pk).update(state="accepted")
    assert [row[0] for row in _check_evidence_rows()] == [links[1].pk, links[2].pk]


@pytest.mark.postgresql
def test_an_edited_summary_and_a_renamed_source_rewrite_the_row(evidence_links):
    _, _, src, links = evidence_links
    before = dict((pk, doc) for pk, doc, _ in _check_evidence_rows())[links[0].pk]
    links[0].summary = "Now about an okapi."
    links[0].save()
    after = dict((pk, doc) for pk, doc, _ in _check_evidence_rows())[links[0].pk]
    assert "'okapi'" in after and after != before
    Evidence.objects.filter(pk=links[0].pk).update(note="A tapir note.")
    assert "'tapir'" in dict((pk, doc) for pk, doc, _ in _check_evidence_rows())[links[0].pk]
    src.title = "Report on ibises"
    src.save()
    renamed = dict((pk, doc) for pk, doc, _ in _check_evidence_rows())[links[0].pk]
    assert "'ibis'" in renamed and "'heron'" not in renamed


@pytest.mark.postgresql
def test_publishing_and_unpublishing_a_claim_add_and_remove_its_evidence_rows(evidence_links):
    published, draft, _, links = evidence_links
    draft.editorial_state = Claim.EditorialState.PUBLISHED
    draft.save()
    assert [row[0] for row in _check_evidence_rows()] == [links[0].pk, links[3].pk]
    Claim.objects.filter(pk=published.pk).update(editorial_state=Claim.EditorialState.DRAFT)
    assert [row[0] for row in _check_evidence_rows()] == [links[3].pk]
    Claim.objects.filter(pk=published.pk).update(editorial_state=Claim.EditorialState.PUBLISHED, title="Retitled")
    assert [row[0] for row in _check_evidence_rows()] == [links[0].pk, links[3].pk]


@pytest.mark.postgresql
def test_evidence_moved_bulk_created_and_deleted_follows_into_the_rows(evidence_links):
    published, draft, _, links = evidence_links
    Evidence.objects.filter(pk=links[0].pk).update(claim=draft)  # onto an unpublished claim
    assert _check_evidence_rows() == []
    made = Evidence.objects.bulk_create([Evidence(claim=published, state="accepted", summary=f"Bulk {i}.")
                                         for i in range(3)] + [Evidence(claim=published, summary="Bulk suggestion.")])
    assert [row[0] for row in _check_evidence_rows()] == [e.pk for e in made[:3]]
    made[1].delete()
    Evidence.objects.filter(pk=made[2].pk).delete()
    assert [row[0] for row in _check_evidence_rows()] == [made[0].pk]
    published.delete()  # its evidence goes with it
    assert _check_evidence_rows() == []


@pytest.mark.postgresql
def test_a_suggestion_edit_never_reaches_the_rows_trigger(evidence_links):
    """The ingest writes suggestions in bulk: their updates must not call the rows' function."""
    _, _, _, links = evidence_links
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL track_functions = 'pl'")
        Evidence.objects.filter(pk=links[1].pk).update(summary="Still a suggestion.", match_score=0.5)
        Evidence.objects.bulk_create([Evidence(claim=links[1].claim, summary="New suggestion.")])
        cursor.execute("SELECT pg_stat_get_xact_function_calls(oid) FROM pg_proc"
                       " WHERE proname = 'claims_evidence_search_evidence'")
        assert cursor.fetchone()[0] is None  # never called in this transaction
        Evidence.objects.filter(pk=links[1].pk).update(state="accepted")
        cursor.execute("SELECT pg_stat_get_xact_function_calls(oid) FROM pg_proc"
                       " WHERE proname = 'claims_evidence_search_evidence'")
        assert cursor.fetchone()[0] == 1
    _check_evidence_rows()


def test_the_evidence_group_shows_a_link_accepted_by_a_queryset_update_at_once(client, any_links):
    _, _, _, links = any_links
    assert "Suggested on published." not in _evidence_html(client, "suggested")
    Evidence.objects.filter(pk=links[1].pk).update(state="accepted")
    assert "Suggested on published." in _evidence_html(client, "suggested")
    Claim.objects.filter(slug="pub").update(editorial_state=Claim.EditorialState.DRAFT)
    assert _evidence_html(client, "suggested") == ""


# --- PostgreSQL's stored AI-model documents (claims_modelsearch, migration 0018) --------------


@pytest.fixture
def ai_models(db):
    from ingest.models import AIModel

    source = DataSource.objects.create(slug="epoch", name="Epoch AI", kind="csv")
    run = IngestRun.objects.create(source=source, status="ok")
    made = [AIModel.objects.create(key=f"m{i}", name=f"Model {name}", organization=org, domain="Language", run=run)
            for i, (name, org) in enumerate([("Narwhal", "Tundra Labs"), ("Beluga", "Arctic AI"), ("Orca", "")])]
    from claims.search_rows import refresh_model_documents

    refresh_model_documents()
    return made


def _stored_model_documents():
    with connection.cursor() as cursor:
        cursor.execute("SELECT s.model_id, s.document::text FROM claims_modelsearch s JOIN ingest_aimodel m"
                       " ON m.id = s.model_id AND m.xmin = s.row_xmin AND m.ctid = s.row_ctid ORDER BY 1")
        return cursor.fetchall()


def _orm_model_documents():
    """The documents the ORM's SearchVector over MODEL_FIELDS makes: what the stored ones must equal."""
    from django.contrib.postgres.search import SearchVector
    from ingest.models import AIModel

    vector = None
    for weight, names in search.MODEL_FIELDS.items():
        part = SearchVector(*names, weight=weight, config=search.SEARCH_CONFIG)
        vector = part if vector is None else vector + part
    rows = AIModel.objects.annotate(doc=vector).order_by("pk").values_list("pk", "doc")
    return [(pk, _tsvector_text(doc)) for pk, doc in rows]


def _tsvector_text(value):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector::text", [value])
        return cursor.fetchone()[0]


def _models_html(client, q):
    html = client.get(URL, {"q": q}).content.decode()
    return html.split('id="results-models"')[1].split("</section>")[0] if 'id="results-models"' in html else ""


@pytest.mark.postgresql
def test_stored_model_documents_are_the_ones_the_orm_makes_one_per_current_model(ai_models):
    assert _stored_model_documents() == _orm_model_documents()
    assert len(_stored_model_documents()) == 3


@pytest.mark.postgresql
def test_a_model_edited_after_the_refresh_is_found_by_its_new_words_at_once(client, ai_models):
    from ingest.models import AIModel

    narwhal, beluga, orca = ai_models
    assert "<mark>Narwhal</mark>" in _models_html(client, "narwhal")
    AIModel.objects.filter(pk=narwhal.pk).update(name="Model Walrus")  # no signal, no generation bump
    assert _models_html(client, "narwhal") == ""
    assert "<mark>Walrus</mark>" in _models_html(client, "walrus")
    # Twice in one transaction (a version then differs by its ctid alone), and an organisation edit.
    AIModel.objects.filter(pk=narwhal.pk).update(name="Model Dugong")
    beluga.organization = "Polar Research"
    beluga.save()
    assert _models_html(client, "walrus") == "" and "<mark>Dugong</mark>" in _models_html(client, "dugong")
    assert "Arctic" not in _models_html(client, "beluga") and "<mark>Polar</mark>" in _models_html(client, "polar")
    # The stored documents of the edited models are no longer current: nothing stale is left in use.
    assert [pk for pk, _ in _stored_model_documents()] == [orca.pk]


@pytest.mark.postgresql
def test_new_and_deleted_models_are_found_and_gone_at_once_and_the_refresh_catches_up(client, ai_models):
    from claims.search_rows import refresh_model_documents
    from ingest.models import AIModel

    narwhal = ai_models[0]
    AIModel.objects.create(key="new", name="Model Manatee", run=narwhal.run)
    narwhal.delete()
    assert "<mark>Manatee</mark>" in _models_html(client, "manatee")
    assert _models_html(client, "narwhal") == ""
    refresh_model_documents()
    assert _stored_model_documents() == _orm_model_documents()
    assert [name for name, in AIModel.objects.order_by("pk").values_list("name")] == [
        "Model Beluga", "Model Orca", "Model Manatee"]
    assert "<mark>Manatee</mark>" in _models_html(client, "manatee") and _models_html(client, "narwhal") == ""


@pytest.mark.postgresql
def test_a_failed_refresh_of_the_model_documents_still_answers_the_search(client, ai_models, monkeypatch):
    from django.db import DatabaseError

    from claims import search_rows
    from ingest.models import AIModel

    def refuse():
        raise DatabaseError("read-only connection")

    monkeypatch.setattr(search_rows, "refresh_model_documents", refuse)
    monkeypatch.setattr(search, "_models_refreshed_at", None)
    AIModel.objects.filter(pk=ai_models[0].pk).update(name="Model Tapir")
    assert "<mark>Tapir</mark>" in _models_html(client, "tapir")
    assert search._models_refreshed_at is None  # tried again on the next search


@pytest.mark.postgresql
def test_ingest_runs_and_admin_edits_queue_one_refresh_of_the_model_documents_per_burst(
        ai_models, django_capture_on_commit_callbacks, monkeypatch):
    """The documents are stemmed on a worker after a burst of runs or an admin edit, not by the first
    search after them; the task itself is run here, in process, on the real tables."""
    from claims import search_rows
    from ingest import followups
    from ingest.models import AIModel
    from ingest.signals import data_edited, run_succeeded

    for signal, uid in ((run_succeeded, "claims.model_documents_after_run"),
                        (data_edited, "claims.model_documents_after_edit")):
        assert any(key[0] == uid for key, *_ in signal.receivers), uid
    queued = []
    monkeypatch.setattr(search_rows.refresh_model_documents_task, "apply_async",
                        lambda args, countdown: queued.append(args))
    AIModel.objects.filter(pk=ai_models[0].pk).update(name="Model Walrus")
    with django_capture_on_commit_callbacks(execute=True):
        for run_id in (5, 6):  # one burst
            search_rows.on_models_changed(IngestRun, run_id=run_id)
    assert queued == [(5,)]
    assert _stored_model_documents() != _orm_model_documents()  # the renamed row's document is not stored yet
    search_rows.refresh_model_documents_task.apply(args=(5,))
    assert _stored_model_documents() == _orm_model_documents()
    assert "'walrus'" in dict(_stored_model_documents())[ai_models[0].pk]
    with django_capture_on_commit_callbacks(execute=True):
        search_rows.on_models_changed(AIModel)  # the admin's data_edited carries no run
    assert queued == [(5,), (None,)]
    followups.clear_mark(search_rows.MODELS_QUEUED)
