"""Time zones: the store keeps UTC; what a person reads is in the session's zone.

Times are written `20:07 CEST`: the wall clock in the zone and the zone's
abbreviation at that moment (`UTC-03` where the zone database has no
letters for it). The zone shown is, first to last: the process's `--tz` override (never
stored), the session's `Settings.tz`, the machine's own zone
(`local_zone_name`). Zones come from `zoneinfo`: the system's zone database,
else the `tzdata` package.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOCALTIME = Path("/etc/localtime")
# The names a UTC machine's /etc/localtime links to, all shown as plain "UTC".
UTC_NAMES = frozenset({"Etc/UTC", "Etc/UCT", "Etc/Universal", "Etc/Zulu", "UCT", "Universal", "Zulu"})


class UnknownZone(ValueError):
    """A time zone name the zone database does not hold."""


def zone_named(name: str) -> ZoneInfo:
    """The zone `name` (an IANA name such as Europe/Rome); `UnknownZone` when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder of zones ("Europe")
        raise UnknownZone(f"unknown time zone {name!r} (an IANA name such as Europe/Rome)") from None


def _key(text: str) -> str:
    """`Europe/Rome` from `Europe/Rome`, `:Europe/Rome` or a path ending in `zoneinfo/Europe/Rome`."""
    name = text.strip().lstrip(":")
    _, found, after = name.rpartition("zoneinfo/")
    return after if found else name


def local_zone_name(environ: Mapping[str, str] | None = None, localtime: Path = LOCALTIME) -> str:
    """This machine's zone name: `TZ` when it names a zone, else where /etc/localtime links to, else "UTC".

    A `TZ` that is a POSIX rule (`CET-1CEST`) names no zone and is passed
    over; so is an /etc/localtime that is a copy rather than a link.
    """
    candidates = [(os.environ if environ is None else environ).get("TZ", "")]
    try:
        candidates.append(os.readlink(localtime))
    except OSError:  # no such file, or a copy: it does not say its name
        pass
    for candidate in candidates:
        key = _key(candidate)
        if key:
            try:
                zone_named(key)
            except UnknownZone:
                continue
            return "UTC" if key in UTC_NAMES else key
    return "UTC"


def session_zone(tz: str, override: str | None = None) -> ZoneInfo:
    """The zone a session's times are shown in: `override`, else `tz` (its setting), else the machine's.

    `UnknownZone` when the name chosen is not a zone.
    """
    return zone_named(override or tz or local_zone_name())


def abbreviation(moment: datetime, zone: tzinfo) -> str:
    """The zone's name at `moment`: `CEST`, `EST`, `UTC`; `UTC-03` for a zone known only by its offset."""
    name = moment.astimezone(zone).tzname() or ""
    return name if name[:1].isalpha() else f"UTC{name}"


def clock(moment: datetime, zone: tzinfo, *, with_date: bool = False) -> str:
    """`20:07` (or `2024-05-14 20:07` for a session that spans days) in `zone`, without its name."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M" if with_date else "%H:%M")


def stamp(moment: datetime, zone: tzinfo, *, with_date: bool = False) -> str:
    """`20:07 CEST`: `clock` with the zone's name at that moment."""
    return f"{clock(moment, zone, with_date=with_date)} {abbreviation(moment, zone)}"
