"""`qtime count`, run for real as a subprocess."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest


def qtime_count(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui", "count", *args],
        input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=60,
    )


def test_prints_length_over_limit() -> None:
    done = qtime_count("hello https://example.com")
    assert (done.returncode, done.stdout, done.stderr) == (0, "29/280\n", "")


def test_invalid_text_prints_why_and_still_exits_zero() -> None:
    done = qtime_count("a" * 300)
    assert done.returncode == 0
    assert done.stdout.splitlines() == ["300/280", "too long"]


def test_json_output() -> None:
    done = qtime_count("--profile", "mastodon", "--json", "hi @bob@example.social")
    assert done.returncode == 0
    assert json.loads(done.stdout) == {
        "length": 7, "limit": 500, "remaining": 493, "valid": True, "over_at": None, "reason": None,
    }


def test_bluesky_json_has_bytes() -> None:
    result = json.loads(qtime_count("--profile", "bluesky", "--json", "é").stdout)
    assert (result["length"], result["utf8_bytes"]) == (1, 2)


def test_reads_stdin_without_text() -> None:
    done = qtime_count("--profile", "custom", "--limit", "5", stdin="e\u0301e\u0301e\u0301")
    assert done.stdout == "3/5\n"


def test_limit_and_url_weight() -> None:
    done = qtime_count("--profile", "mastodon", "--limit", "1000", "--url-weight", "30", "https://example.com")
    assert done.stdout == "30/1000\n"


def test_jsonl_one_result_per_line_and_errors_in_place() -> None:
    lines = [json.dumps("a" * 281), "not json", json.dumps(["a list"]), json.dumps("\U0001f468\u200d\U0001f469\u200d\U0001f467")]
    done = qtime_count("--profile", "x", "--jsonl", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(results) == 4
    assert (results[0]["valid"], results[0]["over_at"], results[0]["reason"]) == (False, 280, "too long")
    assert "error" in results[1] and "error" in results[2]
    assert (results[3]["length"], results[3]["valid"]) == (2, True)


def test_jsonl_answers_each_line_as_it_arrives() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "count", "--jsonl"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        process.stdin.write(json.dumps("hello") + "\n")
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["length"] == 5
    finally:
        process.stdin.close()
        process.wait(timeout=30)
    assert process.returncode == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--profile", "myspace", "hi"], "unknown profile"),
        (["--profile", "custom", "hi"], "needs a limit"),
        (["--profile", "bluesky", "--url-weight", "5", "hi"], "as written"),
        (["--jsonl", "hi"], "give no TEXT"),
    ],
)
def test_bad_options_exit_2(args: list[str], message: str) -> None:
    done = qtime_count(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert done.stdout == ""


def test_does_not_load_textual() -> None:
    code = (
        "import sys, io, contextlib\n"
        "from tui.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['count', 'hello'])\n"
        "assert 'textual' not in sys.modules, 'textual imported'\n"
        "assert 'rich' not in sys.modules, 'rich imported'\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_stdin_that_is_not_utf8_is_refused_and_a_jsonl_line_answered_in_place() -> None:
    raw = subprocess.run([sys.executable, "-m", "tui", "count"], input=b"\xff\xfe", capture_output=True, timeout=60)
    assert raw.returncode == 2 and b"not UTF-8" in raw.stderr and b"Traceback" not in raw.stderr
    lines = subprocess.run([sys.executable, "-m", "tui", "count", "--jsonl"], input=b'"ok"\n\xff\n"fine"\n',
                           capture_output=True, timeout=60)
    answers = [json.loads(line) for line in lines.stdout.splitlines()]
    assert lines.returncode == 0 and len(answers) == 3
    assert answers[1] == {"error": "not UTF-8"} and answers[2]["length"] == 4


def test_the_newline_echo_adds_is_not_counted() -> None:
    assert qtime_count(stdin="hello\n").stdout.splitlines()[0] == "5/280"
