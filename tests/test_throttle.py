"""Login throttling on both login pages: /accounts/login/ and /admin/login/.

Look-alike usernames share a lock (NFKC + case folding, as authentication reads the
name), one address spraying many usernames is locked, and each lock in a row is longer.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from editorial import throttle
from tests.editorial_fixtures import PASSWORD, admin, editor, fast_passwords, private_cache  # noqa: F401

pytestmark = pytest.mark.usefixtures("private_cache", "fast_passwords")
PAGES = ["/accounts/login/", "/admin/login/"]


def _login(page, username, password, client=None, ip="127.0.0.1"):
    client = client or Client(REMOTE_ADDR=ip)
    return client.post(page, {"username": username, "password": password, "next": "/admin/"})


def _logged_in(response_client):
    return "_auth_user_id" in response_client.session


@pytest.mark.parametrize("page", PAGES)
def test_the_fifth_failure_locks_and_then_the_right_password_is_refused(admin, page):
    statuses = [_login(page, "ada", f"wrong {i}").status_code for i in range(throttle.MAX_FAILURES)]
    assert statuses == [200] * (throttle.MAX_FAILURES - 1) + [429]
    client = Client()
    response = _login(page, "ada", PASSWORD, client)
    assert response.status_code == 429
    assert "Too many failed attempts. Wait 15 minutes" in response.content.decode()
    assert int(response["Retry-After"]) == throttle.LOCK_SECONDS
    assert not _logged_in(client)


@pytest.mark.parametrize("page", PAGES)
def test_twelve_wrong_passwords_then_the_right_one_does_not_log_in(admin, page):
    for i in range(12):
        _login(page, "ada", f"guess {i}")
    client = Client()
    assert _login(page, "ada", PASSWORD, client).status_code == 429
    assert not _logged_in(client)


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("look_alike", ["ａｄａ", "ADA", " Ada ", "ａＤａ"])
def test_a_look_alike_username_meets_the_same_lock(admin, page, look_alike):
    for i in range(throttle.MAX_FAILURES):
        _login(page, "ada", f"wrong {i}")
    client = Client()
    assert _login(page, look_alike, PASSWORD, client).status_code == 429
    assert not _logged_in(client)


def test_the_fullwidth_name_is_what_authentication_logs_in_as(admin):
    """Why the key must be normalised: NFKC turns ａｄａ into ada before authentication."""
    client = Client()
    assert _login("/accounts/login/", "ａｄａ", PASSWORD, client).status_code == 302
    assert _logged_in(client)


@pytest.mark.parametrize("page", PAGES)
def test_failures_under_look_alike_names_add_up_to_one_lock(admin, page):
    names = ["ada", "ａｄａ", "ADA", "Ａda", "adA"]
    statuses = [_login(page, name, "wrong").status_code for name in names]
    assert statuses[-1] == 429
    assert throttle.is_locked("ada", "127.0.0.1")


@pytest.mark.parametrize("page", PAGES)
def test_spraying_many_usernames_from_one_address_locks_the_address(admin, page):
    # One guess each at many accounts: no single username reaches its limit.
    statuses = [_login(page, f"user{i}", "Password1", ip="10.0.0.7").status_code
                for i in range(throttle.MAX_ADDRESS_FAILURES)]
    assert statuses[:-1] == [200] * (throttle.MAX_ADDRESS_FAILURES - 1) and statuses[-1] == 429
    client = Client(REMOTE_ADDR="10.0.0.7")
    assert _login(page, "ada", PASSWORD, client).status_code == 429  # a real account, the right password
    assert not _logged_in(client)
    other = Client(REMOTE_ADDR="10.0.0.8")
    assert _login(page, "ada", PASSWORD, other).status_code == 302  # another address is unaffected


def test_each_lock_in_a_row_lasts_longer():
    assert [throttle.lock_seconds(n) for n in range(1, 9)] == [900, 1800, 3600, 7200, 14400, 28800, 57600, 86400]


@pytest.mark.parametrize("page", PAGES)
def test_a_second_lock_after_the_first_expires_is_twice_as_long(admin, page):
    for i in range(throttle.MAX_FAILURES):
        _login(page, "ada", f"wrong {i}")
    user_scope, _ = throttle._scopes("ada", "127.0.0.1")
    cache.delete(user_scope.key("lock"))  # the first lock runs out
    statuses = [_login(page, "ada", f"again {i}").status_code for i in range(throttle.MAX_FAILURES)]
    assert statuses[-1] == 429
    response = _login(page, "ada", PASSWORD)
    assert response.status_code == 429 and int(response["Retry-After"]) == 2 * throttle.LOCK_SECONDS
    assert "Wait 30 minutes" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_good_login_clears_that_names_failures(admin, page):
    for i in range(throttle.MAX_FAILURES - 1):
        _login(page, "ada", f"wrong {i}")
    assert _login(page, "ada", PASSWORD).status_code == 302
    assert _login(page, "ada", "wrong again").status_code == 200


def test_admin_login_still_refuses_non_staff_and_counts_it(editor):
    statuses = [_login("/admin/login/", "edna", PASSWORD).status_code for _ in range(throttle.MAX_FAILURES)]
    assert statuses == [200] * (throttle.MAX_FAILURES - 1) + [429]


def test_admin_login_page_still_renders_for_get(db):
    response = Client().get("/admin/login/")
    assert response.status_code == 200 and "Django administration" in response.content.decode()
