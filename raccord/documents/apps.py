from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "raccord.documents"
    label = "documents"
    verbose_name = "Documents"
