"""Layout, operator identity as data, security headers, dev outbox, demo data."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from raccord.accounts.models import User
from raccord.core.demo import DemoRefused, demo_seed
from raccord.operators.models import Operator
from raccord.operators.selectors import desk_for_commune, operator_for_commune
from raccord.places.models import Commune
from tests.factories import DeskFactory, OperatorFactory, UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def test_admin_edits_the_operator_identity_and_the_header_shows_it(client):
    OperatorFactory(name="Régie de Test", short_name="Régie", is_default=True)
    admin = UserFactory(is_staff=True, is_superuser=True)
    from raccord.accounts.totp import totp_activate

    totp_activate(user=admin, secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    client.force_login(admin)
    operator = Operator.objects.get()
    page = client.get(reverse("admin:operators_operator_change", args=[operator.pk]))
    assert page.status_code == 200
    data = {
        "name": "Électricité de Strasbourg Réseaux",
        "short_name": "ÉS Réseaux",
        "legal_form": "Société anonyme",
        "share_capital": "50000000",
        "registered_office": "26 boulevard du Président Wilson, 67000 STRASBOURG",
        "rcs_city": "Strasbourg",
        "siren": "444608442",
        "regional_director_title": "le Directeur",
        "election_of_domicile": "",
        "website": "",
        "is_default": "on",
        "desks-TOTAL_FORMS": "0",
        "desks-INITIAL_FORMS": "0",
        "desks-MIN_NUM_FORMS": "0",
        "desks-MAX_NUM_FORMS": "1000",
    }
    response = client.post(reverse("admin:operators_operator_change", args=[operator.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    home = client.get(reverse("core:home")).content.decode()
    assert "Électricité de Strasbourg Réseaux" in home
    assert "Régie de Test" not in home


def test_logo_is_served_by_a_view_not_from_the_web_root(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    operator = OperatorFactory(is_default=True)
    operator.logo.save("logo.png", ContentFile(PNG))
    home = client.get(reverse("core:home")).content.decode()
    logo_url = reverse("operators:logo", args=[operator.pk])
    assert logo_url in home
    response = client.get(logo_url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG
    assert client.get("/media/" + operator.logo.name).status_code == 404
    assert client.get(settings.MEDIA_URL + operator.logo.name).status_code == 404


def test_each_commune_is_served_by_one_operator_and_a_desk():
    enedis = OperatorFactory(name="Enedis", is_default=True)
    eld = OperatorFactory(name="Régie locale")
    vannes = Commune.objects.get(postal_code="56000")
    desk = DeskFactory(operator=enedis)
    desk.departments.add("56")
    assert operator_for_commune(vannes) == enedis
    assert desk_for_commune(vannes) == desk
    vannes.operator = eld
    vannes.save()
    eld_desk = DeskFactory(operator=eld)
    eld_desk.communes.add(vannes)
    assert operator_for_commune(vannes) == eld
    assert desk_for_commune(vannes) == eld_desk


def test_pages_send_a_strict_csp_and_contain_no_inline_script(client):
    for url in [reverse("core:home"), reverse("account_signup"), reverse("account_login")]:
        response = client.get(url)
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        scripts = re.findall(r"<script\b[^>]*>", response.content.decode())
        assert scripts and all("src=" in tag for tag in scripts)
        assert response["X-Frame-Options"] == "DENY"


def test_forms_are_protected_by_csrf(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("account_login"), {"login": "a@b.test", "password": "x"})
    assert response.status_code == 403


def test_layout_has_a_skip_link_a_french_lang_and_labelled_inputs(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert '<html lang="fr">' in html
    assert 'href="#contenu"' in html and 'id="contenu"' in html
    for input_id in re.findall(r'<input[^>]+type="(?:text|email|password)"[^>]*id="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id


def test_outbox_backend_writes_readable_mail_and_dev_page_lists_it(client, settings, outbox_dir):
    settings.RACCORD_DEV_PAGES = True
    mail.send_mail("Sujet d'essai", "Votre code : ABC123", None, ["x@example.test"])
    assert len(list(outbox_dir.glob("*.eml"))) == 1
    page = client.get(reverse("core:outbox")).content.decode()
    assert "Sujet d&#x27;essai" in page and "ABC123" in page
    settings.RACCORD_DEV_PAGES = False
    assert client.get(reverse("core:outbox")).status_code == 404


def test_demo_data_creates_the_four_accounts_once(capsys):
    call_command("seed_demo")
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "producteur@demo.raccord.test" in out
    roles = set(
        User.objects.filter(email__endswith="@demo.raccord.test").values_list("role", flat=True)
    )
    assert roles == {"private", "installer", "instructor", "operator_admin"}
    assert User.objects.filter(email__endswith="@demo.raccord.test").count() == 4
    assert Operator.objects.get().is_default


def test_demo_data_refuses_production_settings(settings):
    settings.PRODUCTION = True
    with pytest.raises(DemoRefused):
        demo_seed()
    assert not User.objects.exists()


def test_no_model_change_is_missing_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def _run_production_check(env_overrides: dict[str, str | None]) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RACCORD_"))}
    env.update(
        {
            "RACCORD_ENV": "production",
            "DJANGO_SETTINGS_MODULE": "raccord.settings",
            "DJANGO_SECRET_KEY": "x" * 30 + "-a-long-random-production-secret-0123456789",
            "DJANGO_ALLOWED_HOSTS": "raccord.example.fr",
            "DATABASE_URL": "postgres://raccord@127.0.0.1:5432/raccord",
            "EMAIL_HOST": "smtp.example.fr",
            "RACCORD_SITE_URL": "https://raccord.example.fr",
        }
    )
    for key, value in env_overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_check_deploy_without_warning():
    result = _run_production_check({})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "issues" in result.stdout


@pytest.mark.parametrize(
    "missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "EMAIL_HOST", "RACCORD_SITE_URL"]
)
def test_production_refuses_to_start_without_a_required_variable(missing):
    result = _run_production_check({missing: None})
    assert result.returncode != 0
    assert f"Missing required environment variable {missing}" in result.stderr
