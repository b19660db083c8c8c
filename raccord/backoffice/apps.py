from django.apps import AppConfig


class BackofficeConfig(AppConfig):
    name = "raccord.backoffice"
    label = "backoffice"
    verbose_name = "Back-office du gestionnaire"
