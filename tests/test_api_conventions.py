"""The conventions every endpoint shares: error shape, auth, CSRF, limits, docs."""

import gzip
import itertools
import json
import re
from datetime import datetime

import pytest
from flask import url_for
from sqlalchemy import func, select
from werkzeug.routing import AnyConverter, IntegerConverter

from app.accounts import routes as account_routes
from app.core.access import OPEN_BLUEPRINTS, is_public
from app.extensions import db
from app.orgs.models import Team
from tests.support import assert_error, field_errors


def test_unknown_api_path_answers_json_404(client):
    assert_error(client.get("/api/v1/no-such-thing"), 404, "not_found")


def test_wrong_method_answers_json_405(client_as, staff):
    assert_error(client_as(staff.member_a1).delete("/api/v1/ping"), 405, "method_not_allowed")


def _sample_values(converter) -> list:
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)  # one route per action: approve, reject, ...
    return [1 if isinstance(converter, IntegerConverter) else "x"]


def api_routes(app) -> list[tuple[str, str, str, str]]:
    """Every (method, URL, endpoint, rule) the API answers, with sample values for the path's variables."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint.split(".")[0] in OPEN_BLUEPRINTS:
            continue
        names = list(rule._converters)
        for values in itertools.product(*(_sample_values(rule._converters[name]) for name in names)):
            with app.test_request_context():
                path = url_for(rule.endpoint, **dict(zip(names, values, strict=True)))
            routes.extend(
                (method, path, rule.endpoint, rule.rule) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})
            )
    return routes


def test_every_endpoint_but_the_public_ones_answers_401_without_a_session(app, client):
    """Walks the whole API: an endpoint added tomorrow is covered the moment it exists."""
    client.send_csrf = False
    app.config["WTF_CSRF_ENABLED"] = False
    checked = []
    try:
        for method, path, endpoint, _ in api_routes(app):
            with app.test_request_context():
                if is_public(endpoint, method):
                    continue
            response = client.open(path, method=method, json={})
            assert_error(response, 401, "unauthorized")
            checked.append(path)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert len(checked) > 30


def test_malformed_json_is_a_400(client_as, staff, org):
    response = client_as(staff.district_admin).post("/api/v1/teams", data="{not json", content_type="application/json")
    assert_error(response, 400, "malformed_json")


def team_count(name) -> int:
    return db.session.scalar(select(func.count()).where(Team.name == name))


def test_unknown_field_is_rejected_and_nothing_is_written(client_as, staff, org, in_app):
    response = client_as(staff.district_admin).post(
        "/api/v1/teams", json={"name": "新队", "unit_id": org.a1.id, "colour": "red"}
    )
    body = assert_error(response, 422, "validation_failed")
    assert field_errors(body) == {"colour": ["unknown_field"]}
    with in_app():
        assert team_count("新队") == 0


def test_wrong_type_names_the_field(client_as, staff, org):
    response = client_as(staff.district_admin).post("/api/v1/teams", json={"name": "新队", "unit_id": "abc"})
    body = assert_error(response, 422, "validation_failed")
    assert field_errors(body) == {"unit_id": ["not_an_integer"]}


def test_oversize_body_is_a_413(client_as, staff, org):
    response = client_as(staff.district_admin).post(
        "/api/v1/teams", data="x" * (2 * 1024 * 1024), content_type="application/json"
    )
    assert_error(response, 413, "payload_too_large")


def test_write_without_csrf_token_is_refused(client_as, staff, org, in_app):
    client = client_as(staff.district_admin)
    client.send_csrf = False
    response = client.post("/api/v1/teams", json={"name": "无令牌队", "unit_id": org.a1.id})
    assert_error(response, 400, "csrf_failed")
    response = client.post(
        "/api/v1/teams", json={"name": "无令牌队", "unit_id": org.a1.id}, headers={"X-CSRFToken": "forged"}
    )
    assert_error(response, 400, "csrf_failed")
    with in_app():
        assert team_count("无令牌队") == 0


def test_unexpected_failure_answers_json_500(app, client_as, staff, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr(account_routes, "update_row", explode)
    response = client_as(staff.member_a1).patch("/api/v1/me", json={"display_name": "新名字"})
    body = assert_error(response, 500, "internal_error")
    assert "boom" not in str(body)


def test_lists_are_paginated_with_a_header(client_as, staff, create_team, org):
    for number in range(5):
        create_team(org.a1, f"队{number}")
    response = client_as(staff.district_admin).get("/api/v1/teams?page=2&page_size=3&sort=name")
    assert response.status_code == 200
    assert len(response.get_json()) == 3
    assert '"total": 8' in response.headers["X-Pagination"]


def test_page_size_is_capped(client_as, staff):
    assert_error(client_as(staff.district_admin).get("/api/v1/teams?page_size=1000"), 422, "validation_failed")


def test_timestamps_are_utc_iso8601(client_as, staff):
    created_at = client_as(staff.member_a1).get("/api/v1/me").get_json()["created_at"]
    assert datetime.fromisoformat(created_at).utcoffset().total_seconds() == 0


def test_openapi_document_describes_the_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/auth/login", "/api/v1/auth/register", "/api/v1/teams/{team_id}/invites"} <= spec["paths"].keys()


def test_api_docs_are_browsable_without_a_cdn(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert b"/api/v1/docs/assets/swagger-ui-bundle.js" in page.data
    with client.get("/api/v1/docs/assets/swagger-ui-bundle.js") as script:
        assert script.status_code == 200


def test_responses_carry_security_headers(client):
    response = client.get("/api/v1/ping")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_huge_id_in_the_url_is_a_404(client_as, staff):
    assert_error(client_as(staff.district_admin).get(f"/api/v1/teams/{2**70}"), 404, "not_found")


@pytest.mark.parametrize("unit_id", [2**70, 1.5, "3", True, None])
def test_ids_in_bodies_must_be_real_ids(client_as, staff, unit_id):
    response = client_as(staff.district_admin).post("/api/v1/teams", json={"name": "新队", "unit_id": unit_id})
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("query", [f"unit_id={2**70}", f"page={10**20}", "page=0", "include_inactive=maybe"])
def test_bad_query_strings_are_422(client_as, staff, query):
    assert_error(client_as(staff.district_admin).get(f"/api/v1/teams?{query}"), 422, "validation_failed")


@pytest.mark.parametrize("path", ["/api/v1/auth/login", "/api/v1/teams"])
def test_deeply_nested_json_is_a_400(client_as, staff, path):
    response = client_as(staff.district_admin).post(path, data="[" * 100_000, content_type="application/json")
    assert_error(response, 400, "malformed_json")


# Bad input is a clear 4xx, never a 500 ------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/teams", '{"name": "\\ud800", "unit_id": %(a1)s}'),
        ("/api/v1/auth/login", '{"phone": "13800000000", "password": "abc\\udfff"}'),
        ("/api/v1/units", '{"name": "ok", "kind": "community", "parent_id": %(street_a)s, "x\\ud800": 1}'),
    ],
)
def test_a_lone_surrogate_in_any_string_is_a_422(client_as, staff, org, path, body):
    data = body % {"a1": org.a1.id, "street_a": org.street_a.id}
    response = client_as(staff.district_admin).post(path, data=data, content_type="application/json")
    assert_error(response, 422, "validation_failed")


@pytest.mark.parametrize("path", ["/api/v1/teams", "/api/v1/auth/login"])
def test_an_integer_of_thousands_of_digits_is_malformed_json(client_as, staff, path):
    data = '{"name": "x", "unit_id": ' + "9" * 5000 + "}"
    response = client_as(staff.district_admin).post(path, data=data, content_type="application/json")
    assert_error(response, 400, "malformed_json")


def json_writes(app, client) -> list[tuple[str, str, dict]]:
    """Every (method, URL, body schema) that takes a JSON body, read from the OpenAPI document."""
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    writes = []
    for method, path, _, rule in api_routes(app):
        operation = spec["paths"][re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)][method.lower()]
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body:
            schema = body["schema"]
            while "$ref" in schema:
                schema = schemas[schema["$ref"].rsplit("/", 1)[1]]
            writes.append((method, path, schema))
    return writes


def _row_counts() -> dict[str, int]:
    return {t.name: db.session.scalar(select(func.count()).select_from(t)) for t in db.metadata.sorted_tables}


def test_every_json_write_refuses_hostile_bodies_and_writes_nothing(app, client, client_as, staff, in_app):
    """Walks every endpoint with a JSON body: a lone surrogate or a NUL byte in each text field,
    an integer of thousands of digits, a body of another type or another media type."""
    admin = client_as(staff.district_admin)
    writes = json_writes(app, client)
    with in_app():
        before = _row_counts()
    for method, path, schema in writes:
        texts = [name for name, field in schema.get("properties", {}).items() if field.get("type") == "string"]
        for name, bad in itertools.product(texts, ["\ud800", "a\x00b"]):
            response = admin.open(path, method=method, json={name: bad})
            assert name in field_errors(assert_error(response, 422, "validation_failed")), (method, path, name)
        huge = '{"x": ' + "9" * 5000 + "}"
        assert_error(admin.open(path, method=method, data=huge, content_type="application/json"), 400, "malformed_json")
        assert_error(
            admin.open(path, method=method, data="[1, 2]", content_type="application/json"), 422, "validation_failed"
        )
        assert_error(
            admin.open(path, method=method, data="x", content_type="text/plain"), 415, "unsupported_media_type"
        )
    with in_app():
        assert _row_counts() == before
    assert len(writes) > 40


def test_a_nul_byte_in_text_is_a_422_not_a_database_error(client_as, staff, org, in_app):
    response = client_as(staff.district_admin).post("/api/v1/teams", json={"name": "队\x00名", "unit_id": org.a1.id})
    body = assert_error(response, 422, "validation_failed")
    assert field_errors(body) == {"name": ["invalid_text"]}


@pytest.mark.parametrize("path", ["/api/v1/invites/by-token/a%00b", "/api/v1/password-resets/%00"])
def test_a_nul_byte_in_a_path_is_a_404(client, path):
    assert_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize(
    ("content_type", "data"),
    [("text/plain", '{"name": "新队", "unit_id": 1}'), ("application/x-www-form-urlencoded", "name=新队&unit_id=1")],
)
def test_a_body_that_is_not_json_is_a_415_and_writes_nothing(client_as, staff, org, in_app, content_type, data):
    response = client_as(staff.district_admin).post("/api/v1/teams", data=data, content_type=content_type)
    assert_error(response, 415, "unsupported_media_type")
    with in_app():
        assert team_count("新队") == 0


def test_a_create_without_any_body_uses_the_defaults(client_as, staff, org):
    response = client_as(staff.coordinator_a1).post(f"/api/v1/teams/{org.team_a1.id}/invites")
    assert response.status_code == 201 and response.get_json()["max_uses"] == 20


@pytest.mark.parametrize("name", ["王\u202e五", "零\u200b宽", "tab\tname"])
def test_names_refuse_invisible_and_bidirectional_characters(client_as, staff, org, name):
    response = client_as(staff.district_admin).post("/api/v1/teams", json={"name": name, "unit_id": org.a1.id})
    assert_error(response, 422, "validation_failed")


def test_length_errors_carry_their_limits(client_as, staff, org):
    response = client_as(staff.district_admin).post("/api/v1/teams", json={"name": "名" * 81, "unit_id": org.a1.id})
    body = assert_error(response, 422, "validation_failed")
    assert body["errors"]["json"]["name"] == [{"code": "length_out_of_range", "params": {"min": 1, "max": 80}}]


# Headers --------------------------------------------------------------------------------------


def test_api_answers_are_never_stored_by_caches(client_as, staff):
    assert client_as(staff.member_a1).get("/api/v1/me").headers["Cache-Control"] == "no-store"


def test_the_app_has_a_content_security_policy_without_inline_scripts(client):
    with client.get("/") as response:
        policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


def test_the_tile_server_may_serve_images(app):
    from app.core.http import content_security_policy

    config = {**app.config, "MAP_TILE_URL": "https://t{s}.tianditu.gov.cn/vec_w/wmts?tk=KEY", "CSP_IMG_ORIGINS": []}
    assert "img-src 'self' data: blob: https://*.tianditu.gov.cn;" in content_security_policy(config)


def test_hsts_is_sent_over_https_only(client):
    assert "Strict-Transport-Security" not in client.get("/api/v1/ping").headers
    response = client.get("/api/v1/ping", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_large_json_is_gzipped_for_clients_that_accept_it(client_as, staff, create_team, org):
    for number in range(40):
        create_team(org.a1, f"压缩测试队{number:02d}")
    response = client_as(staff.district_admin).get("/api/v1/teams?page_size=100", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.data))) == 43


def test_the_openapi_document_lists_each_operations_error_answers(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["components"]["schemas"]["Error"]["properties"].keys() >= {"code", "status", "error", "errors"}
    for method, path, endpoint, rule in api_routes(app):
        documented = set(spec["paths"][re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)][method.lower()]["responses"])
        with app.test_request_context():
            public = is_public(endpoint, method)
        if not public:
            assert {"401", "403"} <= documented, (method, path)
        if "<" in rule:
            assert "404" in documented, (method, path)


def test_flask_openapi_write_produces_the_document(runner, tmp_path):
    target = tmp_path / "openapi.json"
    result = runner.invoke(args=["openapi", "write", "--format=json", str(target)])
    assert result.exit_code == 0, result.output
    assert "/api/v1/me" in json.loads(target.read_text())["paths"]
