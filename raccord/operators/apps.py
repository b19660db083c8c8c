from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "raccord.operators"
    label = "operators"
    verbose_name = "Gestionnaires de réseau"
