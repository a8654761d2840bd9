"""/people/<slug>/ at any size: 50 claims a page, and a track record counted, not loaded."""

import datetime as dt

import pytest

from claims.models import Claim
from claims.track_record import person_track_record, track_record
from reader.views import PERSON_PAGE

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)  # real commits: generations publish on commit


@pytest.fixture
def prolific():
    """A person with 60 published claims (and a draft), over two topics, every status."""
    person = factories.person(slug="prolific", name="Prolific Person")
    topics = [factories.topic(slug="alpha", name="Alpha"), factories.topic(slug="beta", name="Beta")]
    statuses = [s for s, _ in Claim.Status.choices]
    claims = [factories.claim(person=person, status=statuses[i % len(statuses)],
                              topics=[topics[0]] + ([topics[1]] if i % 3 == 0 else []) if i % 10 else [],
                              date_made=dt.date(2010, 1, 1) + dt.timedelta(days=i), title=f"Prolific {i:02d}")
              for i in range(60)]
    factories.claim(person=person, editorial_state=Claim.EditorialState.DRAFT, title="Prolific draft")
    factories.claim(title="Someone else's")
    return person, claims


def _shape(record):
    """A record with topics named, so one from loaded claims and one counted compare equal."""
    return {**record, "by_topic": [(t.name, cells) for t, cells in record["by_topic"]],
            "resolved": {"overall": record["resolved"]["overall"].counts,
                         "by_topic": [(r.topic.name, r.counts) for r in record["resolved"]["by_topic"]]}}


def test_the_counted_track_record_equals_the_one_from_loaded_claims(prolific):
    person, _ = prolific
    loaded = track_record(Claim.objects.published().filter(person=person).prefetch_related("topics"))
    assert _shape(person_track_record(person)) == _shape(loaded)
    assert person_track_record(person)["total"] == 60


def test_the_person_page_shows_fifty_claims_a_page_oldest_first(client, prolific):
    person, claims = prolific
    first = client.get("/people/prolific/")
    assert [c.pk for c in first.context["page"]] == [c.pk for c in claims[:PERSON_PAGE]]
    html = first.content.decode()
    assert "1–50 of 60, oldest first." in html and "All claims (60)" in html
    assert 'href="?page=2&amp;after=' in html and "Prolific draft" not in html
    second = client.get("/people/prolific/?page=2")
    assert [c.pk for c in second.context["page"]] == [c.pk for c in claims[PERSON_PAGE:]]
    by_cursor = client.get(f"/people/prolific/?page=2&after={first.context['page'].next_cursor}")
    assert [c.pk for c in by_cursor.context["page"]] == [c.pk for c in claims[PERSON_PAGE:]]
    assert "All claims (60)" in second.content.decode()  # the record is the person's, not the page's


def test_a_bad_page_number_is_not_an_error_and_a_bad_cursor_a_400(client, prolific):
    assert client.get("/people/prolific/?page=abc").status_code == 200
    assert client.get("/people/prolific/?page=2&after=junk").status_code == 400
    assert client.get("/people/prolific/?page=999").context["page"].number == 2


def test_an_edit_shows_in_the_track_record_on_the_next_request(client, prolific):
    person, claims = prolific
    assert "All claims (60)" in client.get("/people/prolific/").content.decode()
    claims[0].person = None
    claims[0].save()
    claims[1].topics.clear()
    html = client.get("/people/prolific/").content.decode()
    assert "All claims (59)" in html and "51–59" not in html and "1–50 of 59" in html
    assert _shape(person_track_record(person)) == _shape(
        track_record(Claim.objects.published().filter(person=person).prefetch_related("topics")))


def test_the_person_page_costs_the_same_queries_with_sixty_claims_as_with_one(client, prolific,
                                                                             django_assert_num_queries):
    factories.claim(person=factories.person(slug="once"), topics=[factories.topic()])
    for slug in ("prolific", "once"):
        with django_assert_num_queries(5):  # person, record (overall, by topic), page of claims, their topics
            client.get(f"/people/{slug}/")
