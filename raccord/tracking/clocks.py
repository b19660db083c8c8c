"""The clocks job: what time alone makes happen (``run_clocks``, ``run_clocks_task``).

Each run, for the local (Europe/Paris) date ``today``:

* **reminders**: one e-mail to the requester's side ``RACCORD_REMINDER_DAYS_BEFORE`` days
  (setting, default 3) or fewer before the due date of each open action (« Avant le »), once
  per action (kind ``action_reminder``; the « rappels » preference applies);
* **catch-up of the instant review**: a transmitted CACSI of an operator with instant review
  on that has no review since its last transmission (the task worker was down) and was
  transmitted more than ``RACCORD_REVIEW_CATCH_UP_MINUTES`` (setting, default 10) ago is
  reviewed with ``review_apply`` (idempotent: it reviews a dossier once);
* **CACSI 15-day rule**: when the rule allows commissioning
  (``raccord.dossiers.clocks.cacsi_rule``, i.e. ``raccord.rules.clocks.cacsi_commissioning``,
  the one reading shared with the Suivi tab and the operator's due date: no answer =
  « Transmise », « Prise en charge » or « Complète », days waiting for the requester not
  counted, electronic meter), the requester is told once (kind ``may_commission``);
* **daily digest**: to each desk's e-mail address, the list of its overdue dossiers, once per
  desk per day, only when there is one (kind ``digest``);
* **retries**: pending notifications whose next try is due are sent again.

Everything is idempotent: notifications have unique keys, so a second run the same day finds
nothing more to do. Each new reminder, notice and digest is recorded in the audit chain
(``clock:reminder``, ``clock:may_commission``, ``clock:digest``; ``clock:retry`` when retries
sent mails; a caught-up review records its own ``review_passed`` / ``review_failed``).
Dry-run (the default of the command) only reports what would be done.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from raccord.dossiers.clocks import CACSI_UNANSWERED, cacsi_rule
from raccord.dossiers.models import Dossier, Kind, State
from raccord.dossiers.notifications import recipients
from raccord.dossiers.review import review_apply, reviews_missing
from raccord.operators.models import Desk
from raccord.tracking.models import Action, Notification
from raccord.tracking.notify import (
    dossier_notification_key,
    notification_create,
    notifications_due,
    notifications_send_pending,
)
from raccord.tracking.services import event_record

logger = logging.getLogger(__name__)

IN_PROGRESS = (
    State.SUBMITTED,
    State.IN_CHARGE,
    State.WAITING_REQUESTER,
    State.COMPLETE,
    State.ACCEPTED,
)


def review_grace() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "RACCORD_REVIEW_CATCH_UP_MINUTES", 10)))


def reminder_days() -> int:
    return int(getattr(settings, "RACCORD_REMINDER_DAYS_BEFORE", 3))


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


@dataclass
class ClockReport:
    """What a run did (wet) or would do (dry), as French lines for the operator."""

    wet: bool
    today: date
    reminders: int = 0
    reviews: int = 0
    may_commission: int = 0
    digests: int = 0
    retried: int = 0
    lines: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "reminders": self.reminders,
            "reviews": self.reviews,
            "may_commission": self.may_commission,
            "digests": self.digests,
            "retried": self.retried,
        }


def _existing_keys(keys: list[str]) -> set[str]:
    return set(Notification.objects.filter(key__in=keys).values_list("key", flat=True))


# --- Reminders -------------------------------------------------------------------------------


def reminders_due(*, today: date) -> list[tuple[Action, str]]:
    """Open actions due within the reminder window with no reminder yet, with their key."""
    actions = list(
        Action.objects.filter(
            state=Action.State.OPEN,
            due_date__gte=today,
            due_date__lte=today + timedelta(days=reminder_days()),
            dossier__state__in=IN_PROGRESS,
        ).select_related("dossier", "dossier__created_by")
    )
    keyed = [
        (
            a,
            dossier_notification_key(
                dossier_id=a.dossier_id, kind="action_reminder", key=f"a{a.pk}"
            ),
        )
        for a in actions
    ]
    done = _existing_keys([k for _a, k in keyed])
    return [(a, k) for a, k in keyed if k not in done]


def _reminder_send(action: Action, key: str) -> bool:
    dossier = action.dossier
    with transaction.atomic():
        _n, created = notification_create(
            key=key,
            kind="action_reminder",
            dossier=dossier,
            recipients=recipients(dossier, "action_reminder"),
            context={"action": action.label, "due_date": _fmt(action.due_date)},
        )
        if created:
            event_record(
                kind="clock:reminder",
                dossier=dossier,
                payload={"action": action.pk, "due_date": action.due_date.isoformat()},
            )
    return created


# --- CACSI 15-day rule -----------------------------------------------------------------------


def commissioning_allowed_on(dossier: Dossier) -> date | None:
    """First day the requester may commission under the 15-day rule (None if unknown)."""
    rule = cacsi_rule(dossier)
    return rule.allowed_from if rule is not None else None


def may_commission_due(*, today: date) -> list[tuple[Dossier, str]]:
    """CACSI dossiers where the 15-day rule now allows commissioning, not yet told."""
    found = []
    for dossier in Dossier.objects.filter(
        kind=Kind.CACSI, state__in=CACSI_UNANSWERED, submitted_at__isnull=False
    ).select_related("created_by"):
        if timezone.localdate(dossier.submitted_at) > today:
            continue
        rule = cacsi_rule(dossier, today=today)
        if rule is not None and rule.allowed_now:
            found.append(
                (
                    dossier,
                    dossier_notification_key(
                        dossier_id=dossier.pk, kind="may_commission", key="once"
                    ),
                )
            )
    done = _existing_keys([k for _d, k in found])
    return [(d, k) for d, k in found if k not in done]


def _may_commission_send(dossier: Dossier, key: str) -> bool:
    allowed_on = commissioning_allowed_on(dossier)
    transmitted_on = timezone.localdate(dossier.submitted_at) if dossier.submitted_at else None
    with transaction.atomic():
        _n, created = notification_create(
            key=key,
            kind="may_commission",
            dossier=dossier,
            recipients=recipients(dossier, "may_commission"),
            context={
                "transmitted_on": _fmt(transmitted_on) if transmitted_on else "",
                "allowed_on": _fmt(allowed_on) if allowed_on else "",
            },
        )
        if created:
            event_record(
                kind="clock:may_commission",
                dossier=dossier,
                payload={"allowed_on": allowed_on.isoformat() if allowed_on else ""},
            )
    return created


# --- Catch-up of the instant review --------------------------------------------------------


def reviews_due(*, now: datetime) -> list[Dossier]:
    """Transmitted CACSI whose instant review never ran (see ``reviews_missing``)."""
    return reviews_missing(submitted_before=now - review_grace())


def _review_catch_up(dossier: Dossier) -> bool:
    """Run the missed review; True if this call reviewed the dossier."""
    try:
        return review_apply(dossier_id=dossier.pk) is not None
    except Exception:  # one dossier must not stop the job; staff review it by hand
        logger.exception("Catch-up review of dossier %s failed", dossier.pk)
        return False


# --- Daily digest per desk -------------------------------------------------------------------


def _has_field(name: str) -> bool:
    return any(f.name == name for f in Dossier._meta.get_fields())


def overdue_entries(*, desk: Desk, today: date) -> list[dict[str, str]]:
    """Overdue dossiers of ``desk`` (number, state, why), oldest first.

    Overdue: the operator's own due date has passed (``Dossier.due_on``, when the clock is not
    suspended), a CACSI still « Transmise » after its 15-day delay, or an open action of the
    requester past its « Avant le ».
    """
    dossiers = Dossier.objects.filter(desk=desk, state__in=IN_PROGRESS).order_by("pk")
    reasons: dict[int, tuple[Dossier, list[str]]] = {}

    def add(dossier: Dossier, reason: str) -> None:
        reasons.setdefault(dossier.pk, (dossier, []))[1].append(reason)

    if _has_field("due_on"):
        for dossier in dossiers.filter(due_on__lt=today, paused_since__isnull=True):
            add(dossier, f"Échéance du gestionnaire dépassée ({_fmt(dossier.due_on)})")
    for dossier in dossiers.filter(kind=Kind.CACSI, state__in=CACSI_UNANSWERED):
        rule = cacsi_rule(dossier, today=today)
        if rule is not None and rule.deadline.is_past(today) and dossier.submitted_at:
            add(
                dossier,
                "Sans réponse depuis la transmission du "
                f"{_fmt(timezone.localdate(dossier.submitted_at))} : délai de 15 jours expiré",
            )
    for action in (
        Action.objects.filter(state=Action.State.OPEN, due_date__lt=today, dossier__in=dossiers)
        .select_related("dossier")
        .order_by("due_date", "pk")
    ):
        add(
            action.dossier,
            f"Action du demandeur « {action.label} » attendue avant le {_fmt(action.due_date)}",
        )
    return [
        {
            "number": dossier.number_display,
            "requester": dossier.requester_name,
            "state": str(State(dossier.state).label),
            "reasons": "; ".join(why),
        }
        for dossier, why in sorted(reasons.values(), key=lambda item: item[0].pk)
    ]


def digest_key(desk: Desk, today: date) -> str:
    return f"digest:desk{desk.pk}:{today.isoformat()}"


def digests_due(*, today: date) -> list[tuple[Desk, list[dict[str, str]]]]:
    """Desks with overdue dossiers and no digest yet today, with the list to send."""
    desks = list(Desk.objects.exclude(email="").order_by("pk"))
    done = _existing_keys([digest_key(d, today) for d in desks])
    found = []
    for desk in desks:
        if digest_key(desk, today) in done:
            continue
        entries = overdue_entries(desk=desk, today=today)
        if entries:
            found.append((desk, entries))
    return found


def _digest_send(desk: Desk, entries: list[dict[str, str]], today: date) -> bool:
    with transaction.atomic():
        _n, created = notification_create(
            key=digest_key(desk, today),
            kind="digest",
            desk=desk,
            recipients=[desk.email.lower()],
            context={"date": _fmt(today), "desk": desk.name, "entries": entries},
        )
        if created:
            event_record(
                kind="clock:digest",
                payload={"desk": desk.code, "date": today.isoformat(), "count": len(entries)},
            )
    return created


# --- The job ---------------------------------------------------------------------------------


def clocks_run(*, wet: bool, now: datetime | None = None) -> ClockReport:
    """One run of the clocks job (see the module docstring); dry unless ``wet``."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ClockReport(wet=wet, today=today)

    for action, key in reminders_due(today=today):
        if not wet or _reminder_send(action, key):
            report.reminders += 1
            report.lines.append(
                f"Rappel : dossier {action.dossier.number_display}, action « {action.label} » "
                f"avant le {_fmt(action.due_date)}"
            )
    for dossier in reviews_due(now=now):
        if not wet or _review_catch_up(dossier):
            report.reviews += 1
            verb = "faite" if wet else "à faire"
            report.lines.append(
                f"Instruction instantanée {verb} (tâche non exécutée) : dossier "
                f"{dossier.number_display}"
            )
    for dossier, key in may_commission_due(today=today):
        if not wet or _may_commission_send(dossier, key):
            report.may_commission += 1
            report.lines.append(
                f"Règle des 15 jours : dossier {dossier.number_display}, le demandeur peut "
                "mettre en service"
            )
    for desk, entries in digests_due(today=today):
        if not wet or _digest_send(desk, entries, today):
            report.digests += 1
            report.lines.append(
                f"Synthèse quotidienne : {desk.name} ({desk.email}), "
                f"{len(entries)} dossier(s) en retard"
            )
    from raccord.offers.services import offers_lapse_due  # offers: lapse after 3 months

    report.lines.extend(offers_lapse_due(today=today, wet_run=wet))
    if wet:
        report.retried = notifications_send_pending(now=now)
        if report.retried:
            event_record(kind="clock:retry", payload={"sent": report.retried})
    else:
        report.retried = len(notifications_due(now=now))
    if report.retried:
        verb = "renvoyées" if wet else "à renvoyer"
        report.lines.append(f"Notifications en attente {verb} : {report.retried}")
    return report


def digests_run(*, wet: bool, now: datetime | None = None) -> ClockReport:
    """Only the daily digests (command ``send_digests``)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = ClockReport(wet=wet, today=today)
    for desk, entries in digests_due(today=today):
        if not wet or _digest_send(desk, entries, today):
            report.digests += 1
            report.lines.append(
                f"Synthèse quotidienne : {desk.name} ({desk.email}), "
                f"{len(entries)} dossier(s) en retard"
            )
    return report
