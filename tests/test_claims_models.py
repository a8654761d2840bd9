import datetime as dt

import pytest

from claims.dates import format_partial_date, iso_partial_date, parse_partial_date
from claims.history import record_revision, revisions_for
from claims.models import Claim
from claims.track_record import track_record

from . import factories


@pytest.mark.parametrize(
    "text, date, precision, shown, iso",
    [
        ("2022", dt.date(2022, 1, 1), "year", "2022", "2022"),
        ("2016-03", dt.date(2016, 3, 1), "month", "March 2016", "2016-03"),
        ("2025-04-10", dt.date(2025, 4, 10), "day", "10 April 2025", "2025-04-10"),
        (None, None, "unknown", "date unknown", ""),
    ],
)
def test_partial_dates_keep_their_precision(text, date, precision, shown, iso):
    assert parse_partial_date(text) == (date, precision)
    assert format_partial_date(date, precision) == shown
    assert iso_partial_date(date, precision) == iso


def test_a_malformed_partial_date_is_refused():
    with pytest.raises(ValueError, match="not a YYYY"):
        parse_partial_date("spring 2022")


def test_published_hides_drafts_and_reviews(db):
    shown = factories.claim()
    factories.claim(editorial_state=Claim.EditorialState.DRAFT)
    factories.claim(editorial_state=Claim.EditorialState.IN_REVIEW)
    assert list(Claim.objects.published()) == [shown]


def test_revision_records_changed_fields_and_skips_identical_saves(db):
    t = factories.topic()
    c = factories.claim(topics=[t])
    first = record_revision(c, comment="created")
    assert first is not None and "quote" in first.changed_fields
    assert record_revision(c) is None  # nothing changed, nothing stored
    c.status = Claim.Status.SUPPORTED
    c.save()
    second = record_revision(c, comment="verdict")
    assert second.changed_fields == ["status"]
    assert second.snapshot["topics"] == [t.slug]
    assert [r.comment for r in revisions_for(c)] == ["verdict", "created"]


def test_track_record_counts_every_status_in_its_own_column(db):
    t = factories.topic(name="Scaling")
    claims = [
        factories.claim(status="resolved_true", topics=[t]),
        factories.claim(status="resolved_false", topics=[t]),
        factories.claim(status="supported", topics=[t]),
        factories.claim(status="open"),
    ]
    record = track_record(Claim.objects.filter(pk__in=[c.pk for c in claims]).prefetch_related("topics"))
    overall = {key: n for key, _label, n in record["overall"]}
    # "supported so far" is not folded into "open"; statuses nobody has get no column.
    assert overall == {"open": 1, "supported": 1, "resolved_true": 1, "resolved_false": 1}
    assert record["total"] == 4
    (topic, cells), = record["by_topic"]
    assert topic == t and dict((k, n) for k, _l, n in cells) == {
        "open": 0, "supported": 1, "resolved_true": 1, "resolved_false": 1}
    (summary,) = record["resolved"]["by_topic"]
    assert summary.topic == t and summary.n == 2 and summary.true_share == 50
    assert record["resolved"]["overall"].n == 2


def test_named_querysets_count_and_show_only_published_claims(db):
    from claims.models import Evidence, Person, Topic, Verdict

    t, p = factories.topic(), factories.person()
    shown = factories.claim(topics=[t], person=p)
    draft = factories.claim(topics=[t], person=p, editorial_state="draft")
    factories.person()  # no claims at all
    assert Topic.objects.with_published_counts().get(pk=t.pk).n == 1
    assert list(Person.objects.with_published_claims()) == [p]
    Verdict.objects.create(claim=shown, status="supported", rationale="r")
    Verdict.objects.create(claim=draft, status="supported", rationale="r")
    assert [v.claim for v in Verdict.objects.public()] == [shown]
    Evidence.objects.create(claim=shown, state="accepted", summary="ok")
    Evidence.objects.create(claim=shown, state="accepted", summary="")  # nothing to show
    Evidence.objects.create(claim=draft, state="accepted", summary="hidden")
    Evidence.objects.create(claim=shown, state="suggested", summary="pending")
    assert [e.summary for e in Evidence.objects.newest_public()] == ["ok"]
    assert Evidence.objects.public().count() == 2
