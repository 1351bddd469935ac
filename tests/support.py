"""Helpers every test module may use. Test modules import from here, never from each other."""

from dataclasses import dataclass, field

import pytest

ERROR_KEYS = {"code", "status", "error", "message"}


def assert_error(response, status: int, error: str) -> dict:
    """The response is ``status`` in the one error shape, with this ``error`` identifier."""
    body = response.get_json()
    assert response.status_code == status, body
    assert body.keys() >= ERROR_KEYS, body
    assert body["code"] == status
    assert body["error"] == error, body
    return body


def field_errors(body: dict, location: str = "json") -> dict[str, list[str]]:
    """``{"phone": ["phone_invalid"]}``: the codes of each field's errors."""
    return {name: [entry["code"] for entry in entries] for name, entries in body["errors"][location].items()}


# The role × scope matrix ------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    """One endpoint of a matrix: ``path`` and ``body`` may name ids as ``{a1}``, filled per test.

    ``expect`` maps each caller to the one status they must get; ``overrides`` changes a few
    cells of a shared expectation.
    """

    method: str
    path: str
    body: dict | None
    expect: dict[str, int]
    overrides: dict[str, int] = field(default_factory=dict)

    def cells(self) -> list:
        expected = self.expect | self.overrides
        return [
            pytest.param(self, who, status, id=f"{self.method.upper()} {self.path} as {who}")
            for who, status in expected.items()
        ]


def matrix(*endpoints: Endpoint) -> list:
    """Every (endpoint, caller, status) cell, as pytest parameters ``endpoint, who, status``."""
    return [cell for endpoint in endpoints for cell in endpoint.cells()]


def fill(template, ids: dict):
    """Replace ``"{name}"`` placeholders in a path or body with ids of this test's rows."""
    if isinstance(template, str):
        if template.startswith("{") and template.endswith("}") and template.count("{") == 1:
            return ids[template[1:-1]]
        return template.format(**ids)
    if isinstance(template, dict):
        return {key: fill(value, ids) for key, value in template.items()}
    if isinstance(template, list):
        return [fill(value, ids) for value in template]
    return template


def call(client, endpoint: Endpoint, ids: dict):
    path = fill(endpoint.path, ids)
    if endpoint.body is None:
        return getattr(client, endpoint.method)(path)
    return getattr(client, endpoint.method)(path, json=fill(endpoint.body, ids))
