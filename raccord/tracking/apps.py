from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "raccord.tracking"
    label = "tracking"
    verbose_name = "Suivi"
