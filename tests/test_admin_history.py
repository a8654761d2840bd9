"""History that cannot be erased: revisions and verdicts are read-only in the admin, and
admin edits of claims go through the editors' services (revision + audit entry)."""

import datetime as dt

import pytest

from claims import services
from claims.models import Claim, Evidence, Revision, Verdict
from editorial.models import AuditEntry

from . import factories


@pytest.fixture
def claim(db, admin_user):
    topic = factories.topic(slug="walls", name="Walls")
    claim = factories.claim(slug="walls-claim", title="Deep learning is hitting a wall", topics=[topic],
                            editorial_state=Claim.EditorialState.DRAFT)
    # A status other than open needs backing (claims/backing.py): one accepted piece each way.
    for stance in ("supports", "contradicts"):
        Evidence.objects.create(claim=claim, source=factories.source(), stance=stance, state="accepted", summary=stance)
    services.change_verdict(claim, user=admin_user, status="mixed", rationale="Some for, some against.")
    claim.refresh_from_db()
    return claim


def _form(claim, **changes):
    data = {
        "slug": claim.slug, "title": claim.title, "statement": claim.statement, "quote": claim.quote,
        "quote_kind": claim.quote_kind, "person": claim.person_id or "", "source": claim.source_id or "",
        "date_made": claim.date_made.isoformat() if claim.date_made else "", "date_precision": claim.date_precision,
        "kind": claim.kind, "topics": [t.pk for t in claim.topics.all()] if claim.pk else [], "deadline": "",
        "status": claim.status, "verdict_rationale": claim.verdict_rationale,
        "verdict_as_of": claim.verdict_as_of.isoformat() if claim.verdict_as_of else "",
        "verdict_as_of_precision": claim.verdict_as_of_precision, "editorial_state": claim.editorial_state,
        "verdicts-TOTAL_FORMS": "0", "verdicts-INITIAL_FORMS": "0", "verdicts-MIN_NUM_FORMS": "0",
        "verdicts-MAX_NUM_FORMS": "1000", "_save": "Save",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_superuser_cannot_delete_or_change_revisions(admin_client, claim):
    revision = Revision.objects.filter(claim=claim).first()
    assert admin_client.get(f"/admin/claims/revision/{revision.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/claims/revision/{revision.pk}/delete/", {"post": "yes"}).status_code == 403
    changelist = admin_client.get("/admin/claims/revision/").content.decode()
    assert "delete_selected" not in changelist
    response = admin_client.post("/admin/claims/revision/", {"action": "delete_selected", "_selected_action": [revision.pk],
                                                            "post": "yes"})
    assert response.status_code in (200, 302)
    assert Revision.objects.filter(pk=revision.pk).exists()
    assert admin_client.get(f"/admin/claims/revision/{revision.pk}/change/").status_code == 200  # view only
    assert admin_client.post(f"/admin/claims/revision/{revision.pk}/change/", {"comment": "x"}).status_code == 403


def test_verdicts_are_read_only_in_the_admin(admin_client, claim):
    verdict = Verdict.objects.get(claim=claim)
    assert admin_client.get(f"/admin/claims/verdict/{verdict.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/claims/verdict/add/").status_code == 403
    before = verdict.rationale
    response = admin_client.post(f"/admin/claims/verdict/{verdict.pk}/change/", {"status": "supported",
                                                                                 "rationale": "rewritten"})
    assert response.status_code == 403
    verdict.refresh_from_db()
    assert verdict.rationale == before and verdict.status == "mixed"


def test_claims_and_evidence_cannot_be_deleted_in_the_admin(admin_client, claim):
    evidence = Evidence.objects.create(claim=claim, stance="supports", state="accepted", summary="s")
    assert admin_client.get(f"/admin/claims/claim/{claim.pk}/delete/").status_code == 403
    assert admin_client.get(f"/admin/claims/evidence/{evidence.pk}/delete/").status_code == 403
    assert Claim.objects.filter(pk=claim.pk).exists()


def test_an_admin_edit_writes_a_revision_and_an_audit_entry(admin_client, admin_user, claim):
    revisions = Revision.objects.filter(claim=claim).count()
    response = admin_client.post(f"/admin/claims/claim/{claim.pk}/change/", _form(claim, title="Deep learning hit a wall"))
    assert response.status_code == 302, response.content.decode()[:2000]
    claim.refresh_from_db()
    assert claim.title == "Deep learning hit a wall"
    assert Revision.objects.filter(claim=claim).count() == revisions + 1
    latest = Revision.objects.filter(claim=claim).order_by("-id").first()
    assert latest.user == admin_user and latest.comment == "Edited in the admin." and "title" in latest.changed_fields
    entry = AuditEntry.objects.filter(action="claim.updated", claim=claim).latest("id")
    assert entry.actor == admin_user and "title" in entry.data["fields"]


def test_an_admin_verdict_change_goes_through_the_verdict_service(admin_client, admin_user, claim):
    response = admin_client.post(f"/admin/claims/claim/{claim.pk}/change/", _form(
        claim, status="contradicted", verdict_rationale="Benchmarks kept rising.", verdict_as_of="2025-01-01",
        verdict_as_of_precision="day"))
    assert response.status_code == 302
    verdict = Verdict.objects.filter(claim=claim).latest("id")
    assert (verdict.status, verdict.rationale, verdict.as_of) == ("contradicted", "Benchmarks kept rising.",
                                                                  dt.date(2025, 1, 1))
    assert verdict.recorded_by == admin_user
    entry = AuditEntry.objects.filter(action="verdict.changed", claim=claim).latest("id")
    assert entry.data["via"] == "admin" and entry.data["to"] == "contradicted"


def test_an_admin_verdict_change_needs_a_rationale(admin_client, claim):
    response = admin_client.post(f"/admin/claims/claim/{claim.pk}/change/", _form(claim, status="supported",
                                                                                   verdict_rationale=""))
    assert response.status_code == 200 and "A verdict change needs a rationale." in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "mixed"


def test_the_admin_follows_the_editorial_state_steps(admin_client, claim):
    response = admin_client.post(f"/admin/claims/claim/{claim.pk}/change/", _form(claim, editorial_state="published"))
    assert response.status_code == 200 and "cannot move to published" in response.content.decode()
    assert admin_client.post(f"/admin/claims/claim/{claim.pk}/change/",
                             _form(claim, editorial_state="in_review")).status_code == 302
    claim.refresh_from_db()
    assert claim.editorial_state == "in_review"
    assert AuditEntry.objects.filter(action="claim.state_changed", claim=claim).exists()


def test_a_published_claim_keeps_its_slug_in_the_admin_too(admin_client, claim):
    Claim.objects.filter(pk=claim.pk).update(editorial_state="published")
    claim.refresh_from_db()
    response = admin_client.post(f"/admin/claims/claim/{claim.pk}/change/", _form(claim, slug="a-new-slug"))
    assert response.status_code == 200 and "keeps its slug" in response.content.decode()
    assert Claim.objects.filter(slug="walls-claim").exists()


def test_a_claim_added_in_the_admin_is_a_draft_with_its_record(admin_client, admin_user, db):
    topic = factories.topic(slug="t", name="T")
    blank = Claim(slug="new-claim", title="A new claim", statement="S.", quote="Q.", kind="assessment",
                  date_precision="unknown", status="open", verdict_as_of_precision="unknown",
                  editorial_state="draft")
    data = _form(blank, topics=[topic.pk])
    response = admin_client.post("/admin/claims/claim/add/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    claim = Claim.objects.get(slug="new-claim")
    assert claim.editorial_state == "draft" and list(claim.topics.all()) == [topic]
    assert AuditEntry.objects.filter(action="claim.created", claim=claim, actor=admin_user).exists()
    assert Revision.objects.filter(claim=claim, comment="Created in the admin.").exists()
