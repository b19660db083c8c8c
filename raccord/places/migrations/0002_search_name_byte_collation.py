"""Give ``search_name`` a byte-order collation on PostgreSQL.

The prefix search is a range ``search_name >= q AND search_name < q || '\\x7f'`` so that the
B-tree index serves it; that is only correct under a byte-order collation ("C"). SQLite's
default (BINARY) already is one, so nothing changes there.
"""

from django.db import migrations


def to_c(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE places_commune ALTER COLUMN search_name TYPE varchar(80) COLLATE "C"'
        )


def to_default(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            'ALTER TABLE places_commune ALTER COLUMN search_name TYPE varchar(80) COLLATE "default"'
        )


class Migration(migrations.Migration):
    dependencies = [("places", "0001_initial")]
    operations = [migrations.RunPython(to_c, to_default)]
