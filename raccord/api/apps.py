from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "raccord.api"
    label = "api"
    verbose_name = "API des demandeurs et installateurs"
