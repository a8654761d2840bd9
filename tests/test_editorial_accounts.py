"""Accounts: log in and out, change password, throttled failures, the createeditor command,
the editors group and the navigation each role sees."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.test import Client

from editorial import throttle
from editorial.models import AuditEntry
from editorial.roles import EDITOR_PERMISSIONS, EDITORS_GROUP
from tests.editorial_fixtures import PASSWORD, client_for

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")


def _login(client, username, password, **extra):
    return client.post("/accounts/login/", {"username": username, "password": password, **extra})


def test_editor_logs_in_and_lands_on_the_queue(editor):
    client = Client()
    response = _login(client, "edna", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/curate/"
    assert client.get("/curate/").status_code == 200


def test_login_follows_a_safe_next_but_not_an_offsite_one(editor):
    assert _login(Client(), "edna", PASSWORD, next="/curate/claims/")["Location"] == "/curate/claims/"
    assert _login(Client(), "edna", PASSWORD, next="https://evil.example/")["Location"] == "/curate/"


def test_reader_account_logs_in_and_lands_on_the_dashboard(reader):
    assert _login(Client(), "rita", PASSWORD)["Location"] == "/"


def test_wrong_password_shows_a_clear_error_and_stays_on_the_form(editor):
    response = _login(Client(), "edna", "not the password")
    assert response.status_code == 200
    assert "do not match" in response.content.decode()


def test_five_failures_lock_the_username_from_that_address_with_429(editor):
    client = Client()
    statuses = [_login(client, "edna", f"wrong {i}").status_code for i in range(throttle.MAX_FAILURES)]
    assert statuses == [200] * (throttle.MAX_FAILURES - 1) + [429]
    # Now even the right password is refused, before it is checked.
    response = _login(client, "edna", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_throttle_is_per_username_and_per_address(editor, reader):
    for i in range(throttle.MAX_FAILURES):
        _login(Client(), "edna", f"wrong {i}")
    assert _login(Client(), "rita", PASSWORD).status_code == 302  # another username
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert _login(other_address, "edna", PASSWORD).status_code == 302  # another address
    assert _login(Client(), "EDNA ", PASSWORD).status_code == 429  # same name, other spelling


def test_throttle_locks_expire_with_their_window(editor):
    for i in range(throttle.MAX_FAILURES):
        _login(Client(), "edna", f"wrong {i}")
    assert throttle.is_locked("edna", "127.0.0.1")
    # The lock is a cache entry with the lock's lifetime; dropping it is what expiry does.
    from django.core.cache import cache

    user_scope, _ = throttle._scopes("edna", "127.0.0.1")
    cache.delete(user_scope.key("lock"))
    assert _login(Client(), "edna", PASSWORD).status_code == 302


def test_a_successful_login_clears_earlier_failures(editor):
    for i in range(throttle.MAX_FAILURES - 1):
        _login(Client(), "edna", f"wrong {i}")
    assert _login(Client(), "edna", PASSWORD).status_code == 302
    assert _login(Client(), "edna", "wrong again").status_code == 200  # counting starts afresh


def test_logout_is_a_post_and_ends_the_session(editor):
    client = client_for(editor)
    response = client.post("/accounts/logout/")
    assert response.status_code == 200
    assert "You are logged out" in response.content.decode()
    assert client.get("/curate/").status_code == 302


def test_password_change_needs_the_old_password_and_a_valid_new_one(editor):
    client = client_for(editor)
    assert client.get("/accounts/password_change/").status_code == 200
    weak = client.post("/accounts/password_change/", {"old_password": PASSWORD, "new_password1": "12345678",
                                                       "new_password2": "12345678"})
    assert weak.status_code == 200
    assert "too common" in weak.content.decode()
    new = "a much longer passphrase 7"
    ok = client.post("/accounts/password_change/", {"old_password": PASSWORD, "new_password1": new,
                                                     "new_password2": new})
    assert ok["Location"] == "/accounts/password_change/done/"
    editor.refresh_from_db()
    assert editor.check_password(new)
    assert AuditEntry.objects.filter(action="account.password_changed", actor=editor).exists()


def test_password_change_page_sends_anonymous_visitors_to_login():
    response = Client().get("/accounts/password_change/")
    assert response["Location"].startswith("/accounts/login/")


def test_editors_group_exists_with_exactly_the_listed_permissions(db):
    group = Group.objects.get(name=EDITORS_GROUP)
    granted = {(p.content_type.app_label, p.codename) for p in group.permissions.select_related("content_type")}
    assert granted == set(EDITOR_PERMISSIONS)
    assert not any(codename.startswith("delete_claim") for _, codename in granted)


def test_createeditor_makes_an_editor_from_the_environment_variable(db, monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_EDITOR_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("createeditor", "ellen", "--email", "ellen@example.org", stdout=out)
    assert "Editor 'ellen' created" in out.getvalue()
    assert "Log in at http://127.0.0.1:8000/accounts/login/?next=/curate/" in out.getvalue()
    client = Client()
    assert _login(client, "ellen", PASSWORD)["Location"] == "/curate/"
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="ellen")
    assert list(user.groups.values_list("name", flat=True)) == [EDITORS_GROUP]
    assert not user.is_staff


@pytest.mark.parametrize("password, message", [("short", "too short"), ("password123", "too common"),
                                               ("ellen123", "too similar")])
def test_createeditor_refuses_a_password_the_validators_reject(db, monkeypatch, password, message):
    monkeypatch.setenv("CLAIMWATCH_EDITOR_PASSWORD", password)
    with pytest.raises(CommandError, match=message):
        call_command("createeditor", "ellen", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="ellen").exists()


def test_createeditor_refuses_an_existing_username(editor, monkeypatch):
    monkeypatch.setenv("CLAIMWATCH_EDITOR_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="already exists"):
        call_command("createeditor", "edna", stdout=io.StringIO())


def test_createeditor_prompts_twice_when_no_variable_is_set(db, monkeypatch):
    monkeypatch.delenv("CLAIMWATCH_EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: True)
    answers = iter([PASSWORD, PASSWORD])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    call_command("createeditor", "ellen", stdout=io.StringIO())
    answers = iter([PASSWORD, PASSWORD + "x"])
    with pytest.raises(CommandError, match="differ"):
        call_command("createeditor", "otto", stdout=io.StringIO())


def test_createeditor_without_terminal_or_variable_says_what_to_set(db, monkeypatch):
    monkeypatch.delenv("CLAIMWATCH_EDITOR_PASSWORD", raising=False)
    monkeypatch.setattr("os.isatty", lambda fd: False)
    with pytest.raises(CommandError, match="CLAIMWATCH_EDITOR_PASSWORD"):
        call_command("createeditor", "ellen", stdout=io.StringIO())


def _nav(client):
    html = client.get("/claims/").content.decode()
    return html.split('<nav aria-label="Main">', 1)[1].split("</nav>", 1)[0]


def test_navigation_for_anonymous_readers_offers_only_log_in(db):
    nav = _nav(Client())
    assert 'href="/accounts/login/?next=/claims/"' in nav
    assert "Curate" not in nav and "Log out" not in nav


def test_navigation_for_editors_has_curate_and_a_post_logout_but_no_admin_links(editor):
    nav = _nav(client_for(editor))
    assert 'href="/curate/"' in nav
    assert '<form class="nav-logout" method="post" action="/accounts/logout/">' in nav
    assert "csrfmiddlewaretoken" in nav
    assert "/ingest/" not in nav and "Audit log" not in nav and "Log in" not in nav


def test_navigation_for_admins_adds_ingest_and_audit_log(admin):
    nav = _nav(client_for(admin))
    assert 'href="/ingest/"' in nav and 'href="/curate/audit/"' in nav and 'href="/curate/"' in nav
