import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from claims import services
from claims.backing import Backing, backings, register_backer, require_backing, unregister_backer
from claims.history import record_revision
from claims.models import Attribution, Claim, Evidence, Person, Revision, Source, Topic, Verdict
from claims.seed import SEED_DIR, UnbackedSeedStatus, load_seed
from tests import factories
from tests.editorial_fixtures import editor, editor_client, private_cache  # noqa: F401  (fixtures)



def _counts():
    return {m.__name__: m.objects.count() for m in (Claim, Person, Topic, Source, Verdict, Revision)}


def test_loading_the_seed_twice_gives_the_same_counts(db):
    first = load_seed()
    after_first = _counts()
    second = load_seed()
    assert _counts() == after_first
    assert sum(second.created.values()) == 0
    assert second.existing == sum(first.created.values()) - first.created["verdicts"]
    assert after_first["Claim"] >= 50 and after_first["Source"] == 5


def test_seed_keeps_editor_changes_on_reload(seeded):
    claim = Claim.objects.get(slug="marcus-deep-learning-hitting-a-wall")
    claim.title = "Edited by an editor"
    claim.save()
    load_seed()
    claim.refresh_from_db()
    assert claim.title == "Edited by an editor"


def test_marcus_wall_claim_is_verbatim_with_year_precision(seeded):
    claim = Claim.objects.get(slug="marcus-deep-learning-hitting-a-wall")
    assert "deep learning is hitting a wall" in claim.quote
    assert claim.person.name == "Gary Marcus"
    assert (claim.date_made.year, claim.date_precision) == (2022, "year")
    assert claim.quote in claim.source.excerpt  # verbatim in the archived document


def test_undated_claims_stay_unknown(seeded):
    claim = Claim.objects.get(slug="sutskever-era-of-research-with-big-compute")
    assert claim.date_made is None and claim.date_precision == "unknown"
    assert claim.date_display == "date unknown"


def test_huszar_2016_predictions_are_resolved_with_his_reasoning(seeded):
    resolved = Claim.objects.filter(person__slug="ferenc-huszar", date_made__year=2016)
    assert resolved.count() >= 5
    for claim in resolved:
        assert claim.is_resolved, claim.slug
        assert claim.verdict_rationale
        verdict = claim.verdicts.get()
        assert verdict.status == claim.status and verdict.as_of.year == 2026


def test_every_seed_source_is_titled_by_its_first_line(seeded):
    for source in Source.objects.all():
        assert source.excerpt.splitlines()[0].strip() == source.title


def test_seed_claims_are_published_with_an_initial_revision(seeded):
    assert not Claim.objects.exclude(editorial_state="published").exists()
    assert Revision.objects.filter(target="claim").count() == Claim.objects.count()


# --- quote and framing apart, attributions, seeded evidence, backed statuses ---------------

def test_every_seed_status_is_backed_once_loaded(seeded):
    for claim in Claim.objects.exclude(status="open"):
        kinds = {b.kind for b in backings(claim)}
        assert kinds & {"evidence", "claimant"}, claim.slug
    huszar = Claim.objects.get(slug="huszar-2016-probabilistic-programming-like-theano")
    own = huszar.evidence.get(summary="To say the least, that did not happen")
    assert (own.state, own.stance, own.tier, own.by_claimant, own.source.key) == (
        "accepted", "contradicts", "official", True, "004")
    assert huszar.evidence_count == 2


def test_seed_evidence_and_attributions_load_once(seeded):
    first = (Evidence.objects.count(), Attribution.objects.count())
    assert first[0] >= 15 and first[1] >= 10
    again = load_seed()
    assert (Evidence.objects.count(), Attribution.objects.count()) == first
    assert again.created["evidence"] == again.created["attributions"] == 0


def test_the_loader_refuses_a_status_nothing_backs(db, tmp_path):
    data = json.loads((SEED_DIR / "claims.json").read_text(encoding="utf-8"))
    for spec in data["claims"]:
        if spec["slug"] == "mollick-meta-xai-failed-to-keep-parity":
            spec["status"], spec["verdict_rationale"] = "supported", "Says who?"
    (tmp_path / "documents").symlink_to(SEED_DIR / "documents")
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UnbackedSeedStatus, match="mollick-meta-xai-failed-to-keep-parity"):
        load_seed(path)
    assert not Claim.objects.exists()  # all or nothing


def test_claim_page_shows_the_essays_framing_apart_from_the_quote(client, seeded):
    html = client.get("/claims/marcus-deep-learning-hitting-a-wall/").content.decode()
    quote = html.split('<blockquote class="quote">', 1)[1].split("</blockquote>", 1)[0]
    assert "deep learning is hitting a wall" in quote and "his 2022 prediction" not in quote
    framing = html.split('<figure class="framing">', 1)[1].split("</figure>", 1)[0]
    assert "is being validated by the very companies" in framing and "The essay's framing" in framing
    assert "(000)" not in html and "the seed" not in html.lower()


def test_claim_page_shows_every_attribution_of_the_disputed_words(client, seeded):
    html = client.get("/claims/marcus-current-architectures-not-enough/").content.decode()
    section = html.split('class="attributions"', 1)[1].split("</ul>", 1)[0]
    assert section.count("<li>") == 3
    assert "leading AI companies (their own acknowledgment)" in section
    assert "Gary Marcus, a message referencing his 2022 paper" in section
    assert "Why Current Architectures Hit a Wall" in section
    assert "The essays disagree on who said these words." in html
    agreed = client.get("/claims/clark-ai-progress-accelerating-stakes-higher/").content.decode()
    assert "Each essay that carries them" in agreed and "disagree on who said" not in agreed


def test_a_reported_claim_says_it_is_not_a_direct_quote(client, seeded):
    html = client.get("/claims/lecun-intelligence-needs-physical-world/").content.decode()
    assert "Not a direct quote" in html and "does not quote Yann LeCun directly" in html
    assert "Not a direct quote" not in client.get("/claims/primeagen-rushed-into-agents/").content.decode()


def test_the_verdict_service_refuses_an_unbacked_status_and_accepts_a_backed_one(db, editor):
    claim = factories.claim(slug="b1")
    with pytest.raises(ValidationError, match="needs backing"):
        services.change_verdict(claim, user=editor, status="supported", rationale="Looks right.")
    Evidence.objects.create(claim=claim, summary="Only context.", stance="context", state="accepted")
    with pytest.raises(ValidationError, match="needs backing"):
        services.change_verdict(claim, user=editor, status="supported", rationale="Looks right.")
    Evidence.objects.create(claim=claim, summary="A rival's suggestion.", stance="supports", state="suggested")
    with pytest.raises(ValidationError, match="needs backing"):
        services.change_verdict(claim, user=editor, status="supported", rationale="Looks right.")
    Evidence.objects.create(claim=claim, summary="Scores doubled.", stance="supports", state="accepted")
    assert services.change_verdict(claim, user=editor, status="supported", rationale="Scores doubled.").status == \
        "supported"
    assert services.change_verdict(claim, user=editor, status="open", rationale="Reopened.").status == "open"


def test_the_editors_verdict_form_shows_the_backing_error(editor_client, db):
    factories.claim(slug="b2")
    response = editor_client.post("/curate/claims/b2/verdict/", {"status": "contradicted", "rationale": "No."})
    assert response.status_code == 400
    assert "needs backing" in response.content.decode()
    assert Claim.objects.get(slug="b2").status == "open"


def test_a_registered_backer_such_as_a_measure_result_backs_a_status(db):
    claim = factories.claim(slug="b3")
    with pytest.raises(ValidationError):
        require_backing(claim, "resolved_true")
    register_backer("test.measure", lambda c: [Backing("measure", "GPQA best ≥ 0.8: met")] if c.pk == claim.pk else [])
    try:
        assert require_backing(claim, "resolved_true") == [Backing("measure", "GPQA best ≥ 0.8: met")]
    finally:
        unregister_backer("test.measure")
    assert Client().get("/claims/b3/").status_code == 200


INTERNAL = ("(000)", "(001)", "(002)", "(003)", "(004)", "_a5abf63875826dbe", ".txt", "the seed", "seed data")


@pytest.mark.parametrize("url", [
    "/feeds/claims.rss", "/feeds/verdicts.atom", "/feeds/people/gary-marcus.atom", "/claims.json", "/claims.csv",
    "/claims/marcus-deep-learning-hitting-a-wall.json", "/claims/constraints-diffusion-beats-gans/",
    "/people/ferenc-huszar/", "/people/theprimeagen/",
])
def test_public_pages_feeds_and_downloads_show_no_internal_ids_file_names_or_the_seed(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode().lower()
    assert [marker for marker in INTERNAL if marker.lower() in text] == []


def test_reloading_corrects_defects_left_by_an_earlier_seed_but_keeps_editors_changes(seeded):
    """A database seeded before the fixes holds the old defects; a reload fixes only untouched ones."""
    old_rationale = ("The seed (000) reports that the prediction is being validated by the very companies that "
                     "initially dismissed such concerns, which now say current architectures are not enough.")
    Claim.objects.filter(slug="marcus-deep-learning-hitting-a-wall").update(
        quote='his 2022 prediction that "deep learning is hitting a wall"', verdict_rationale=old_rationale)
    Verdict.objects.filter(claim__slug="marcus-deep-learning-hitting-a-wall").update(rationale=old_rationale)
    Claim.objects.filter(slug="huszar-2016-phd-vs-residency-depends").update(date_made="2016-01-01")
    Claim.objects.filter(slug="sutskever-era-of-research-with-big-compute").update(quote="An editor's own wording")
    Person.objects.filter(slug="theprimeagen").update(
        bio="Software engineer and programming streamer/YouTuber, formerly an engineer at Netflix.")
    record_revision(Claim.objects.get(slug="marcus-deep-learning-hitting-a-wall"), comment="As first seeded.")

    counts = load_seed()

    wall = Claim.objects.get(slug="marcus-deep-learning-hitting-a-wall")
    assert wall.quote == "deep learning is hitting a wall" and "(000)" not in wall.verdict_rationale
    assert "(000)" not in wall.verdicts.get().rationale
    assert Claim.objects.get(slug="huszar-2016-phd-vs-residency-depends").date_made.year == 2015
    assert Claim.objects.get(slug="sutskever-era-of-research-with-big-compute").quote == "An editor's own wording"
    assert "formerly" not in Person.objects.get(slug="theprimeagen").bio
    assert counts.created["corrections"] == 5  # quote, rationale, date, the verdict row, the bio
    assert wall.revisions.first().comment.startswith("Corrected against “Deep Learning's Evolution")
