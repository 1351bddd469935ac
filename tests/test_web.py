"""The PWA shell: what Flask serves around the API."""

import multiprocessing
import os
import runpy
import socket
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


def test_hashed_assets_are_cached_for_a_year_without_revalidation(client):
    with client.get("/assets/index-abc123.js") as response:
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize(("accepts", "encoding", "body"), [("br, gzip", "br", b"BR"), ("gzip", "gzip", b"GZ")])
def test_precompressed_assets_are_chosen_by_accept_encoding(app, client, accepts, encoding, body):
    dist = app.config["FRONTEND_DIST"]
    with open(f"{dist}/assets/index-abc123.js.br", "wb") as br, open(f"{dist}/assets/index-abc123.js.gz", "wb") as gz:
        br.write(b"BR")
        gz.write(b"GZ")
    try:
        with client.get("/assets/index-abc123.js", headers={"Accept-Encoding": accepts}) as response:
            assert response.headers["Content-Encoding"] == encoding
            assert response.mimetype == "text/javascript" and response.data == body
            assert "Accept-Encoding" in response.headers["Vary"]
        with client.get("/assets/index-abc123.js") as plain:
            assert "Content-Encoding" not in plain.headers and plain.data == b"console.log('app');"
    finally:
        os.remove(f"{dist}/assets/index-abc123.js.br")
        os.remove(f"{dist}/assets/index-abc123.js.gz")


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


def test_the_sqlite_database_is_readable_by_its_owner_only(tmp_path):
    from sqlalchemy import create_engine, text

    from app.core import sqlite  # noqa: F401  (the connect hook under test)

    engine = create_engine(f"sqlite:///{tmp_path / 'private.sqlite'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
    engine.dispose()
    for name in os.listdir(tmp_path):
        assert (tmp_path / name).stat().st_mode & 0o077 == 0, name


def gunicorn_settings(monkeypatch, **environment):
    for name in ("REDIS_URL", "FLASK_RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path("gunicorn.conf.py")


def fake_server(workers: int, bind: str = "127.0.0.1:0"):
    return SimpleNamespace(cfg=SimpleNamespace(workers=workers, bind=[bind]))


def test_the_embedded_default_runs_one_process_with_threads(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    assert settings["workers"] == 1 and settings["threads"] > 1


def test_several_workers_without_redis_are_refused_with_a_reason(monkeypatch):
    settings = gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3")
    with pytest.raises(SystemExit, match="REDIS_URL"):
        settings["on_starting"](fake_server(settings["workers"]))


def test_several_workers_with_redis_start(monkeypatch):
    settings = gunicorn_settings(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    assert settings["workers"] > 1
    settings["on_starting"](fake_server(settings["workers"]))


def test_a_taken_port_names_another(monkeypatch):
    settings = gunicorn_settings(monkeypatch)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(SystemExit, match=f"PORT={port + 1}"):
            settings["on_starting"](fake_server(1, f"127.0.0.1:{port}"))
