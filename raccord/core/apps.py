from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "raccord.core"
    label = "core"
    verbose_name = "Raccord"
