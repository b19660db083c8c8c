from django.urls import path

from raccord.offers import views_staff as v

app_name = "offers_staff"
urlpatterns = [
    path("", v.prepare, name="prepare"),
    path("envoyer/", v.send, name="send"),
    path("verifier/<int:pk>/", v.verify, name="verify"),
    path("valider/", v.validate, name="validate"),
    path("travaux/", v.milestone, name="milestone"),
    path("mise-en-service/", v.commission, name="commission"),
]
