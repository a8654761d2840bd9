"""The curation queue: what a suggestion shows, accepting and rejecting (htmx and plain
POST), bulk decisions, counts, and a query count that does not grow with the queue."""

import pytest
from django.test import Client

from claims.models import Evidence, Revision
from claims.markdown import render_markdown
from editorial.models import AuditEntry, ProposedVerdict
from measures.models import Measure
from tests import factories
from tests.editorial_fixtures import suggestion
from tests.page_checks import nu_errors

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def claim(db):
    return factories.claim(title="Scaling is hitting a wall", slug="scaling-wall")


def _accept_data(ev, stance="supports", strength="3", tier="official", note=""):
    p = f"accept-{ev.pk}"
    return {f"{p}-stance": stance, f"{p}-strength": strength, f"{p}-tier": tier, f"{p}-note": note}


def test_queue_shows_each_suggestion_with_its_claim_item_source_summary_and_reason(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source, title="GPT-5 scaling results", link="https://example.org/gpt5",
                    summary='<p>Bigger <b>is</b> better.<script>alert(1)</script><img src="x" onerror="alert(2)"></p>',
                    reason="Topic “Scaling walls”: the item mentions scaling law.")
    html = editor_client.get("/curate/").content.decode()
    row = html.split(f'id="evidence-{ev.pk}"', 1)[1].split("</li>", 1)[0]
    assert '<a href="https://example.org/gpt5" rel="nofollow noopener">GPT-5 scaling results</a>' in row
    assert 'href="/curate/claims/scaling-wall/edit/">Scaling is hitting a wall</a>' in row
    assert "Test feed" in row
    assert "Bigger <b>is</b> better." in row
    assert "<script" not in row and "onerror" not in row and "<img" not in row
    assert "Topic “Scaling walls”: the item mentions scaling law." in row
    assert f'name="ids" value="{ev.pk}" form="bulk-form"' in row


def test_queue_does_not_link_a_javascript_url_from_a_feed(editor_client, claim, feed_source):
    suggestion(claim, feed_source, title="Sneaky", link="javascript:alert(1)")
    html = editor_client.get("/curate/").content.decode()
    assert "javascript:" not in html
    assert ">Sneaky</h3>" in html


def test_queue_counts_suggested_accepted_and_rejected(editor_client, claim, feed_source):
    for _ in range(3):
        suggestion(claim, feed_source)
    Evidence.objects.create(claim=claim, state="accepted", summary="a")
    Evidence.objects.create(claim=claim, state="rejected", summary="r")
    html = editor_client.get("/curate/").content.decode()
    counts = html.split('id="curate-counts"', 1)[1].split("</ul>", 1)[0]
    assert '<span class="count-n">3</span> suggested' in counts
    assert '<span class="count-n">1</span> accepted' in counts
    assert '<span class="count-n">1</span> rejected' in counts
    assert html.count('class="suggestion state-suggested"') == 3


def test_htmx_accept_swaps_the_row_and_updates_counts_out_of_band(editor, editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source, title="Evidence of a wall")
    response = editor_client.post(f"/curate/evidence/{ev.pk}/accept/", _accept_data(ev, note="See **table 2**."),
                                  headers=HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li id="evidence-{ev.pk}" class="suggestion state-accepted">')
    assert "<strong>Accepted</strong> as supports (strong, official)" in html
    assert '<a href="/claims/scaling-wall/">Scaling is hitting a wall</a>' in html
    assert "<strong>table 2</strong>" in html
    assert '<ul id="curate-counts" class="count-grid"' in html and 'hx-swap-oob="true"' in html
    assert '<span class="count-n">1</span> accepted' in html
    ev.refresh_from_db()
    assert (ev.state, ev.stance, ev.strength, ev.tier, ev.added_by) == ("accepted", "supports", 3, "official", editor)


def test_accepted_evidence_shows_on_the_public_claim_page_at_once(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source, title="Evidence of a wall")
    before = Client().get("/claims/scaling-wall/").content.decode()
    assert "Evidence of a wall" not in before
    editor_client.post(f"/curate/evidence/{ev.pk}/accept/", _accept_data(ev, stance="contradicts"))
    after = Client().get("/claims/scaling-wall/").content.decode()
    assert "Evidence of a wall" in after
    assert "contradicts" in after


def test_accepting_records_a_revision_before_and_after_and_an_audit_entry(editor, editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source)
    editor_client.post(f"/curate/evidence/{ev.pk}/accept/", _accept_data(ev))
    revisions = list(Revision.objects.filter(target="evidence", object_id=ev.pk).order_by("created", "id"))
    assert [r.snapshot["state"] for r in revisions] == ["suggested", "accepted"]
    assert revisions[1].user == editor and "stance" in revisions[1].changed_fields
    entry = AuditEntry.objects.get(action="evidence.accepted")
    assert (entry.actor, entry.claim, entry.target_id) == (editor, claim, ev.pk)


def test_plain_post_accept_redirects_back_to_the_queue_with_a_message(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source, title="No-JS item")
    response = editor_client.post(f"/curate/evidence/{ev.pk}/accept/", _accept_data(ev), follow=True)
    assert response.redirect_chain == [("/curate/", 302)]
    assert "Accepted: “No-JS item”." in response.content.decode()


def test_reject_needs_a_reason_htmx_shows_the_error_in_the_row(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source)
    response = editor_client.post(f"/curate/evidence/{ev.pk}/reject/", {f"reject-{ev.pk}-reason": " "}, headers=HTMX)
    assert response.status_code == 200
    assert "Say why this suggestion is rejected." in response.content.decode()
    ev.refresh_from_db()
    assert ev.state == "suggested"


def test_reject_without_reason_by_plain_post_is_400_with_the_error(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source)
    response = editor_client.post(f"/curate/evidence/{ev.pk}/reject/", {f"reject-{ev.pk}-reason": ""})
    assert response.status_code == 400
    assert "Say why this suggestion is rejected." in response.content.decode()
    ev.refresh_from_db()
    assert ev.state == "suggested"


def test_reject_with_reason_keeps_the_reason_as_the_note(editor, editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source)
    response = editor_client.post(f"/curate/evidence/{ev.pk}/reject/", {f"reject-{ev.pk}-reason": "About chips, not this."},
                                  headers=HTMX)
    assert "<strong>Rejected</strong>" in response.content.decode()
    assert "About chips, not this." in response.content.decode()
    ev.refresh_from_db()
    assert (ev.state, ev.note) == ("rejected", "About chips, not this.")
    assert AuditEntry.objects.get(action="evidence.rejected").data == {"reason": "About chips, not this."}


def test_a_tampered_choice_is_refused_and_changes_nothing(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source)
    response = editor_client.post(f"/curate/evidence/{ev.pk}/accept/", _accept_data(ev, stance="adores", strength="9"))
    assert response.status_code == 400
    ev.refresh_from_db()
    assert ev.state == "suggested"


def test_deciding_twice_does_not_overwrite_the_first_decision(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source)
    editor_client.post(f"/curate/evidence/{ev.pk}/accept/", _accept_data(ev, stance="supports"))
    response = editor_client.post(f"/curate/evidence/{ev.pk}/reject/", {f"reject-{ev.pk}-reason": "late"},
                                  headers=HTMX)
    assert "already accepted" in response.content.decode()
    ev.refresh_from_db()
    assert (ev.state, ev.stance) == ("accepted", "supports")


def test_deciding_a_missing_suggestion_is_404(editor_client, db):
    assert editor_client.post("/curate/evidence/999999/accept/", {}).status_code == 404


def test_bulk_accept_as_context_decides_every_ticked_row(editor_client, claim, feed_source):
    rows = [suggestion(claim, feed_source) for _ in range(3)]
    untouched = suggestion(claim, feed_source)
    response = editor_client.post("/curate/evidence/bulk/", {"ids": [r.pk for r in rows], "action": "accept_context"},
                                  follow=True)
    assert "3 suggestions accepted as context." in response.content.decode()
    assert set(Evidence.objects.filter(pk__in=[r.pk for r in rows]).values_list("state", "stance")) == {
        ("accepted", "context")}
    untouched.refresh_from_db()
    assert untouched.state == "suggested"
    assert AuditEntry.objects.filter(action="evidence.accepted").count() == 3


def test_bulk_reject_needs_a_reason(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source)
    response = editor_client.post("/curate/evidence/bulk/", {"ids": [ev.pk], "action": "reject", "reason": ""},
                                  follow=True)
    assert "Say why these suggestions are rejected." in response.content.decode()
    ev.refresh_from_db()
    assert ev.state == "suggested"


def test_bulk_reject_skips_rows_already_decided_and_says_so(editor_client, claim, feed_source):
    fresh, done = suggestion(claim, feed_source), suggestion(claim, feed_source)
    Evidence.objects.filter(pk=done.pk).update(state="accepted")
    response = editor_client.post("/curate/evidence/bulk/", {"ids": [fresh.pk, done.pk], "action": "reject",
                                                              "reason": "Duplicates"}, follow=True)
    assert "1 suggestion rejected. 1 skipped" in response.content.decode()
    assert Evidence.objects.get(pk=done.pk).state == "accepted"
    assert Evidence.objects.get(pk=fresh.pk).note == "Duplicates"


def test_bulk_with_nothing_ticked_or_garbage_ids_changes_nothing(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source)
    for data in ({"action": "accept_context"}, {"ids": ["x"], "action": "accept_context"},
                 {"ids": [ev.pk], "action": "delete_everything"}):
        assert editor_client.post("/curate/evidence/bulk/", data).status_code == 302
    ev.refresh_from_db()
    assert ev.state == "suggested"


def test_bad_page_parameter_is_400(editor_client, db):
    assert editor_client.get("/curate/?page=abc").status_code == 400
    assert editor_client.get("/curate/?page=0").status_code == 400


def _queue_with(n, claim, source):
    from editorial.checks import VALUE_MOVED

    for _ in range(n):
        suggestion(claim, source)
    for i in range(n // 5):
        op = Measure.objects.create(claim=claim, description=f"t{i}", kind="frontier_at", attribute="training_compute_flop",
                                               threshold=1)
        ProposedVerdict.objects.create(claim=claim, measure=op, proposed_status="supported",
                                       outcome="met", reason="r")
        # Values moved by n // 5 runs, two each.
        AuditEntry.objects.bulk_create(
            AuditEntry(action=VALUE_MOVED, target_type="measure", target_id=op.pk, claim=claim, summary="moved",
                       data={"run": 100 + i, "source": "src", "as_of": "2025-06-02T00:00:00+00:00", "measure": f"t{i}",
                             "before": 1.0, "after": float(line)}) for line in (2, 3))


@pytest.mark.parametrize("n", [5, 50])
def test_queue_query_count_is_the_same_for_5_and_50_suggestions(editor_client, claim, feed_source,
                                                                  django_assert_num_queries, n):
    _queue_with(n, claim, feed_source)
    # 1 session, 2 user, 3 user permissions, 4 group permissions, 5 evidence counts,
    # 6 suggestions with claim, item and item source, 7 pending proposals with claim and test,
    # 8 values moved by ingest runs, with their claims.
    with django_assert_num_queries(8):
        response = editor_client.get("/curate/")
    # 20 a page: the rest wait on the next pages.
    assert response.content.decode().count('class="suggestion state-suggested"') == min(n, 20)
    assert response.content.decode().count('class="proposal"') == n // 5
    # The latest five runs, each with its lines.
    assert response.content.decode().count('class="impact"') == min(n // 5, 5)


def test_markdown_notes_are_rendered_without_scripts_handlers_or_javascript_links():
    html = render_markdown('**ok** <script>alert(1)</script> [x](javascript:alert(1)) '
                           '<img src=x onerror=alert(1)> [fine](https://example.org)\n\n# Big')
    assert "<strong>ok</strong>" in html
    assert "<script>" not in html and "<img" not in html
    assert 'href="javascript:' not in html
    assert '<a href="https://example.org" rel="nofollow noopener noreferrer">fine</a>' in html
    assert "<h3>Big</h3>" in html


def test_accepted_evidence_is_in_the_claims_own_feed_at_once(editor_client, claim, feed_source,
                                                             django_capture_on_commit_callbacks):
    ev = suggestion(claim, feed_source, title="Evidence for the feed")
    reader = Client()
    before = reader.get("/feeds/claims/scaling-wall.atom")
    assert before.status_code == 200 and "Evidence for the feed" not in before.content.decode()
    # The accept commits: the claims generation it advances reaches the cache on commit, which
    # feed stamps are keyed on.
    with django_capture_on_commit_callbacks(execute=True):
        editor_client.post(f"/curate/evidence/{ev.pk}/accept/", _accept_data(ev))
    # A reader holding the old ETag must get the new feed, not a 304.
    after = reader.get("/feeds/claims/scaling-wall.atom", headers={"If-None-Match": before["ETag"]})
    assert after.status_code == 200
    assert "Evidence for the feed" in after.content.decode()


def test_queue_is_paged_twenty_a_page_oldest_first(editor_client, claim, feed_source):
    items = [suggestion(claim, feed_source, title=f"Paper number {i:02d}") for i in range(45)]
    first = editor_client.get("/curate/").content.decode()
    assert first.count('class="suggestion state-suggested"') == 20
    assert "Page 1 of 3" in first and 'href="?page=2#suggestions-h" rel="next"' in first
    assert "Paper number 00" in first and "Paper number 19" in first and "Paper number 20" not in first
    last = editor_client.get("/curate/?page=3").content.decode()
    assert last.count('class="suggestion state-suggested"') == 5
    assert "Paper number 44" in last and 'rel="prev"' in last
    assert len(items) == 45


def test_queue_abstracts_are_collapsed(editor_client, claim, feed_source):
    ev = suggestion(claim, feed_source, title="A long abstract", summary="<p>We scale transformers to 1e26 FLOP.</p>")
    html = editor_client.get("/curate/").content.decode()
    row = html.split(f'id="evidence-{ev.pk}"', 1)[1].split("</li>", 1)[0]
    assert '<details class="item-summary">' in row and "<details class=\"item-summary\" open" not in row
    assert "<summary>Abstract<span class=\"visually-hidden\"> of “A long abstract”</span></summary>" in row
    assert "We scale transformers to 1e26 FLOP." in row


def test_editors_note_is_shown_publicly_with_the_evidence(editor_client, claim, feed_source):
    from django.test import Client

    ev = suggestion(claim, feed_source, title="Scaling paper")
    editor_client.post(f"/curate/evidence/{ev.pk}/accept/",
                       _accept_data(ev, note="Shows **no wall** up to 1e25 FLOP. <script>x</script>"))
    page = Client().get(claim.get_absolute_url() + "?tab=supports").content.decode()
    note = page[page.index('<div class="editor-note">'):]
    note = note[:note.index("</div>")]
    assert "Editor’s note" in note and "(edna)" in note
    assert "Shows <strong>no wall</strong> up to 1e25 FLOP." in note
    assert "<script>" not in note


# ---------------------------------------------------------------- a run's blast radius

def _ingest_notable(path=None):
    from ingest.bundled import register_bundled_sources
    from ingest.models import DataSource, IngestRun
    from tests.ingest_fixtures import run_once

    source = {s.slug: s for s in register_bundled_sources()}["epoch-notable-models"]
    if path:
        source = DataSource.objects.get(pk=source.pk)
        source.path = path
        source.save()
    run = run_once(source)
    assert run.status == IngestRun.Status.OK, (run.error, run.hold_reasons)
    return run


def test_a_run_that_moves_a_measure_value_shows_in_the_queue_with_before_after_and_its_diff(
        editor_client, staff_client, claim, tmp_path, django_capture_on_commit_callbacks):
    from editorial.checks import VALUE_MOVED
    from measures import results
    from tests.ingest_fixtures import newer, notable_rows, write_notable

    _ingest_notable()
    costliest = Measure.objects.create(claim=claim, description="Costliest training run", kind="frontier_at",
                                       attribute="training_compute_cost_usd")
    params = Measure.objects.create(claim=claim, description="Most parameters", kind="frontier_at",
                                    attribute="parameters")
    results.refresh(costliest)
    results.refresh(params)
    before = costliest.value
    assert before and before < 5e9
    header, rows = notable_rows()
    # A newer export with a model that cost more than any before it (and few parameters).
    path = write_notable(tmp_path / "notable.csv", header,
                         newer(header, rows, {"Training compute cost (2023 USD)": "5e9"}))
    with django_capture_on_commit_callbacks(execute=True):
        run = _ingest_notable(path)
    moved = AuditEntry.objects.get(action=VALUE_MOVED)
    assert (moved.target_id, moved.claim, moved.data["run"]) == (costliest.pk, claim, run.pk)
    assert (moved.data["before"], moved.data["after"]) == (pytest.approx(before), 5e9)
    html = editor_client.get("/curate/").content.decode()
    section = html.split('id="impacts-h"', 1)[1].split("</section>", 1)[0]
    assert f'<a href="/ingest/runs/{run.pk}/#diff">Run {run.pk} of Epoch AI: notable AI models</a>' in section
    assert '<time datetime="2025-06-02T00:00:00+00:00">2 Jun 2025</time>' in section
    assert "1 value moved" in section
    # GPT-4's $40.6M was the costliest run in the real export.
    assert "“Costliest training run” 4.06e+07 → 5e+09" in section
    assert "Most parameters" not in section  # its value did not move
    # The run page lists the same blast radius (ingest asks the apps that registered for it).
    page = staff_client.get(f"/ingest/runs/{run.pk}/").content.decode()
    radius = page.split('id="blast-radius"', 1)[1].split("<h2", 1)[0]
    assert (f'<a href="/curate/claims/{claim.slug}/tests/">{claim.title}: “Costliest training run”</a>: '
            f"4.06e+07 → 5e+09") in radius
    errors = nu_errors([("/curate/", html.encode()), (f"/ingest/runs/{run.pk}/", page.encode())], tmp_path)
    assert not errors, "\n".join(errors)


def test_a_run_that_moves_no_measure_value_adds_nothing_to_the_queue(editor_client, claim, tmp_path,
                                                                      django_capture_on_commit_callbacks):
    from editorial.checks import VALUE_MOVED
    from measures import results
    from tests.ingest_fixtures import newer, notable_rows, write_notable

    _ingest_notable()
    op = Measure.objects.create(claim=claim, description="Costliest training run", kind="frontier_at",
                                attribute="training_compute_cost_usd")
    results.refresh(op)
    header, rows = notable_rows()
    with django_capture_on_commit_callbacks(execute=True):
        _ingest_notable(write_notable(tmp_path / "notable.csv", header, newer(header, rows)))
    assert not AuditEntry.objects.filter(action=VALUE_MOVED).exists()
    assert "No ingest run has moved a measure" in editor_client.get("/curate/").content.decode()


# ---------------------------------------------------------------- suggestions, batched

def test_feed_runs_finishing_together_share_one_suggestion_batch(seeded, http_server,
                                                                 django_capture_on_commit_callbacks):
    from django.core.cache import cache

    from editorial import tasks
    from tests.test_suggest import WALL, feed_run

    # A batch is already queued (the first run of the burst queued it): later runs join it.
    assert cache.add(tasks.BATCH_QUEUED, 0, timeout=60)
    with django_capture_on_commit_callbacks(execute=True):
        first = feed_run(http_server, slug="notes")
        second = feed_run(http_server, body=WALL.replace(b"<guid>wall</guid>", b"<guid>wall-2</guid>"), slug="more")
    assert not Evidence.objects.filter(feed_item__isnull=False).exists()
    # The queued batch, as the worker runs it: both runs' items, and the next run queues anew.
    made = tasks.suggest_evidence_task()
    per_run = Evidence.objects.filter(feed_item__run=first).count()
    assert per_run >= 1 and made == 2 * per_run == Evidence.objects.filter(feed_item__run=second).count() * 2
    assert cache.get(tasks.BATCH_QUEUED) is None
    with django_capture_on_commit_callbacks(execute=True):
        third = feed_run(http_server, body=WALL.replace(b"<guid>wall</guid>", b"<guid>wall-3</guid>"), slug="third")
    assert Evidence.objects.filter(feed_item__run=third).count() == per_run
    # Batches overlap; a run suggested twice gets no second suggestion.
    assert tasks.suggest_evidence_task() == 0
