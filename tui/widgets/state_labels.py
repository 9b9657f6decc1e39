"""The words shown for the store's states and dismissal reasons (the store keeps English ids).

Marked with `N_`: translate with `status_label` / `reason_label` where shown.
An id the store holds but this table does not know (a newer writer) is shown as it is.
"""
from __future__ import annotations

from tui.i18n import N_, _

STATUS = {"new": N_("new"), "approved": N_("approved"), "dismissed": N_("dismissed"), "answered": N_("answered")}
REASON = {"spam": N_("spam"), "off-topic": N_("off-topic"), "duplicate": N_("duplicate"), "abusive": N_("abusive"),
          "other": N_("other"), "held": N_("held")}


def status_label(status: str) -> str:
    return _(STATUS[status]) if status in STATUS else status


def reason_label(reason: str) -> str:
    return _(REASON[reason]) if reason in REASON else reason
