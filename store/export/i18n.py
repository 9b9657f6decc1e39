"""Words of the Markdown and HTML recaps, in English and Italian, and time formats.

Times are shown in the session's zone (`store.zones.session_zone`), each
with the zone's abbreviation at that moment (`20:07 CEST`, `store.zones.stamp`),
and the recap's last line names the zone (`Europe/Rome`). Dates are ISO
(`2024-05-14`) in every language. Templates use `str.format` with our own
numbers and times only: post text never goes through `format`.
"""
from __future__ import annotations

from datetime import datetime, timedelta, tzinfo

from store.zones import abbreviation, clock, stamp

LANGS: tuple[str, ...] = ("en", "it")

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "figures": "In figures",
        "received": "Questions received",
        "approved": "Approved or answered",
        "approved_detail": "{answered} answered, {waiting} waiting",
        "dismissed": "Dismissed",
        "new": "Not reviewed",
        "answered": "Answered",
        "starred": "Starred",
        "response": "Response time",
        "response_value": "median {median}, 90th percentile {p90}",
        "busiest": "Busiest minute",
        "busiest_value": "{time}, {count} questions received",
        "answers": "Questions and answers",
        "no_answers": "No question was answered.",
        "untagged": "Other questions",
        "asked": "asked at {time}",
        "answered_at": "answered at {time}, after {after}",
        "votes": "{count} votes",
        "vote": "1 vote",
        "original": "original post",
        "answer": "Answer",
        "thread": "A thread of {count} posts:",
        "overrode": "Sent although the question was {what}.",
        "published": "Published",
        "correct_at": "Corrected at {time}:",
        "follow_up_at": "Follow-up at {time}:",
        "retract_at": "Retracted at {time}",
        "waiting_heading": "Approved, not answered",
        "new_heading": "Not reviewed",
        "dismissed_heading": "Dismissed",
        "dismissed_as": "Dismissed:",
        "duplicate_of": "duplicate of {author}",
        "times": "All times are in the {zone} time zone.",
        "chart_title": "Questions received and answered {unit}",
        "per_minute": "per minute",
        "per_minutes": "per {step} minutes",
        "chart_desc": "From {start} to {end}; at most {most} in one bar.",
        "legend_received": "received",
        "legend_answered": "answered",
        "none": "none",
        "spam": "spam",
        "off-topic": "off-topic",
        "duplicate": "duplicate",
        "abusive": "abusive",
        "other": "other",
        "held": "held on arrival",
        "blocked author": "blocked author",
        "blocked word": "blocked word",
        "link only": "link only",
        "flood": "flood",
        "held_rules": "Held on arrival, by rule",
        "groups_heading": "Most asked",
        "group_count": "asked {count} times",
        "topics_heading": "Topics",
        "topic_other": "other",
    },
    "it": {
        "figures": "In cifre",
        "received": "Domande ricevute",
        "approved": "Approvate o con risposta",
        "approved_detail": "{answered} con risposta, {waiting} in attesa",
        "dismissed": "Scartate",
        "new": "Non esaminate",
        "answered": "Con risposta",
        "starred": "Con stella",
        "response": "Tempo di risposta",
        "response_value": "mediana {median}, 90° percentile {p90}",
        "busiest": "Minuto più intenso",
        "busiest_value": "{time}, {count} domande ricevute",
        "answers": "Domande e risposte",
        "no_answers": "Nessuna domanda ha avuto risposta.",
        "untagged": "Altre domande",
        "asked": "chiesta alle {time}",
        "answered_at": "risposta alle {time}, dopo {after}",
        "votes": "{count} voti",
        "vote": "1 voto",
        "original": "post originale",
        "answer": "Risposta",
        "thread": "Un thread di {count} post:",
        "overrode": "Inviata anche se la domanda era stata scartata ({what}).",
        "published": "Pubblicata",
        "correct_at": "Corretta alle {time}:",
        "follow_up_at": "Seguito alle {time}:",
        "retract_at": "Ritirata alle {time}",
        "waiting_heading": "Approvate, senza risposta",
        "new_heading": "Non esaminate",
        "dismissed_heading": "Scartate",
        "dismissed_as": "Scartata, motivo:",
        "duplicate_of": "duplicato di {author}",
        "times": "Tutti gli orari sono nel fuso orario {zone}.",
        "chart_title": "Domande ricevute e con risposta {unit}",
        "per_minute": "al minuto",
        "per_minutes": "ogni {step} minuti",
        "chart_desc": "Dalle {start} alle {end}; al massimo {most} in una barra.",
        "legend_received": "ricevute",
        "legend_answered": "con risposta",
        "none": "nessuna",
        "spam": "spam",
        "off-topic": "fuori tema",
        "duplicate": "duplicato",
        "abusive": "offensiva",
        "other": "altro",
        "held": "trattenuta all'arrivo",
        "blocked author": "autore bloccato",
        "blocked word": "parola bloccata",
        "link only": "solo link",
        "flood": "ondata",
        "held_rules": "Trattenute all'arrivo, per regola",
        "groups_heading": "Le più chieste",
        "group_count": "chiesta {count} volte",
        "topics_heading": "Temi",
        "topic_other": "altro",
    },
}


def words(lang: str) -> dict[str, str]:
    """The recap's words in `lang`; ValueError for a language we do not have."""
    try:
        return WORDS[lang]
    except KeyError:
        raise ValueError(f"unknown language {lang!r} (one of: {', '.join(LANGS)})") from None


def span(start: datetime, end: datetime, zone: tzinfo, *, with_date: bool = False) -> str:
    """`20:00–21:02 CEST`; `02:30 CEST–02:10 CET` across a change of the clocks."""
    first, last = abbreviation(start, zone), abbreviation(end, zone)
    begin = clock(start, zone) if first == last else stamp(start, zone)
    return f"{begin}–{stamp(end, zone, with_date=with_date)}"


def day(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d")


def same_day(start: datetime, end: datetime, zone: tzinfo) -> bool:
    """Whether two moments fall on one calendar day in `zone` (its midnight, not UTC's)."""
    return start.astimezone(zone).date() == end.astimezone(zone).date()


def duration(seconds: float | timedelta) -> str:
    """`42 s`, `3 min 05 s`, `1 h 02 min`: short, and the same in both languages."""
    total = round(seconds.total_seconds() if isinstance(seconds, timedelta) else seconds)
    if total < 60:
        return f"{total} s"
    minutes, secs = divmod(total, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
