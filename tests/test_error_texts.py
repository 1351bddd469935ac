"""Every error id and field-error code the server can send has zh-CN and English text in the PWA.

The ids are found by reading the server's code: the first argument of every ``DomainError``
raised, every ``error=`` given to ``abort``, every ``coded(...)``/``CodedMessage(...)``, the
codes of geometry problems, the reasons returned by ``*_reason``/``*_problem`` functions, the
status-transition errors, and the codes marshmallow's own messages are mapped to. A new
error without a translation fails here, before a user sees a raw identifier.
"""

import ast
import json
import re
from pathlib import Path

import pytest

from app.core.schemas import FIELD_ERROR_CODES
from app.errors import ERROR_IDS
from app.notifications.texts import TEXTS as NOTIFICATION_TEXTS
from app.reports.texts import TEXTS as REPORT_TEXTS

ROOT = Path(__file__).resolve().parents[1]
TEXTS = ROOT / "frontend" / "src" / "i18n" / "errors"
ERROR_CLASSES = {
    "DomainError",
    "Unauthorized",
    "Forbidden",
    "NotFound",
    "Conflict",
    "Gone",
    "RuleViolation",
    "TooManyRequests",
    "InvalidIdempotencyKey",
    "InvalidTransition",
    "PhotoRejected",
}
FIELD_CALLS = {"coded", "CodedMessage", "GeometryProblem"}


def _name(node) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _literal(node) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def server_codes() -> tuple[set[str], set[str]]:
    """(error ids, field codes) written in the server's code."""
    errors, field_codes = set(ERROR_IDS.values()), set(FIELD_ERROR_CODES)
    for path in (ROOT / "app").rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                called = _name(node.func)
                first = _literal(node.args[0]) if node.args else None
                if called in ERROR_CLASSES and first:
                    errors.add(first)
                    if any(keyword.arg == "field" for keyword in node.keywords):
                        field_codes.add(first)
                if called in FIELD_CALLS and first:
                    field_codes.add(first)
                for keyword in node.keywords:
                    if called == "abort" and keyword.arg == "error" and _literal(keyword.value):
                        errors.add(_literal(keyword.value))
            if isinstance(node, ast.ClassDef):  # an error class's own id: ``error = "photo_too_large"``
                for statement in node.body:
                    if (
                        isinstance(statement, ast.Assign)
                        and any(_name(t) == "error" for t in statement.targets)
                        and _literal(statement.value)
                    ):
                        errors.add(_literal(statement.value))
            if isinstance(node, ast.FunctionDef) and node.name.endswith(("_reason", "_problem")):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Return) and _literal(inner.value):
                        value = _literal(inner.value)
                        (field_codes if node.name.startswith("password") else errors).add(value)
            if isinstance(node, ast.Assign) and any(_name(t) == "STATUS_TRANSITIONS" for t in node.targets):
                for value in ast.walk(node.value):
                    if isinstance(value, ast.Tuple) and _literal(value.elts[-1]):
                        errors.add(_literal(value.elts[-1]))
            if isinstance(node, ast.Assign) and any(_name(t) == "GEOS_REASONS" for t in node.targets):
                field_codes |= {_literal(v) for v in node.value.values if _literal(v)}
    return errors, field_codes


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_every_error_the_server_sends_has_text(locale):
    texts = json.loads((TEXTS / f"{locale}.json").read_text(encoding="utf-8"))
    errors, field_codes = server_codes()
    assert sorted(errors - texts["error"].keys()) == [], f"error ids without {locale} text"
    assert sorted(field_codes - texts["field"].keys()) == [], f"field codes without {locale} text"


def test_the_scan_finds_errors_of_every_kind():
    """The scan itself works: it sees a domain error, an abort, a coded field error and a reason."""
    errors, field_codes = server_codes()
    assert {"phone_taken", "account_pending", "invite_expired", "shift_full", "not_pending"} <= errors
    assert {"phone_invalid", "geometry_self_intersection", "password_common", "too_short"} <= field_codes


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
def test_the_inbox_words_a_notification_as_its_push_does(locale):
    """The inbox words report and export rows itself, from their ``text_key``: its words are the push's."""
    catalog = (ROOT / "frontend" / "src" / "features" / "notifications" / "i18n" / f"{locale}.ts").read_text()
    words = dict(re.findall(r"'words\.([a-z_]+)': '([^']*)'", catalog))
    server = REPORT_TEXTS[locale] | {"export_ready": NOTIFICATION_TEXTS[locale]["export_ready_title"]}
    assert {key: words.get(key) for key in server} == server
