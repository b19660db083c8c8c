from django.urls import path

from raccord.places import views

app_name = "places"
urlpatterns = [path("communes/", views.commune_autocomplete, name="communes")]
