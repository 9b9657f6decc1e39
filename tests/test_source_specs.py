"""`parse_spec` for the live sources: base URLs, tags, defaults and the tokens from the environment."""
from __future__ import annotations

import pytest

from tui.platforms.base import SpecError
from tui.platforms.bluesky_source import BlueskySource
from tui.platforms.mastodon_source import MastodonSource
from tui.platforms.specs import parse_spec
from tui.platforms.x_source import XSource


@pytest.mark.parametrize(("spec", "kind", "base", "tag"), [
    ("mastodon:https://mastodon.social#qtime", MastodonSource, "https://mastodon.social", "qtime"),
    ("mastodon:https://mastodon.social/tags/qtime", MastodonSource, "https://mastodon.social", "qtime"),
    ("mastodon:http://127.0.0.1:8123/#Twitter_Time", MastodonSource, "http://127.0.0.1:8123", "Twitter_Time"),
    ("bluesky:#qtime", BlueskySource, "https://bsky.social", "qtime"),
    ("bluesky:http://127.0.0.1:9#qtime", BlueskySource, "http://127.0.0.1:9", "qtime"),
    ("x:#qtime", XSource, "https://api.x.com", "qtime"),
    ("x:http://127.0.0.1:9#日本語", XSource, "http://127.0.0.1:9", "日本語"),
])
def test_specs_build_their_sources(spec: str, kind: type, base: str, tag: str) -> None:
    source = parse_spec(spec, env={})
    assert isinstance(source, kind)
    assert (source.spec, source.base_url, source.tag) == (spec, base, tag)


@pytest.mark.parametrize(("spec", "complaint"), [
    ("mastodon:#qtime", "needs the instance"),
    ("mastodon:https://mastodon.social", "no hashtag"),
    ("x:qtime", "no hashtag"),
    ("bluesky:ftp://host#qtime", "http(s)"),
    ("mastodon:https://user:secret@host#qtime", "no user, password"),
    ("x:https://api.x.com?token=abc#qtime", "no user, password or query"),
    ("x:#two words", "not a hashtag"),
    ("bluesky:#", "not a hashtag"),
])
def test_bad_specs_say_how_to_write_them(spec: str, complaint: str) -> None:
    with pytest.raises(SpecError, match=complaint.replace("(", r"\(").replace(")", r"\)")):
        parse_spec(spec, env={})


def test_tokens_come_from_the_given_environment() -> None:
    env = {"QTIME_MASTODON_TOKEN": "mtok", "QTIME_X_BEARER_TOKEN": "xtok",
           "QTIME_BLUESKY_HANDLE": "me.bsky.social", "QTIME_BLUESKY_APP_PASSWORD": "pw-1"}
    mastodon = parse_spec("mastodon:https://m.example#q", env={**env, "QTIME_MASTODON_URL": "https://m.example/"})
    x = parse_spec("x:#q", env=env)
    bluesky = parse_spec("bluesky:#q", env=env)
    assert isinstance(mastodon, MastodonSource) and mastodon.token == "mtok" and mastodon.stream_enabled
    assert isinstance(x, XSource) and x.token == "xtok"
    assert isinstance(bluesky, BlueskySource) and bluesky.account is not None
    assert bluesky.account.handle == "me.bsky.social"
    assert "pw-1" not in repr(bluesky.account)
    assert parse_spec("x:#q", env={}).token is None  # type: ignore[attr-defined]


def test_file_and_unknown_specs_are_unchanged() -> None:
    assert type(parse_spec("file:-", env={})).__name__ == "FileSource"
    with pytest.raises(SpecError, match="unknown source"):
        parse_spec("rss:https://example.org", env={})


def test_the_sessions_other_tags_are_read_at_the_same_places() -> None:
    from tui.platforms.specs import with_read_tags

    specs = ["mastodon:https://m.example#askceo", "file:q.jsonl", "x:#askceo"]
    assert with_read_tags(specs, ["ceo", "askceo"]) == [
        *specs, "mastodon:https://m.example#ceo", "x:#ceo"]
