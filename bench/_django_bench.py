"""Set up Django for a database benchmark (shared by bench_inbox.py and bench_dashboard.py).

SQLite: a fresh database in a temporary var directory (nothing else is touched). PostgreSQL
(``DATABASE_URL`` set): a dedicated database on the same server, dropped and created again,
so that the database named in the URL is never touched.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit


def django_bench_setup(bench_db: str) -> None:
    """Environment, dedicated database and ``django.setup()`` for the bench ``bench_db``."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    os.environ.setdefault("RACCORD_ENV", "dev")
    os.environ.setdefault("RACCORD_VAR_DIR", tempfile.mkdtemp(prefix="raccord-bench-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "raccord.settings")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(url)
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{bench_db}"')
            conn.execute(f'CREATE DATABASE "{bench_db}"')
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{bench_db}"))
    import django

    django.setup()


def bench_desk() -> tuple[Any, Any, Any]:
    """Migrate, load the communes once, and the operator, desk and instructor of the benches."""
    from django.core.management import call_command

    from raccord.accounts.models import User
    from raccord.operators.models import Desk, Operator
    from raccord.places.models import Commune
    from raccord.places.services import places_load

    call_command("migrate", verbosity=0)
    if not Commune.objects.exists():
        places_load()
    operator, _ = Operator.objects.get_or_create(
        name="Enedis",
        defaults={
            "short_name": "Enedis",
            "legal_form": "SA",
            "share_capital": 270037000,
            "registered_office": "Tour Enedis, 92079 PARIS LA DEFENSE",
            "rcs_city": "Nanterre",
            "siren": "444608442",
        },
    )
    desk, _ = Desk.objects.get_or_create(
        code="P4E",
        defaults={
            "operator": operator,
            "name": "AREPROD Bretagne",
            "address": "Brest",
            "phone": "02 98 00 00 00",
            "email": "areprod@example.test",
        },
    )
    staff, _ = User.objects.get_or_create(
        email="bench.staff@example.test",
        defaults={"role": User.Role.INSTRUCTOR, "operator": operator, "desk": desk},
    )
    return operator, desk, staff
