from claims.models import Claim, Person, Revision, Source, Topic, Verdict
from claims.seed import load_seed


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
