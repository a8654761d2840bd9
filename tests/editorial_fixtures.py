"""Shared fixtures for the editorial tests: personas, clients, suggestions.

Import what a module needs by name, e.g.
``from tests.editorial_fixtures import editor, editor_client, private_cache``.
"""

import datetime as dt
import itertools
import uuid

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.utils import timezone

from claims.models import Evidence
from editorial.roles import ensure_editors_group
from ingest.models import DataSource, FeedItem, IngestRun

PASSWORD = "correct horse battery staple 42"
_seq = itertools.count(1)


@pytest.fixture(autouse=False)
def private_cache(settings):
    """A per-test in-memory cache: login failure counts must not leak between tests or runs."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex}
    }
    yield


@pytest.fixture
def fast_passwords(settings):
    """PBKDF2 is slow by design; the login tests hash dozens of times, so hash cheaply here."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def make_user(django_user_model, username, *, editor=False, staff=False, superuser=False):
    user = django_user_model.objects.create(username=username, password=make_password(PASSWORD),
                                            is_staff=staff, is_superuser=superuser)
    if editor:
        user.groups.add(ensure_editors_group())
    return user


@pytest.fixture
def editor(db, django_user_model):
    return make_user(django_user_model, "edna", editor=True)


@pytest.fixture
def admin(db, django_user_model):
    return make_user(django_user_model, "ada", staff=True, superuser=True)


@pytest.fixture
def reader(db, django_user_model):
    """Signed in, but in no group: an account with no editorial rights."""
    return make_user(django_user_model, "rita")


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor_client(editor):
    return client_for(editor)


@pytest.fixture
def staff_client(admin):
    return client_for(admin)


@pytest.fixture
def feed_source(db):
    return DataSource.objects.create(slug="test-feed", name="Test feed", kind=DataSource.Kind.FEED,
                                     path="ingest/snapshots/feeds/none.xml")


def suggestion(claim, source: DataSource, *, title=None, summary="<p>An item <b>about</b> scaling.</p>",
               reason="Topic “Scaling”: the item mentions scaling. Text: 2 shared terms.", link=None):
    """A stored feed item and a suggested Evidence row linking it to `claim`, as ingest makes them."""
    n = next(_seq)
    run = IngestRun.objects.create(source=source, status=IngestRun.Status.OK, finished_at=timezone.now())
    item = FeedItem.objects.create(
        source=source, guid=f"guid-{n}", title=title or f"Feed item {n} on scaling", run=run,
        link=link if link is not None else f"https://example.org/items/{n}", summary=summary,
        published=timezone.now() - dt.timedelta(days=n),
    )
    return Evidence.objects.create(claim=claim, feed_item=item, state=Evidence.State.SUGGESTED, match_reason=reason)
