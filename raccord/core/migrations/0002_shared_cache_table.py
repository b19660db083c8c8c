"""The table of the shared cache (rate limits of the API and the logins, RACCORD_CACHE=database).

``migrate`` creates it, so that a deployment cannot forget ``createcachetable``; with another
cache backend (memory, Redis) this does nothing. Idempotent, like the command it calls.
"""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):  # type: ignore[no-untyped-def]
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
