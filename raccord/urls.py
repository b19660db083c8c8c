from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from raccord.api.views import api

admin.site.site_header = _("Raccord — administration")
admin.site.site_title = _("Raccord")
# The admin's own login form checks the password only: an anonymous visitor is sent to the
# allauth login instead (with ?next=), which asks staff for their TOTP code.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]

urlpatterns = [
    path("", include("raccord.core.urls")),
    path("comptes/", include("allauth.urls")),
    path("profil/acces-api/", include("raccord.api.urls")),
    path("profil/", include("raccord.accounts.urls")),
    path("demandes/<str:number>/offre/", include("raccord.offers.urls_requester")),
    path("gestion/<str:number>/offre/", include("raccord.offers.urls_staff")),
    path("demandes/", include("raccord.portal.urls")),
    path("gestion/", include("raccord.backoffice.urls")),
    path("lieux/", include("raccord.places.urls")),
    path("gestionnaires/", include("raccord.operators.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
