"""Realistic sessions built through the real `SessionStore` API, for export tests.

Times are real (the store stamps them), so tests assert on structure and
content, not on clock values. `demo_like` is a small #twittertime-style
session in Italian and English; `hostile` is full of text that tries to
become markup, formulas or links in an export.
"""
from __future__ import annotations

from pathlib import Path

from store.model import OutboxPart, Settings, part_id
from store.session_store import SessionStore

DEMO_QUESTIONS: list[dict[str, object]] = [
    {"author": "lucia_r", "author_name": "Lucia R.", "text": "Quando arriva la fibra nei piccoli comuni? Qui siamo ancora all'ADSL a 7 mega.", "votes": 12},
    {"author": "mtorre", "author_name": "Marco Torre", "text": "How do you pick which questions to answer tonight?", "votes": 3},
    {"author": "giulia.dev", "author_name": "Giulia", "text": "Ci saranno programmi per neolaureati in ambito cloud?\nMagari con le università del Sud.", "votes": 8},
    {"author": "promo_bot", "author_name": "SUPER OFFERTE", "text": "Vinci uno smartphone!!! clicca qui http://example.invalid/win", "votes": 0},
    {"author": "fede_c", "author_name": "Federico", "text": "Che garanzie ci sono sulla privacy dei dati nel cloud?", "votes": 5},
    {"author": "anna_b", "author_name": "Anna B.", "text": "Privacy e cloud: chi controlla i dati dei clienti?", "votes": 2},
    {"author": "calcio4ever", "author_name": "", "text": "Chi vince il derby domenica?", "votes": 0},
    {"author": "paolo_s", "author_name": "Paolo S.", "text": "Pagamenti dal telefono: a che punto siete? 📱💳", "votes": 4},
    {"author": "late_q", "author_name": "Late Asker", "text": "Will there be another session next month?", "votes": 1},
]

# Markup, formulas, links and scripts a poster might try; each must stay text.
HOSTILE_TEXTS: list[str] = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(document.cookie)">',
    "Quotes \" and ' and `backticks` and ```fenced```",
    '=HYPERLINK("http://evil.example","click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-1+1",
    "＝1+1 full-width formula",
    "line one\nline two\n\nline four after a blank",
    "Emoji 👩🏽‍💻 and flags 🇮🇹 and ZWJ families 👨‍👩‍👧",
    "עברית RTL text مرحبا",
    "[x](javascript:alert(1)) and [y](https://ok.example)",
    "![](http://tracker.example/pixel.gif)",
    "<!-- hidden --> and &lt;script&gt; and &amp;",
    "# not a heading\n- not a list\n1. not ordered\n> not a quote\n---\n===",
    "<a href=\"javascript:alert(1)\">link</a> <iframe src=//evil></iframe>",
    "[ref]: https://evil.example \"title\"\n\\*not emphasis\\* _nor this_",
    "<https://autolink.example> and www.bare.example and http://bare.example",
    "    indented code?\n\ttabbed",
    "|a|b|\n|-|-|\n|1|2|",
]
HOSTILE_NAMES: list[str] = [
    "<b onmouseover=alert(1)>Mallory</b>",
    "=cmd|' /C calc'!A0",
    "[Click](javascript:alert(2))",
    "Eve \"the quoter\" O'Neil",
]


def _store(path: Path, title: str, hashtag: str) -> SessionStore:
    return SessionStore.open(path, actor="host", settings=Settings(title=title, hashtag=hashtag, lang="it"))


def demo_like(path: Path) -> SessionStore:
    """A session like the seed #twittertime: triage, tags, a duplicate, answers, a thread, posts."""
    store = _store(path, "#twittertime con l'AD", "twittertime")
    items = [{"source": "demo", "remote_id": str(n), **q, "url": f"https://social.example/@{q['author']}/{n}"}
             for n, q in enumerate(DEMO_QUESTIONS, 1)]
    store.add_questions(items, actor="ingest")
    ids = list(store.state.questions)
    fibra, pick, grads, spam, privacy, privacy_dup, derby, pay, late = ids
    for qid in (fibra, pick, grads, privacy, pay, late):
        store.approve(qid)
    store.star(fibra)
    store.tag(fibra, ["rete"])
    store.tag(grads, ["giovani"])
    store.tag(privacy, ["cloud"])
    store.dismiss(spam, "spam")
    store.dismiss(derby, "off-topic")
    store.mark_duplicate(privacy_dup, privacy)
    store.add_answer(fibra, "Entro il 2026 copriremo tutti i comuni sopra i 2.000 abitanti.", [
        "@lucia_r Entro il 2026 copriremo tutti i comuni sopra i 2.000 abitanti. #twittertime"], "x")
    long_answer = ("La privacy è una cosa seria: i dati restano in Italia, cifrati, e il cliente decide. "
                   "Pubblicheremo un rapporto di trasparenza ogni sei mesi.")
    store.add_answer(privacy, long_answer, [
        "@fede_c La privacy è una cosa seria: i dati restano in Italia, cifrati, e il cliente decide. 1/2",
        "Pubblicheremo un rapporto di trasparenza ogni sei mesi. #twittertime 2/2"], "x")
    store.add_answer(pick, "The team picks by votes and topic;\nI answer as many as I can.",
                     ["@mtorre The team picks by votes and topic;\nI answer as many as I can. #twittertime"], "x")
    for index, part in enumerate(store.state.answers[privacy].parts, 1):
        store.set_part(OutboxPart(part_id(privacy, "mastodon", index), privacy, "mastodon", index, 2, part,
                                  state="posted", remote_id=str(99 + index),
                                  url=f"https://social.example/@ceo/{99 + index}"))
    store.set_part(OutboxPart(part_id(fibra, "mastodon", 1), fibra, "mastodon", 1, 1, "x", state="posted",
                              remote_id="99", url="https://social.example/@ceo/99"))
    store.set_part(OutboxPart(part_id(fibra, "bluesky", 1), fibra, "bluesky", 1, 1, "x", state="failed", reason="timeout"))
    store.save_draft(pay, "Stiamo lavorando con le banche")
    return store


def revise_hostile(store: SessionStore, qid: str, n: int) -> None:
    """Corrections and follow-ups quoting hostile text back; one answer retracted."""
    correction, follow_up = HOSTILE_TEXTS[(n + 4) % len(HOSTILE_TEXTS)], HOSTILE_TEXTS[(n + 5) % len(HOSTILE_TEXTS)]
    store.revise_answer(qid, "correct", correction, [correction], mode="reply")
    store.revise_answer(qid, "follow_up", follow_up, [follow_up])
    if n == 3:
        store.revise_answer(qid, "retract")


def hostile(path: Path) -> SessionStore:
    """Every hostile text as a question (some answered, quoting it back), hostile names and links."""
    store = _store(path, "<script>alert('title')</script> =1+1", "<b>tag</b>")
    items = []
    for n, text in enumerate(HOSTILE_TEXTS, 1):
        items.append({
            "source": "file", "remote_id": f"h{n}", "author": f"user{n}",
            "author_name": HOSTILE_NAMES[n % len(HOSTILE_NAMES)], "text": text,
            "url": "javascript:alert(1)" if n % 2 else f"https://social.example/h{n}?a=1&b=(2)",
        })
    store.add_questions(items, actor="ingest")
    ids = list(store.state.questions)
    for n, qid in enumerate(ids):
        if n % 3 == 0:
            store.approve(qid)
            store.tag(qid, [HOSTILE_TEXTS[(n + 1) % len(HOSTILE_TEXTS)].split("\n")[0][:30]])
            text = HOSTILE_TEXTS[-1 - n]
            store.add_answer(qid, text, [text, HOSTILE_TEXTS[n]], "x")
            store.set_part(OutboxPart(part_id(qid, "mastodon", 1), qid, "mastodon", 1, 2, text, state="posted",
                                      url="javascript:alert(3)"))
            store.set_part(OutboxPart(part_id(qid, "mastodon", 2), qid, "mastodon", 2, 2, text, state="posted",
                                      url='https://ok.example/p"onmouseover="alert(1)'))
            revise_hostile(store, qid, n)
        elif n % 3 == 1:
            store.approve(qid)
        else:
            store.dismiss(qid, "abusive")
    return store
