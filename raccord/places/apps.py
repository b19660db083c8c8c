from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "raccord.places"
    label = "places"
    verbose_name = "Communes"
