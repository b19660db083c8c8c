from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "raccord.dossiers"
    label = "dossiers"
    verbose_name = "Dossiers"
