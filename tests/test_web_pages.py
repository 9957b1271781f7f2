"""The pages the service serves itself: the chat page at / with and without keys, the tab icon."""
from __future__ import annotations

from fastapi.testclient import TestClient

from api.app import create_app
from api.config import ApiKeyConfig
from api.security import hash_key
from tests.api_support import service_settings

PAGE_KEY = "pagina-sleutel"


def _client(assistant, index_settings, tmp_path, **overrides) -> TestClient:
    keys = [ApiKeyConfig(id="pagina", sha256=hash_key(PAGE_KEY), origins=["http://testserver"])]
    settings = service_settings(index_settings, f"sqlite:///{tmp_path / 'pages.sqlite3'}", api_keys=keys,
                                **overrides)
    return TestClient(create_app(settings, assistant=assistant))


def test_page_with_keys_but_no_page_key_says_so_in_dutch(assistant, index_settings, tmp_path, caplog):
    with _client(assistant, index_settings, tmp_path) as client:
        r = client.get("/")
    assert r.status_code == 503
    assert "niet goed ingesteld" in r.text and "beheerder" in r.text and "<script" not in r.text
    assert "INBURGERING_PAGE_API_KEY is not set" in caplog.text


def test_page_with_a_page_key_asks_with_it(assistant, index_settings, tmp_path):
    with _client(assistant, index_settings, tmp_path, page_api_key=PAGE_KEY) as client:
        page = client.get("/")
        assert page.status_code == 200 and f'data-api-key="{PAGE_KEY}"' in page.text
        asked = client.post("/v1/chat", json={"question": "Wat is het PIP?"},
                            headers={"X-API-Key": PAGE_KEY, "Origin": "http://testserver"})
        assert asked.status_code == 200
        sid = asked.json()["session_id"]
        # A same-origin GET carries no Origin header; the browser marks it same-origin instead.
        restored = client.get(f"/v1/sessions/{sid}", headers={"X-API-Key": PAGE_KEY, "Sec-Fetch-Site": "same-origin"})
        assert restored.status_code == 200 and len(restored.json()["turns"]) == 1
        other_site = client.get(f"/v1/sessions/{sid}", headers={"X-API-Key": PAGE_KEY, "Sec-Fetch-Site": "cross-site"})
        assert other_site.status_code == 403


def test_tab_icon_is_served(assistant, index_settings, tmp_path):
    with _client(assistant, index_settings, tmp_path) as client:
        for path in ("/favicon.ico", "/favicon.svg"):
            r = client.get(path)
            assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
            assert r.text.startswith("<svg")
