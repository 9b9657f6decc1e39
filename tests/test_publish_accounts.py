"""Which accounts are connected: environment, a accounts file only when private, https only."""
from __future__ import annotations

import os

import pytest

from tui.platforms.accounts import AccountsError, connected_publishers
from tui.platforms.bluesky_publish import BlueskyPublisher
from tui.platforms.mastodon_publish import MastodonPublisher
from tui.platforms.x_publish import XPublisher

SECRET = "tok-CONFIG-77aa0e"


@pytest.fixture
def no_accounts(tmp_path):
    return {"QTIME_ACCOUNTS": str(tmp_path / "absent.toml")}


def write_accounts(tmp_path, mode: int, body: str | None = None):
    path = tmp_path / "accounts.toml"
    path.write_text(body if body is not None else
                    f'[mastodon]\nurl = "https://mastodon.example"\ntoken = "{SECRET}"\n'
                    f'[x]\nuser_token = "{SECRET}-x"\n')
    os.chmod(path, mode)
    return path


def test_every_platform_from_the_environment(no_accounts):
    publishers = connected_publishers({
        **no_accounts,
        "QTIME_MASTODON_TOKEN": "m", "QTIME_MASTODON_URL": "https://mastodon.example/",
        "QTIME_MASTODON_VISIBILITY": "unlisted",
        "QTIME_BLUESKY_HANDLE": "@host.example.com", "QTIME_BLUESKY_APP_PASSWORD": "p",
        "QTIME_X_USER_TOKEN": "x"})
    mastodon, bluesky, x = publishers
    assert isinstance(mastodon, MastodonPublisher) and mastodon.base_url == "https://mastodon.example"
    assert mastodon.visibility == "unlisted"
    assert isinstance(bluesky, BlueskyPublisher) and bluesky.base_url == "https://bsky.social"
    assert bluesky.account == "@host.example.com"
    assert isinstance(x, XPublisher) and x.base_url == "https://api.x.com"


def test_a_mastodon_token_without_its_instance_connects_nothing_and_says_so(no_accounts):
    notes: list[str] = []
    assert connected_publishers({**no_accounts, "QTIME_MASTODON_TOKEN": "m"}, notes=notes) == []
    assert len(notes) == 1 and "QTIME_MASTODON_URL" in notes[0]


def test_half_a_bluesky_account_is_an_error(no_accounts):
    with pytest.raises(AccountsError, match="both QTIME_BLUESKY_HANDLE and QTIME_BLUESKY_APP_PASSWORD"):
        connected_publishers({**no_accounts, "QTIME_BLUESKY_HANDLE": "a.example.com"})


@pytest.mark.parametrize("url, message", [
    ("http://mastodon.example", "unencrypted"),
    ("ftp://mastodon.example", "not an http"),
    (f"https://me:{SECRET}@mastodon.example", "must not hold a user name or password"),
])
def test_a_token_goes_only_over_https_or_to_this_machine(no_accounts, url, message):
    with pytest.raises(AccountsError, match=message) as caught:
        connected_publishers({**no_accounts, "QTIME_MASTODON_TOKEN": "m", "QTIME_MASTODON_URL": url})
    assert SECRET not in str(caught.value)
    (local,) = connected_publishers({**no_accounts, "QTIME_X_USER_TOKEN": "x", "QTIME_X_URL": "http://127.0.0.1:8080"})
    assert local.base_url == "http://127.0.0.1:8080"


def test_a_private_config_file_is_read_and_the_environment_wins(tmp_path):
    path = write_accounts(tmp_path, 0o600)
    mastodon, x = connected_publishers({"QTIME_ACCOUNTS": str(path)})
    assert mastodon.secrets() == [SECRET] and x.secrets() == [f"{SECRET}-x"]
    mastodon, x = connected_publishers({"QTIME_ACCOUNTS": str(path), "QTIME_MASTODON_URL": "https://other.example"})
    assert mastodon.base_url == "https://other.example"


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604])
def test_a_config_file_others_may_read_is_refused(tmp_path, mode):
    path = write_accounts(tmp_path, mode)
    with pytest.raises(AccountsError, match="chmod 600") as caught:
        connected_publishers({"QTIME_ACCOUNTS": str(path)})
    assert SECRET not in str(caught.value)


def test_a_broken_config_file_is_refused_without_quoting_it(tmp_path):
    path = write_accounts(tmp_path, 0o600, f'[mastodon]\ntoken = {SECRET}\n')
    with pytest.raises(AccountsError, match="not valid TOML") as caught:
        connected_publishers({"QTIME_ACCOUNTS": str(path)})
    assert SECRET not in str(caught.value)


def test_a_symlink_is_judged_by_the_file_it_points_to(tmp_path):
    target = write_accounts(tmp_path, 0o600)
    link = tmp_path / "link.toml"
    link.symlink_to(target)
    assert len(connected_publishers({"QTIME_ACCOUNTS": str(link)})) == 2
    os.chmod(target, 0o644)
    with pytest.raises(AccountsError, match="chmod 600"):
        connected_publishers({"QTIME_ACCOUNTS": str(link)})


def test_publishers_never_show_their_credentials(no_accounts):
    publishers = connected_publishers({
        **no_accounts, "QTIME_MASTODON_TOKEN": SECRET, "QTIME_MASTODON_URL": "https://m.example",
        "QTIME_BLUESKY_HANDLE": "h.example.com", "QTIME_BLUESKY_APP_PASSWORD": f"{SECRET}-pw",
        "QTIME_X_USER_TOKEN": f"{SECRET}-x"})
    assert SECRET not in repr(publishers)
    assert SECRET not in " ".join(p.account for p in publishers)
