"""The PWA shell: what Flask serves around the API."""

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from types import SimpleNamespace

import pytest

from app import instance_secret


def test_shell_is_never_cached(client):
    with client.get("/") as response:
        assert response.status_code == 200
        assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.parametrize("route", ["/join/abc123", "/reset/xyz", "/admin/units", "/approvals"])
def test_client_routes_get_the_shell(client, route):
    with client.get(route) as response:
        assert response.status_code == 200 and "平安巡防" in response.get_data(as_text=True)


def test_hashed_assets_are_cached_for_a_year(client):
    with client.get("/assets/index-abc123.js") as response:
        assert response.status_code == 200
        assert "immutable" in response.headers["Cache-Control"]
        assert "max-age=31536000" in response.headers["Cache-Control"]


@pytest.mark.parametrize("name", ["sw.js", "manifest.webmanifest"])
def test_service_worker_and_manifest_are_revalidated(client, name):
    with client.get(f"/{name}") as response:
        assert response.status_code == 200 and "no-cache" in response.headers["Cache-Control"]


def test_missing_asset_is_a_404_not_the_shell(client):
    with client.get("/assets/gone-123.js") as response:
        assert response.status_code == 404


def test_api_paths_never_fall_through_to_the_shell(client):
    response = client.get("/api/v2/anything")
    assert response.status_code == 404 and response.get_json()["error"] == "not_found"


def test_files_outside_the_build_are_never_served(client):
    with client.get("/..%2F..%2Fconfig.py") as response:
        assert b"SECRET_KEY" not in response.data


def test_workers_starting_together_agree_on_one_private_secret_key(tmp_path):
    """gunicorn starts its workers at once; each must end up with the same generated key."""
    app_like = SimpleNamespace(instance_path=str(tmp_path))
    with ProcessPoolExecutor(max_workers=6, mp_context=multiprocessing.get_context("spawn")) as pool:
        keys = set(pool.map(instance_secret, [app_like] * 12))
    assert len(keys) == 1 and len(keys.pop()) > 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert list(tmp_path.iterdir()) == [tmp_path / "secret_key"]
