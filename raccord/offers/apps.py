from django.apps import AppConfig


class OffersConfig(AppConfig):
    name = "raccord.offers"
    label = "offers"
    verbose_name = "Offres de raccordement (36 à 250 kVA)"
