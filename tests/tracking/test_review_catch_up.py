"""The clocks job catches up the instant review the task worker did not run."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from raccord.dossiers.models import Dossier, State
from raccord.dossiers.review import review_apply, reviews_missing
from raccord.dossiers.signing import convention_accept, dossier_submit
from raccord.tracking.clocks import clocks_run
from raccord.tracking.models import Event
from tests.factories import DeskFactory, DossierFactory, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator():  # type: ignore[no-untyped-def]
    return OperatorFactory(
        name="Enedis", short_name="Enedis", is_default=True, instant_review_enabled=True
    )


def transmitted(operator, *, minutes_ago: int = 30) -> Dossier:  # type: ignore[no-untyped-def]
    """Submitted through the real service; its on-commit task never runs (worker down)."""
    user = UserFactory()
    dossier = DossierFactory(
        complete=True, created_by=user, operator=operator, desk=DeskFactory(operator=operator)
    )
    convention_accept(dossier=dossier, user=user, ip_address="203.0.113.7", user_agent="test")
    dossier_submit(dossier=dossier, user=user)
    Dossier.objects.filter(pk=dossier.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert not Event.objects.filter(dossier=dossier, kind__startswith="review_").exists()
    return dossier


def reviews(dossier: Dossier) -> int:
    return Event.objects.filter(
        dossier=dossier, kind__in=("review_passed", "review_failed")
    ).count()


def test_dry_run_reports_the_missed_review_and_changes_nothing(operator):
    dossier = transmitted(operator)
    out = StringIO()
    call_command("run_clocks", stdout=out)
    text = out.getvalue()
    assert "Instruction instantanée à faire" in text and dossier.number_display in text
    assert "instructions rattrapées : 1" in text
    assert reviews(dossier) == 0
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED


def test_wet_run_reviews_and_accepts_once(operator, django_capture_on_commit_callbacks):
    dossier = transmitted(operator)
    with django_capture_on_commit_callbacks(execute=True):
        report = clocks_run(wet=True)
    assert report.reviews == 1
    dossier.refresh_from_db()
    assert dossier.state == State.ACCEPTED
    assert reviews(dossier) == 1
    # Idempotent: a second run, or the task coming back, does nothing more.
    assert clocks_run(wet=True).reviews == 0
    assert review_apply(dossier_id=dossier.pk) is None
    assert reviews(dossier) == 1


def test_only_operators_with_instant_review_and_not_just_transmitted(operator):
    reviewed_later = transmitted(operator, minutes_ago=1)  # the worker may still take it
    other = OperatorFactory(name="ELD", short_name="ELD", instant_review_enabled=False)
    off = transmitted(other)
    due = transmitted(operator)
    already = transmitted(operator)
    review_apply(dossier_id=already.pk)
    found = {d.pk for d in reviews_missing(submitted_before=timezone.now() - timedelta(minutes=10))}
    assert found == {due.pk}
    assert off.pk not in {d.pk for d in reviews_missing()}
    assert reviewed_later.pk in {d.pk for d in reviews_missing()}


def test_a_failed_review_is_recorded_and_not_retried(operator):
    dossier = transmitted(operator)
    data = dossier.data
    data["chantier"]["pdl"] = "12"
    Dossier.objects.filter(pk=dossier.pk).update(data=data)
    assert clocks_run(wet=True).reviews == 1
    dossier.refresh_from_db()
    assert dossier.state == State.SUBMITTED
    assert Event.objects.filter(dossier=dossier, kind="review_failed").count() == 1
    assert clocks_run(wet=True).reviews == 0
