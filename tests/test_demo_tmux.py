"""The real `qtime demo` in tmux: topics and held spam in the header; approve a question, answer it, send, quit;
the store holds the answer."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

from store.session_store import SessionStore

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Tmux:
    def __init__(self) -> None:
        self.socket = f"qtime-test-{uuid.uuid4().hex[:8]}"

    def run(self, *args: str) -> str:
        return subprocess.run(["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True).stdout

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "demo")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "demo", *keys)

    def wait_for(self, text: str, rounds: int = 150) -> str:
        for _ in range(rounds):
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")


def test_demo_approve_answer_send_quit(tmp_path):
    store_path = tmp_path / "demo.json"
    tmux = Tmux()
    command = f"{sys.executable} -m tui demo --store {store_path} --speed 20"
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path / "config"), "TERM": "xterm-256color"}
    try:
        subprocess.run(["tmux", "-L", tmux.socket, "new-session", "-d", "-s", "demo", "-x", "160", "-y", "48", command],
                       check=True, env=env)
        tmux.wait_for("@nerthase")
        tmux.wait_for("topics: rete")  # the demo's topics, then its hold rules at work (the replay lasts 4 s here)
        tmux.wait_for("held: blocked-word 1 · link-only 2")
        tmux.keys("j")  # @nerthase, the second post
        tmux.wait_for("Come navighereste oggi in 56k? Se volete")
        tmux.keys("a")
        tmux.wait_for("approved 1")
        tmux.keys("2")
        tmux.wait_for("starred, votes, oldest")
        tmux.keys("Enter")
        tmux.wait_for("Queue")  # the footer offers escape back to the queue: the answer box has the focus
        tmux.keys("-l", "Stiamo portando la banda larga ovunque")
        tmux.wait_for("@nerthase Stiamo portando la banda larga ovunque #twittertime")
        tmux.keys("C-s")
        tmux.wait_for("A Stiamo portando la banda larga ovunque")
        tmux.keys("q")
        for _ in range(100):
            if "demo" not in tmux.run("list-sessions", "-F", "#{session_name}"):
                break
            time.sleep(0.1)
    except subprocess.CalledProcessError:
        pass  # the session ended (the app quit): the server went away with it
    finally:
        subprocess.run(["tmux", "-L", tmux.socket, "kill-server"], capture_output=True)
    store = SessionStore.open(store_path, create=False, actor="check")
    answers = list(store.state.answers.values())
    assert [a.text for a in answers] == ["Stiamo portando la banda larga ovunque"]
    assert store.state.questions[answers[0].question_id].author == "@nerthase"
    assert answers[0].parts == ["@nerthase Stiamo portando la banda larga ovunque #twittertime"]
