from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "raccord.accounts"
    label = "accounts"
    verbose_name = "Comptes"
