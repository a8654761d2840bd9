"""Claim editing: create and edit with validation, editorial states, verdicts that need a
rationale, the revision history with field diffs, and one-click revert."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from claims import services
from claims.models import Attribution, Claim, Evidence, Revision, Source, Verdict
from editorial.diffs import word_diff
from editorial.models import AuditEntry
from editorial.validators import is_private_host
from tests import factories

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")

VALID = {"title": "LLMs will plateau by 2027", "statement": "Large language models stop improving by 2027.",
         "quote": "We will see a plateau by 2027.", "kind": "prediction", "date_made": "2024-03",
         "quote_kind": "own_words", **{"attr-TOTAL_FORMS": "0", "attr-INITIAL_FORMS": "0"}}


def _errors(response):
    return response.content.decode()


def test_new_claim_is_a_draft_with_derived_slug_and_date_precision(editor, editor_client, db):
    person, topic = factories.person(name="Ann Expert"), factories.topic()
    response = editor_client.post("/curate/claims/new/", {**VALID, "person": person.pk, "topics": [topic.pk],
                                                          "deadline": "2027-12-31"})
    assert response["Location"] == "/curate/claims/llms-will-plateau-by-2027/edit/"
    claim = Claim.objects.get(slug="llms-will-plateau-by-2027")
    assert (claim.editorial_state, claim.date_made, claim.date_precision) == ("draft", dt.date(2024, 3, 1), "month")
    assert claim.person == person and list(claim.topics.all()) == [topic]
    assert claim.deadline == dt.date(2027, 12, 31)
    assert Revision.objects.get(target="claim", object_id=claim.pk).user == editor
    assert AuditEntry.objects.filter(action="claim.created", claim=claim, actor=editor).exists()
    # A draft is not public.
    assert Client().get("/claims/llms-will-plateau-by-2027/").status_code == 404


@pytest.mark.parametrize("text, precision", [("2022", "year"), ("2022-07", "month"), ("2022-07-14", "day"),
                                             ("", "unknown")])
def test_date_made_precision_follows_what_was_typed(editor_client, db, text, precision):
    editor_client.post("/curate/claims/new/", {**VALID, "date_made": text})
    assert Claim.objects.get().date_precision == precision


@pytest.mark.parametrize("text", ["14/07/2022", "2022-13", "2022-02-30", "July 2022", "22"])
def test_bad_dates_are_refused_with_the_expected_format(editor_client, db, text):
    response = editor_client.post("/curate/claims/new/", {**VALID, "date_made": text})
    assert response.status_code == 400
    assert "YYYY, YYYY-MM or YYYY-MM-DD" in _errors(response)
    assert not Claim.objects.exists()


def test_quote_is_required(editor_client, db):
    response = editor_client.post("/curate/claims/new/", {**VALID, "quote": "   "})
    assert response.status_code == 400
    assert "A claim needs its verbatim quote." in _errors(response)
    assert not Claim.objects.exists()


def test_a_slug_already_taken_is_refused(editor_client, db):
    factories.claim(slug="taken")
    response = editor_client.post("/curate/claims/new/", {**VALID, "slug": "taken"})
    assert response.status_code == 400
    assert "already exists" in _errors(response)


def test_a_new_source_is_created_from_a_public_https_url(editor_client, db):
    editor_client.post("/curate/claims/new/", {**VALID, "new_source_title": "Interview", "new_source_url":
                                               "https://example.org/interview", "new_source_publisher": "Ex"})
    claim = Claim.objects.get()
    assert (claim.source.title, claim.source.url, claim.source.publisher) == ("Interview",
                                                                             "https://example.org/interview", "Ex")


def test_a_new_source_with_a_known_url_reuses_the_existing_source(editor_client, db):
    existing = factories.source(url="https://example.org/known")
    editor_client.post("/curate/claims/new/", {**VALID, "new_source_title": "Again",
                                               "new_source_url": "https://example.org/known"})
    assert Claim.objects.get().source == existing
    assert Source.objects.count() == 1


@pytest.mark.parametrize("url", ["ftp://example.org/x", "javascript:alert(1)", "file:///etc/passwd"])
def test_source_urls_must_be_http_or_https(editor_client, db, url):
    response = editor_client.post("/curate/claims/new/", {**VALID, "new_source_title": "X", "new_source_url": url})
    assert response.status_code == 400
    assert not Claim.objects.exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1/admin", "http://localhost:8000/", "http://10.1.2.3/",
                                 "http://[::1]/", "http://169.254.169.254/latest/meta-data/", "http://2130706433/",
                                 "http://printer.local/", "http://intranet/"])
def test_private_source_urls_are_refused_outside_debug(editor_client, settings, db, url):
    settings.DEBUG = False
    response = editor_client.post("/curate/claims/new/", {**VALID, "new_source_title": "X", "new_source_url": url})
    assert response.status_code == 400
    assert "private or local address" in _errors(response)


def test_private_source_urls_are_allowed_in_debug_for_local_work(editor_client, settings, db):
    settings.DEBUG = True
    editor_client.post("/curate/claims/new/", {**VALID, "new_source_title": "X", "new_source_url": "http://127.0.0.1/"})
    assert Claim.objects.get().source.url == "http://127.0.0.1/"


@pytest.mark.parametrize("host, private", [("example.org", False), ("8.8.8.8", False), ("192.168.0.1", True),
                                           ("0x7f.1", True), ("fd00::1", True), ("host.internal", True)])
def test_private_host_detection(host, private):
    assert is_private_host(host) is private


def test_editing_records_a_revision_with_changed_fields_and_comment(editor, editor_client, db):
    claim = factories.claim(slug="edit-me", title="Old title", quote="Old quote.")
    data = {"title": "New title", "slug": "edit-me", "statement": claim.statement, "quote": "Old quote, corrected.",
            "kind": claim.kind, "date_made": "2020-01", "comment": "Fixed the quote against the source",
            "quote_kind": "own_words", **_attribution_rows(claim)}
    assert editor_client.post("/curate/claims/edit-me/edit/", data)["Location"] == "/curate/claims/edit-me/edit/"
    revisions = list(Revision.objects.filter(target="claim", object_id=claim.pk).order_by("created", "id"))
    # A baseline of the pre-edit state, then the edit.
    assert len(revisions) == 2
    assert {"title", "quote", "date_precision", "date_made"} <= set(revisions[1].changed_fields)
    assert revisions[1].comment == "Fixed the quote against the source"
    assert revisions[1].user == editor


def test_a_published_claim_keeps_its_slug(editor_client, db):
    claim = factories.claim(slug="cited-elsewhere")
    data = {"title": claim.title, "slug": "renamed", "statement": claim.statement, "quote": claim.quote,
            "kind": claim.kind, "date_made": "", "quote_kind": "own_words", **_attribution_rows(claim)}
    response = editor_client.post("/curate/claims/cited-elsewhere/edit/", data)
    assert response.status_code == 400
    assert "keeps its slug" in _errors(response)
    assert Claim.objects.filter(slug="cited-elsewhere").exists()


def test_editorial_states_go_draft_review_published_and_only_published_is_public(editor_client, db):
    claim = factories.claim(slug="life-cycle", editorial_state="draft")
    public = Client()
    assert public.get("/claims/life-cycle/").status_code == 404
    editor_client.post("/curate/claims/life-cycle/state/", {"to": "in_review"})
    assert public.get("/claims/life-cycle/").status_code == 404
    editor_client.post("/curate/claims/life-cycle/state/", {"to": "published"})
    assert public.get("/claims/life-cycle/").status_code == 200
    assert "life-cycle" in public.get("/claims/").content.decode()
    editor_client.post("/curate/claims/life-cycle/state/", {"to": "in_review"})
    assert public.get("/claims/life-cycle/").status_code == 404
    actions = list(AuditEntry.objects.filter(claim=claim).order_by("id").values_list("data__to", flat=True))
    assert actions == ["in_review", "published", "in_review"]


def test_a_draft_cannot_skip_review(editor_client, db):
    factories.claim(slug="hasty", editorial_state="draft")
    response = editor_client.post("/curate/claims/hasty/state/", {"to": "published"}, follow=True)
    assert "cannot move to published" in response.content.decode()
    assert Claim.objects.get(slug="hasty").editorial_state == "draft"


def _backed(claim):
    """A verdict needs backing (claims/backing.py): one accepted, sided piece of evidence."""
    Evidence.objects.create(claim=claim, summary="Benchmark scores kept rising.", stance="contradicts",
                            state="accepted")
    return claim


def test_verdict_change_without_rationale_is_refused(editor_client, db):
    claim = factories.claim(slug="v")
    response = editor_client.post("/curate/claims/v/verdict/", {"status": "resolved_false", "rationale": "  "})
    assert response.status_code == 400
    assert "A verdict change needs a rationale." in _errors(response)
    claim.refresh_from_db()
    assert claim.status == "open"
    assert not Verdict.objects.exists()


def test_verdict_service_itself_refuses_a_missing_rationale(editor, db):
    claim = factories.claim()
    with pytest.raises(ValidationError, match="rationale"):
        services.change_verdict(claim, user=editor, status="supported", rationale="")


def test_verdict_change_records_who_and_as_of_and_shows_publicly(editor, editor_client, db):
    claim = _backed(factories.claim(slug="v2"))
    editor_client.post("/curate/claims/v2/verdict/", {"status": "contradicted", "rationale": "Scores kept rising.",
                                                      "as_of": "2025-06"})
    verdict = Verdict.objects.get(claim=claim)
    assert (verdict.status, verdict.rationale, verdict.recorded_by) == ("contradicted", "Scores kept rising.", editor)
    assert (verdict.as_of, verdict.as_of_precision) == (dt.date(2025, 6, 1), "month")
    claim.refresh_from_db()
    assert (claim.status, claim.verdict_rationale) == ("contradicted", "Scores kept rising.")
    page = Client().get("/claims/v2/").content.decode()
    assert "Scores kept rising." in page and "by edna" in page
    assert AuditEntry.objects.get(action="verdict.changed").data["to"] == "contradicted"


def test_verdict_without_as_of_is_dated_today(editor_client, db):
    _backed(factories.claim(slug="v3"))
    editor_client.post("/curate/claims/v3/verdict/", {"status": "supported", "rationale": "Data."})
    verdict = Verdict.objects.get()
    assert verdict.as_of_precision == "day" and verdict.as_of is not None


def _attribution_rows(claim, extra=()):
    """The formset's POST data: the claim's attributions as they stand, then any new rows."""
    rows = [{"id": a.pk, "source": a.source_id, "attributed_to": a.attributed_to, "person": a.person_id or "",
             "passage": a.passage} for a in claim.attributions.all()] + list(extra)
    data = {"attr-TOTAL_FORMS": str(len(rows)), "attr-INITIAL_FORMS": str(claim.attributions.count())}
    for i, row in enumerate(rows):
        data.update({f"attr-{i}-{key}": value for key, value in row.items()})
    return data


def _post_edit(client, claim, **changes):
    data = {"title": claim.title, "slug": claim.slug, "statement": claim.statement, "quote": claim.quote,
            "kind": claim.kind, "date_made": "2020-01-02", "quote_kind": claim.quote_kind, "framing": claim.framing,
            "source": claim.source_id or "", "person": claim.person_id or "", **_attribution_rows(claim), **changes}
    return client.post(f"/curate/claims/{claim.slug}/edit/", data)


def _edit(client, claim, **changes):
    response = _post_edit(client, claim, **changes)
    assert response.status_code == 302, response.content[:1000]


def test_history_page_shows_each_revision_with_word_diffs_against_the_previous(editor_client, db):
    claim = factories.claim(slug="h", title="Deep learning is hitting a wall", date_made=dt.date(2020, 1, 2))
    _edit(editor_client, claim, title="Deep learning is hitting a brick wall", comment="Exact wording")
    html = editor_client.get("/curate/claims/h/history/").content.decode()
    assert html.count('class="revision"') == 2
    assert "Exact wording" in html
    assert "Deep learning is hitting a <ins>brick </ins>wall" in html
    assert "by edna" in html
    assert "claim.updated" in html.split("Audit entries", 1)[1]


def test_word_diff_marks_deletions_and_insertions():
    assert word_diff("a b c", "a x c") == [("equal", "a "), ("delete", "b "), ("insert", "x "), ("equal", "c")]


def test_word_diff_reads_a_rewritten_phrase_as_one_deletion_then_one_insertion():
    # Before: "TheGPQA seedDiamond ..." as words of old and new interleaved around shared spaces.
    segments = word_diff("The seed document says deep learning is hitting a wall.",
                         "GPQA Diamond scores show deep learning is hitting a wall.")
    assert segments == [("delete", "The seed document says "), ("insert", "GPQA Diamond scores show "),
                        ("equal", "deep learning is hitting a wall.")]
    # A lone shared word between two changes is folded in rather than splitting them.
    assert word_diff("big red fast car", "small red slow car") == [
        ("delete", "big red fast "), ("insert", "small red slow "), ("equal", "car")]


def test_history_shows_single_values_as_old_to_new(editor_client, db):
    claim = factories.claim(slug="hs", date_made=dt.date(2020, 1, 2))
    _edit(editor_client, claim, kind="prediction")
    html = editor_client.get("/curate/claims/hs/history/").content.decode()
    assert ('<dd class="diff diff-short"><del>assessment</del> <span aria-hidden="true">→</span>'
            '<span class="visually-hidden">changed to</span> <ins>prediction</ins></dd>') in html


def test_revert_restores_an_earlier_revision_and_is_recorded_as_a_new_one(editor, editor_client, db):
    topic_a, topic_b = factories.topic(slug="ta"), factories.topic(slug="tb")
    claim = factories.claim(slug="r", title="Original", quote="Original quote.", topics=[topic_a],
                            date_made=dt.date(2020, 1, 2))
    _edit(editor_client, claim, title="Vandalised", quote="Wrong quote.", topics=[topic_b.pk])
    original = Revision.objects.filter(target="claim", object_id=claim.pk).order_by("created", "id").first()
    response = editor_client.post(f"/curate/claims/r/revert/{original.pk}/",
                                  {f"revert-{original.pk}-reason": "Vandalism."})
    assert response["Location"] == "/curate/claims/r/history/"
    claim.refresh_from_db()
    assert (claim.title, claim.quote) == ("Original", "Original quote.")
    assert list(claim.topics.values_list("slug", flat=True)) == ["ta"]
    latest = Revision.objects.filter(target="claim", object_id=claim.pk).order_by("-created", "-id").first()
    assert latest.comment.startswith(f"Reverted to revision #{original.pk}")
    assert latest.comment.endswith("Reason: Vandalism.")
    assert latest.user == editor
    assert Revision.objects.filter(target="claim", object_id=claim.pk).count() == 3
    assert AuditEntry.objects.get(action="claim.reverted").data["revision"] == original.pk
    assert AuditEntry.objects.get(action="claim.reverted").data["reason"] == "Vandalism."


def test_revert_asks_for_a_reason_and_changes_nothing_without_one(editor_client, db):
    claim = factories.claim(slug="nr", title="Original", date_made=dt.date(2020, 1, 2))
    _edit(editor_client, claim, title="Changed")
    original = Revision.objects.filter(target="claim", object_id=claim.pk).order_by("created", "id").first()
    html = editor_client.get("/curate/claims/nr/history/").content.decode()
    # The button only opens the confirmation: the form with the reason and "Confirm revert".
    assert f"<summary>Revert to revision #{original.pk}…</summary>" in html
    assert f'name="revert-{original.pk}-reason"' in html and f"Confirm revert to revision #{original.pk}" in html
    response = editor_client.post(f"/curate/claims/nr/revert/{original.pk}/", {f"revert-{original.pk}-reason": " "})
    assert response.status_code == 400
    assert "Give a reason for the revert." in response.content.decode()
    assert '<details class="revert" open>' in response.content.decode()
    claim.refresh_from_db()
    assert claim.title == "Changed"


def test_reverting_a_verdict_leaves_a_verdict_row_and_keeps_slug_and_publication(editor, editor_client, db):
    claim = _backed(factories.claim(slug="rv", date_made=dt.date(2020, 1, 2)))
    services.change_verdict(claim, user=editor, status="supported", rationale="First look.")
    first = Revision.objects.filter(target="claim", object_id=claim.pk).order_by("-created", "-id").first()
    services.change_verdict(claim, user=editor, status="resolved_false", rationale="Deadline passed.")
    services.change_editorial_state(claim, "in_review", user=editor)
    editor_client.post(f"/curate/claims/rv/revert/{first.pk}/", {f"revert-{first.pk}-reason": "Wrong claim judged."})
    claim.refresh_from_db()
    assert (claim.status, claim.verdict_rationale) == ("supported", "First look.")
    assert (claim.slug, claim.editorial_state) == ("rv", "in_review")
    newest = Verdict.objects.filter(claim=claim).first()
    assert newest.status == "supported" and newest.is_correction and newest.recorded_by == editor
    assert newest.rationale.startswith("Editorial correction: the verdict of ")
    assert "is restored. Wrong claim judged. First look." in newest.rationale
    services.change_editorial_state(claim, "published", user=editor)
    page = Client().get("/claims/rv/").content.decode()
    assert '<span class="correction">Editorial correction</span>' in page


def test_revert_to_the_current_state_says_nothing_changed(editor_client, db):
    claim = factories.claim(slug="same")
    _edit(editor_client, claim, title="Changed")
    latest = Revision.objects.filter(target="claim", object_id=claim.pk).order_by("-created", "-id").first()
    response = editor_client.post(f"/curate/claims/same/revert/{latest.pk}/",
                                  {f"revert-{latest.pk}-reason": "Checking."}, follow=True)
    assert "nothing changed" in response.content.decode()


def test_a_revision_of_another_claim_cannot_be_reverted_onto_this_one(editor_client, db):
    mine, other = factories.claim(slug="mine"), factories.claim(slug="other")
    _edit(editor_client, other, title="Other changed")
    foreign = Revision.objects.filter(target="claim", object_id=other.pk).first()
    assert editor_client.post(f"/curate/claims/mine/revert/{foreign.pk}/",
                              {f"revert-{foreign.pk}-reason": "x"}).status_code == 404
    mine.refresh_from_db()
    assert mine.title != "Other changed"


def test_edit_pages_of_unknown_claims_are_404(editor_client, db):
    assert editor_client.get("/curate/claims/nope/edit/").status_code == 404
    assert editor_client.post("/curate/claims/nope/verdict/", {"status": "supported", "rationale": "x"}).status_code \
        == 404


def test_a_claim_that_fails_to_save_leaves_no_orphan_source(editor_client, db):
    factories.claim(slug="taken")
    response = editor_client.post("/curate/claims/new/", {**VALID, "slug": "taken", "new_source_title": "Orphan?",
                                                          "new_source_url": "https://example.org/orphan"})
    assert response.status_code == 400
    assert not Source.objects.filter(title="Orphan?").exists()


# ---------------------------------------------------------------- whose words: quote kind, framing, attributions

EXCERPT = "The essay says: Critics argue that deep learning is hitting a wall. Gary Marcus wrote it in 2022."


def _sourced_claim(**kw):
    source = factories.source(title="The essay", excerpt=EXCERPT)
    return factories.claim(source=source, quote="Deep learning is hitting a wall.", date_made=dt.date(2020, 1, 2),
                           **kw)


def _row(source, attributed_to="Gary Marcus", passage="Gary Marcus wrote it in 2022.", person=""):
    return {"id": "", "source": source.pk, "attributed_to": attributed_to, "person": person, "passage": passage}


def test_the_edit_form_offers_quote_kind_framing_and_the_claims_attributions(editor_client, db):
    claim = _sourced_claim(slug="ww", quote_kind="reported", framing="Critics argue that")
    Attribution.objects.create(claim=claim, source=claim.source, attributed_to="Gary Marcus", passage="Gary Marcus.")
    html = editor_client.get("/curate/claims/ww/edit/").content.decode()
    assert '<option value="reported" selected>' in html
    assert "Critics argue that</textarea>" in html
    assert "<legend>Attribution to Gary Marcus</legend>" in html and "<legend>New attribution</legend>" in html
    assert 'name="attr-TOTAL_FORMS" value="2"' in html and 'name="attr-INITIAL_FORMS" value="1"' in html
    assert 'name="attr-0-DELETE"' in html and "Remove this attribution" in html


def test_reported_words_with_framing_from_the_source_are_saved_with_a_revision_and_audit(editor, editor_client, db):
    claim = _sourced_claim(slug="rep")
    _edit(editor_client, claim, source=claim.source.pk, quote_kind="reported",
          framing="  Critics argue that deep learning is hitting a wall. ")
    claim.refresh_from_db()
    assert (claim.quote_kind, claim.framing) == ("reported", "Critics argue that deep learning is hitting a wall.")
    latest = Revision.objects.filter(target="claim", object_id=claim.pk).first()
    assert {"quote_kind", "framing"} <= set(latest.changed_fields) and latest.user == editor
    entry = AuditEntry.objects.get(action="claim.updated", claim=claim)
    assert {"quote_kind", "framing"} <= set(entry.data["fields"])
    html = editor_client.get("/curate/claims/rep/history/").content.decode()
    assert "Quote kind" in html and "Framing" in html
    page = Client().get("/claims/rep/").content.decode()
    assert "<blockquote><p>Critics argue that deep learning is hitting a wall.</p></blockquote>" in page


def test_framing_not_found_in_the_sources_archived_text_is_refused(editor_client, db):
    claim = _sourced_claim(slug="nf")
    response = _post_edit(editor_client, claim, source=claim.source.pk, framing="Critics say deep learning stalls.")
    assert response.status_code == 400
    assert "The framing must be copied exactly from the source&#x27;s archived text." in _errors(response)
    claim.refresh_from_db()
    assert claim.framing == ""


def test_framing_is_free_text_when_the_source_has_no_archived_text(editor_client, db):
    claim = factories.claim(slug="nx", source=factories.source(excerpt=""), date_made=dt.date(2020, 1, 2))
    _edit(editor_client, claim, source=claim.source.pk, framing="Anything the essay said.")
    claim.refresh_from_db()
    assert claim.framing == "Anything the essay said."


def test_reported_words_need_framing_or_an_attribution(editor_client, db):
    claim = _sourced_claim(slug="need")
    response = _post_edit(editor_client, claim, source=claim.source.pk, quote_kind="reported", framing="")
    assert response.status_code == 400
    assert "Reported words need the source&#x27;s framing or at least one attribution." in _errors(response)
    claim.refresh_from_db()
    assert claim.quote_kind == "own_words"
    # An attribution alone is enough.
    _edit(editor_client, claim, source=claim.source.pk, quote_kind="reported",
          **_attribution_rows(claim, [_row(claim.source)]))
    claim.refresh_from_db()
    assert claim.quote_kind == "reported" and claim.attributions.get().attributed_to == "Gary Marcus"


def test_a_new_reported_claim_without_framing_or_attribution_is_not_created(editor_client, db):
    response = editor_client.post("/curate/claims/new/", {**VALID, "quote_kind": "reported"})
    assert response.status_code == 400
    assert not Claim.objects.exists()


def test_a_new_claim_is_created_with_its_attributions(editor_client, db):
    source, person = factories.source(), factories.person(name="Gary Marcus")
    rows = {"attr-TOTAL_FORMS": "1", "attr-INITIAL_FORMS": "0",
            **{f"attr-0-{k}": v for k, v in _row(source, person=person.pk).items()}}
    response = editor_client.post("/curate/claims/new/", {**VALID, "quote_kind": "reported", "source": source.pk,
                                                          **rows})
    assert response.status_code == 302, _errors(response)[:2000]
    claim = Claim.objects.get()
    attribution = claim.attributions.get()
    assert (attribution.source, attribution.person, attribution.passage) == (source, person,
                                                                            "Gary Marcus wrote it in 2022.")
    assert Revision.objects.get(target="claim", object_id=claim.pk).snapshot["attributions"] == [
        {"source_id": source.pk, "attributed_to": "Gary Marcus", "person_id": person.pk,
         "passage": "Gary Marcus wrote it in 2022."}]


def test_attributions_are_added_edited_and_removed_with_revisions_and_audit(editor, editor_client, db):
    claim = _sourced_claim(slug="attr")
    other = factories.source(title="Another essay")
    _edit(editor_client, claim, **_attribution_rows(claim, [_row(claim.source), _row(other, "Yann LeCun", "LeCun.")]))
    assert sorted(claim.attributions.values_list("attributed_to", flat=True)) == ["Gary Marcus", "Yann LeCun"]
    added = Revision.objects.filter(target="claim", object_id=claim.pk).first()
    assert added.changed_fields == ["attributions"] and added.user == editor
    assert AuditEntry.objects.filter(action="claim.updated", claim=claim).first().data["fields"] == ["attributions"]

    rows = _attribution_rows(claim)
    marcus = [k[:-len("attributed_to")] for k, v in rows.items() if v == "Gary Marcus"][0]
    lecun = [k[:-len("attributed_to")] for k, v in rows.items() if v == "Yann LeCun"][0]
    rows[f"{marcus}passage"] = "Gary Marcus wrote it, in 2022."
    rows[f"{lecun}DELETE"] = "on"
    _edit(editor_client, claim, **rows)
    assert list(claim.attributions.values_list("attributed_to", "passage")) == [
        ("Gary Marcus", "Gary Marcus wrote it, in 2022.")]
    # The baseline, the additions, then the edit and removal in one revision.
    assert Revision.objects.filter(target="claim", object_id=claim.pk).count() == 3
    html = editor_client.get("/curate/claims/attr/history/").content.decode()
    assert "Attributions" in html and "Yann LeCun (Another essay)" in html


def test_saving_unchanged_attributions_adds_no_revision(editor_client, db):
    claim = _sourced_claim(slug="same-attr")
    _edit(editor_client, claim, **_attribution_rows(claim, [_row(claim.source)]))
    count = Revision.objects.filter(target="claim", object_id=claim.pk).count()
    _edit(editor_client, claim)
    assert Revision.objects.filter(target="claim", object_id=claim.pk).count() == count


def test_the_same_attribution_twice_is_refused(editor_client, db):
    claim = _sourced_claim(slug="dup")
    response = _post_edit(editor_client, claim, **_attribution_rows(claim, [_row(claim.source), _row(claim.source)]))
    assert response.status_code == 400
    assert "Each source attributes the words to a given name once." in _errors(response)
    assert not Attribution.objects.exists()


def test_an_attribution_of_another_claim_cannot_be_edited_through_this_one(editor_client, db):
    claim, other = _sourced_claim(slug="mine-a"), _sourced_claim(slug="other-a")
    foreign = Attribution.objects.create(claim=other, source=other.source, attributed_to="X", passage="X said.")
    rows = _attribution_rows(claim, [{**_row(claim.source, "Hijacked"), "id": foreign.pk}])
    response = _post_edit(editor_client, claim, **rows)
    assert response.status_code == 400
    assert "belongs to another claim" in _errors(response)
    foreign.refresh_from_db()
    assert (foreign.claim, foreign.attributed_to) == (other, "X")


def test_revert_restores_quote_kind_framing_and_attributions(editor_client, db):
    claim = _sourced_claim(slug="rev-attr")
    _edit(editor_client, claim, source=claim.source.pk, quote_kind="reported", framing="Critics argue that",
          **_attribution_rows(claim, [_row(claim.source)]))
    before = Revision.objects.filter(target="claim", object_id=claim.pk).first()
    rows = _attribution_rows(claim)
    rows["attr-0-DELETE"] = "on"
    _edit(editor_client, claim, source=claim.source.pk, quote_kind="own_words", framing="", **rows)
    assert not claim.attributions.exists()
    editor_client.post(f"/curate/claims/rev-attr/revert/{before.pk}/", {f"revert-{before.pk}-reason": "Undo."})
    claim.refresh_from_db()
    assert (claim.quote_kind, claim.framing) == ("reported", "Critics argue that")
    assert list(claim.attributions.values_list("attributed_to", flat=True)) == ["Gary Marcus"]
