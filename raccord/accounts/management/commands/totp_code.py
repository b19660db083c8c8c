from allauth.mfa.models import Authenticator
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from raccord.accounts.totp import totp_current_code


class Command(BaseCommand):
    help = "Development only: print the current TOTP code of an account's authenticator."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("email")

    def handle(self, *args: object, **options: object) -> None:
        if settings.PRODUCTION:
            raise CommandError("Refusing to reveal a second factor with production settings.")
        authenticator = Authenticator.objects.filter(
            user__email=str(options["email"]).lower(), type=Authenticator.Type.TOTP
        ).first()
        if authenticator is None:
            raise CommandError("No TOTP authenticator for this account.")
        from allauth.mfa.utils import decrypt

        self.stdout.write(totp_current_code(decrypt(authenticator.data["secret"])))
