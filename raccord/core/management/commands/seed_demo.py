from django.core.management.base import BaseCommand, CommandError

from raccord.core.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, DemoRefused, demo_seed


class Command(BaseCommand):
    help = "Create the demo operator, desks and accounts (development only; idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        try:
            accounts = demo_seed()
        except DemoRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Demo accounts (password: {DEMO_PASSWORD}):")
        for account in accounts:
            self.stdout.write(f"  {account.email:34} {account.description}")
        self.stdout.write(
            "Staff accounts use a second factor: TOTP secret "
            f"{DEMO_TOTP_SECRET} (add it to an authenticator app, or run "
            "`python manage.py totp_code EMAIL` for the current code)."
        )
