"""The words shown for the store's ids: states, dismissal reasons, hold rules, roles, undone actions.

The store keeps English ids; they are translated where shown (marked with `N_`
here). An id the store holds but these tables do not know (a newer writer) is
shown as it is.
"""
from __future__ import annotations

from tui.i18n import N_, _, pgettext

STATUS = {"new": N_("new"), "approved": N_("approved"), "dismissed": N_("dismissed"), "answered": N_("answered")}
REASON = {"spam": N_("spam"), "off-topic": N_("off-topic"), "duplicate": N_("duplicate"), "abusive": N_("abusive"),
          "other": N_("other"), "held": N_("held")}
# The hold rules (`store.triage.rules.RULES`); the header writes them with hyphens: "link-only 12".
HOLD = {"blocked author": N_("blocked author"), "blocked word": N_("blocked word"), "link only": N_("link only"),
        "flood": N_("flood")}
ROLE = {"moderator": N_("moderator"), "host": N_("host"), "both": N_("both")}
OTHER_TOPIC = "other"  # the topic shares' last entry: questions about no topic (`store.triage.topics.OTHER`)


def status_label(status: str) -> str:
    return _(STATUS[status]) if status in STATUS else status


def reason_label(reason: str) -> str:
    return _(REASON[reason]) if reason in REASON else reason


def hold_label(rule: str) -> str:
    return _(HOLD[rule]) if rule in HOLD else rule


def role_label(role: str) -> str:
    return _(ROLE[role]) if role in ROLE else role


def topic_label(name: str) -> str:
    """A topic's name as typed (never translated), but for the share of questions about none."""
    return _("other") if name == OTHER_TOPIC else name


def action_label(action: str) -> str:
    """An action of the store's history, as an undo names it ("Undone: dismiss of 5 questions")."""
    labels = {"approve": pgettext("undone", "approve"), "dismiss": pgettext("undone", "dismiss"),
              "star": pgettext("undone", "star"), "unstar": pgettext("undone", "unstar"),
              "tag": pgettext("undone", "tag"), "duplicate": pgettext("undone", "duplicate"),
              "reopen": pgettext("undone", "reopen"), "votes": pgettext("undone", "votes")}
    return labels.get(action, action)
