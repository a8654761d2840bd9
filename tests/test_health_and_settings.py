import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


ROOT = Path(__file__).resolve().parent.parent


def test_healthz_is_ok_when_database_and_broker_answer(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_naming_the_broker_when_it_is_down(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"  # nothing listens on port 9
    response = client.get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["status"] == "fail" and body["checks"]["database"] == "ok"
    assert body["checks"]["broker"] != "ok"


def _manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS"])
def test_production_refuses_to_start_without_required_settings(missing):
    env = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 60, "DJANGO_ALLOWED_HOSTS": "claimwatch.example"}
    del env[missing]
    result = _manage("check", **env)
    assert result.returncode != 0
    assert f"{missing} must be set when DJANGO_DEBUG=0" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY="k" * 30 + "Zq8#pL2@vX9!mN4$rT7%", DJANGO_ALLOWED_HOSTS="claimwatch.example",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("setting, told, variable, expected", [
    ("max_parallel_workers_per_gather", None, "DB_PARALLEL_WORKERS_PER_GATHER", "0"),
    ("max_parallel_workers_per_gather", "2", "DB_PARALLEL_WORKERS_PER_GATHER", "2"),
    ("jit", None, "DB_JIT", "off"),
    ("jit", "1", "DB_JIT", "on"),
])
def test_postgres_connections_start_no_parallel_workers_and_compile_no_plans_unless_told(
        setting, told, variable, expected):
    # A real PostgreSQL connection made with the settings the environment gives (the
    # server on loopback is there in every run mode here, SQLite ones included).
    code = ("from django.db import connection\n"
            "with connection.cursor() as c:\n"
            f"    c.execute('SHOW {setting}'); print(c.fetchone()[0])")
    env = {"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres"}
    if told is not None:
        env[variable] = told
    result = _manage("shell", "--no-imports", "-c", code, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [expected]


def test_a_malformed_boolean_setting_is_a_clear_error():
    result = _manage("check", DJANGO_DEBUG="perhaps")
    assert result.returncode != 0 and "DJANGO_DEBUG must be one of" in result.stderr


# --- Degrading without the cache ------------------------------------------------------

DEAD_CACHE = {"default": {"BACKEND": "project.cache.ResilientRedisCache", "LOCATION": "redis://127.0.0.1:9/0",
                          "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}


@pytest.fixture
def dead_cache(settings):
    """The production cache backend pointed at a port where nothing listens."""
    from django.core.cache import caches

    settings.CACHES = DEAD_CACHE
    caches._settings = None  # noqa: SLF001 - let the handler read the new settings
    yield caches["default"]


def test_the_resilient_cache_works_normally_against_a_real_redis(settings):
    from project.cache import ResilientRedisCache

    url = os.environ.get("CACHE_URL") or "redis://127.0.0.1:6379/4"
    cache = ResilientRedisCache(url, {"OPTIONS": {"socket_connect_timeout": 1}})
    try:
        cache.set("claimwatch-test-key", {"n": 1}, 30)
    except Exception:  # no Redis on this machine: nothing to compare against
        pytest.skip("no Redis at " + url)
    assert cache.get("claimwatch-test-key") == {"n": 1} and cache.errors == 0
    # One redis.Redis for every operation (building one per operation cost 110 us each).
    client = cache._cache.get_client("claimwatch-test-key")  # noqa: SLF001 - the reuse is what is tested
    assert cache._cache.get_client("other", write=True) is client  # noqa: SLF001
    assert cache.get_many(["claimwatch-test-key"]) == {"claimwatch-test-key": {"n": 1}} and cache.errors == 0
    cache.delete("claimwatch-test-key")


@pytest.mark.parametrize("path", ["/", "/claims/", "/claims/?q=wall&year=2022", "/topics/", "/people/", "/data/",
                                  "/timeline/", "/feeds/claims.rss"])
def test_pages_serve_with_the_cache_server_unreachable(client, seeded, dead_cache, caplog, path):
    response = client.get(path)
    assert response.status_code == 200, path
    if path.startswith("/claims/"):  # facet counts go through the cache: each error logged, then a miss
        assert dead_cache.errors > 0
        assert any("cache unreachable (ConnectionError" in r.getMessage() for r in caplog.records)


def test_claim_and_topic_pages_serve_with_the_cache_server_unreachable(client, seeded, dead_cache):
    from claims.models import Claim

    claim = Claim.objects.published().exclude(topics=None).first()
    assert client.get(claim.get_absolute_url()).status_code == 200
    assert client.get(claim.topics.first().get_absolute_url()).status_code == 200


def test_login_post_works_and_still_throttles_with_the_cache_server_unreachable(dead_cache, django_user_model, settings):
    from django.test import Client

    from editorial import throttle

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    django_user_model.objects.create_user("ops", password="a long enough passphrase 9")
    client = Client()
    ok = client.post("/accounts/login/", {"username": "ops", "password": "a long enough passphrase 9"})
    assert ok.status_code == 302 and "_auth_user_id" in client.session
    statuses = [Client().post("/accounts/login/", {"username": "ops", "password": "wrong"}).status_code
                for _ in range(throttle.MAX_FAILURES)]
    # Counted in process memory while Redis is away: guesses are not let through.
    assert statuses[-1] == 429
    assert dead_cache.errors > 0


def test_healthz_tells_anonymous_callers_only_ok_or_failed(client, db, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "fail", "checks": {"database": "ok", "broker": "failed"}}
    text = response.content.decode()
    assert "127.0.0.1" not in text and ":9" not in text and "Error" not in text


def test_healthz_gives_staff_the_error_text(client, django_user_model, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:9/0"
    staff = django_user_model.objects.create_user("staff", password="x", is_staff=True)
    client.force_login(staff)
    body = json.loads(client.get("/healthz").content)
    assert body["checks"]["broker"] == "failed" and "9" in body["errors"]["broker"]


def test_fifty_junk_query_strings_make_one_facet_cache_entry(client, seeded):
    from django.core.cache import cache

    for i in range(50):
        assert client.get(f"/claims/?junk{i}={i}&utm_source=x{i}").status_code == 200
    for spelling in ("/claims/?status=open", "/claims/?status=open&page=1", "/claims/?status=open&x=1"):
        client.get(spelling)
    keys = [k for k in cache._cache if ":facets:" in k]  # noqa: SLF001 - LocMemCache's store
    assert len(keys) == 2  # no filter, and status=open


def test_facet_links_keep_the_filters_and_drop_the_junk(client, seeded):
    import re

    html = client.get("/claims/?status=open&junk=zzz&kind=").content.decode()
    links = re.findall(r'href="\?([^"]*)"', html)
    facet_links = [link for link in links if "status=open" in link and "topic=" in link]
    assert facet_links, "each topic option links to the same filters plus that topic"
    assert not any("junk" in link or "zzz" in link for link in facet_links)
