"""Settings for the test suite: the dev profile with in-memory mail and a throwaway var/ dir."""

import os
import tempfile

os.environ["RACCORD_ENV"] = "test"
os.environ.setdefault("RACCORD_VAR_DIR", tempfile.mkdtemp(prefix="raccord-test-var-"))

from raccord.settings import *  # noqa: F403

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file rather than shared-cache memory: the live server's threads then wait on the
    # busy timeout (as in production) instead of failing with "database table is locked".
    DATABASES["default"]["TEST"] = {  # noqa: F405
        "NAME": os.path.join(os.environ["RACCORD_VAR_DIR"], "test.sqlite3")
    }

# Parameters edited in another process are looked for every 2 s in production; in tests that
# check would add a query to whichever request crosses the 2 s mark (query-count tests). The
# tests of that check set the interval themselves (tests/core/test_operations.py).
RACCORD_PARAMETERS_RECHECK_SECONDS = 3600

# The API rate limits would otherwise refuse the many calls some tests make in a minute; the
# tests of the limits set low rates themselves (tests/api/test_throttling.py).
RACCORD_API_RATE_USER = "100000/min"
RACCORD_API_RATE_ANON = "100000/min"
