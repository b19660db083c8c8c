"""The shared cache's table is made by ``migrate`` (RACCORD_CACHE=database in production)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module("raccord.core.migrations.0002_shared_cache_table")
DATABASE_CACHE = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "raccord_cache_migration_test",
    }
}


def test_the_migration_creates_the_database_cache_table_once() -> None:
    with override_settings(CACHES=DATABASE_CACHE):
        assert "raccord_cache_migration_test" not in connection.introspection.table_names()
        editor = SimpleNamespace(connection=connection)
        MIGRATION.create_cache_table(None, editor)
        MIGRATION.create_cache_table(None, editor)  # again: nothing to do, no error
        assert "raccord_cache_migration_test" in connection.introspection.table_names()
        cache = caches.create_connection("default")
        cache.set("limite", 3)
        assert cache.get("limite") == 3
