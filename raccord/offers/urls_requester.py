from django.urls import path

from raccord.offers import views_requester as v

app_name = "offers"
urlpatterns = [
    path("", v.offer_page, name="page"),
    path("accepter/<int:pk>/", v.accept, name="accept"),
    path("pieces/<int:pk>/", v.upload, name="upload"),
    path("acompte/<int:pk>/", v.deposit, name="deposit"),
    path("modification/", v.modification, name="modification"),
]
