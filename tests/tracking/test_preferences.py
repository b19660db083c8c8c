"""The profile page shows the three e-mail preferences (legally required mails always go)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_profile_shows_the_notification_preferences_checked_by_default(client):
    client.force_login(UserFactory())
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Notifications par e-mail" in html
    for label in (
        "Recevoir un e-mail pour chaque nouveau message",
        "Recevoir un e-mail pour chaque étape de mes demandes",
        "Recevoir un rappel avant l&#x27;échéance d&#x27;une action",
    ):
        assert label in html
    assert html.count('type="checkbox"') == 3 and html.count("checked") == 3


def test_unticking_a_preference_saves_it(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"),
        {
            "profile-first_name": "Ada",
            "profile-last_name": "Lovelace",
            "profile-phone": "",
            "profile-notify_messages": "on",
            "profile-notify_reminders": "on",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.notify_messages and user.notify_reminders and not user.notify_steps
