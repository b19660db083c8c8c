"""The OpenAPI description is served; ninja's CDN-based docs page is not."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_given_anyone_when_reading_openapi_json_then_the_whole_api_is_described():
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "API Raccord" and schema["info"]["version"] == "1"
    description = schema["info"]["description"]
    assert "Ce qui reste dans le portail" in description and "signature" in description
    paths = schema["paths"]
    assert set(paths["/api/v1/dossiers"]) == {"get", "post"}
    assert set(paths["/api/v1/dossiers/{number}/sections/{section}"]) == {"get", "put"}
    assert set(paths["/api/v1/dossiers/{number}/attachments"]) == {"get", "post"}
    assert set(paths["/api/v1/dossiers/{number}/messages"]) == {"get", "post"}
    assert "/api/v1/dossiers/{number}/documents/{document_id}" in paths
    schemes = schema["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    upload = paths["/api/v1/dossiers/{number}/attachments"]["post"]["requestBody"]
    assert "multipart/form-data" in upload["content"]
    put = paths["/api/v1/dossiers/{number}/sections/{section}"]["put"]["responses"]
    assert {"200", "409", "422", "401", "404"} <= set(put)


def test_given_the_interactive_docs_url_then_nothing_is_served_from_a_cdn():
    assert Client().get("/api/v1/docs").status_code == 404
    assert "cdn" not in Client().get("/api/v1/openapi.json").text.lower()


@pytest.mark.parametrize("method", ["get", "post", "put", "delete"])
def test_given_an_unknown_address_under_the_api_then_a_json_404(method):
    response = getattr(Client(), method)("/api/v1/dossier/inconnu")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert "openapi.json" in response.json()["detail"]
    # The real routes still answer (the catch-all is the last route).
    assert Client().get("/api/v1/dossiers").status_code == 401
    assert "/api/v1/{rest}" not in Client().get("/api/v1/openapi.json").json()["paths"]
