"""The token page, under the profile (« Mon profil » → « Accès à l'API »).

The API itself is mounted in ``raccord/urls.py`` (``raccord.api.views.api``).
"""

from django.urls import path

from raccord.api import views_tokens

app_name = "api"
urlpatterns = [
    path("", views_tokens.tokens, name="tokens"),
    path("<int:pk>/revoquer/", views_tokens.token_revoke_view, name="token_revoke"),
]
