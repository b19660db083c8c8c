from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "raccord.portal"
    label = "portal"
    verbose_name = "Portail des demandeurs"
