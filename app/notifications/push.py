"""Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291), via pywebpush.

- The VAPID key is generated once into the instance folder unless VAPID_PRIVATE_KEY gives it.
- The VAPID JWT is signed once per push-service origin and reused until shortly before it
  expires; every signature gets a fresh claims dict (pywebpush and py_vapid write into the
  dict they are given, so a shared one would leak one origin's audience into another's).
- Each thread keeps one requests.Session, so connections to a push service are reused.
- Every push carries a TTL and an Urgency: pywebpush's default TTL is 0 (drop unless the
  phone is online right now).
- A 201 from a push service means it accepted the message, not that the phone showed it.
"""

import base64
import json
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from py_vapid import Vapid02
from pywebpush import WebPushException, webpush

from app import instance_file

# A JWT lives at most 24 h (RFC 8292); ours 12 h, re-signed an hour before it ends.
VAPID_LIFETIME = 12 * 3600
VAPID_REFRESH_BEFORE = 3600
# The encrypted record must fit 4,096 bytes; aes128gcm adds 103 bytes and padding.
MAX_PAYLOAD_BYTES = 3800


@dataclass(frozen=True)
class PushOutcome:
    """What a push service said, as the fan-out acts on it."""

    kind: str  # accepted | gone | retry | refused
    status: int | None = None
    retry_after: float | None = None

    @property
    def error(self) -> str | None:
        return None if self.kind == "accepted" else f"{self.kind}:{self.status or 'network'}"


def _generate_private_key_pem() -> bytes:
    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def load_vapid(app: Flask) -> Vapid02:
    configured = app.config["VAPID_PRIVATE_KEY"]
    if configured:
        return Vapid02.from_pem(configured.encode()) if "BEGIN" in configured else Vapid02.from_string(configured)
    return Vapid02.from_pem(instance_file(app, "vapid_private_key.pem", _generate_private_key_pem).encode())


def application_server_key(vapid: Vapid02) -> str:
    """The public key browsers subscribe with (``applicationServerKey``), base64url."""
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


class VapidSigner:
    """VAPID headers per push-service origin, signed once and cached until near expiry."""

    def __init__(self, vapid: Vapid02, subject: str):
        self.vapid = vapid
        self.subject = subject
        self._cache: dict[str, tuple[dict, int]] = {}
        self._lock = threading.Lock()

    def headers(self, endpoint: str) -> dict:
        parts = urlsplit(endpoint)
        origin = f"{parts.scheme}://{parts.netloc}"
        now = int(time.time())
        with self._lock:
            cached = self._cache.get(origin)
            if cached is None or cached[1] - now < VAPID_REFRESH_BEFORE:
                claims = {"sub": self.subject, "aud": origin, "exp": now + VAPID_LIFETIME}
                cached = (self.vapid.sign(claims), claims["exp"])
                self._cache[origin] = cached
            return dict(cached[0])


_sessions = threading.local()


def _http_session() -> requests.Session:
    session = getattr(_sessions, "session", None)
    if session is None:
        session = _sessions.session = requests.Session()
    return session


def _signer() -> VapidSigner:
    extensions = current_app.extensions
    if "vapid_signer" not in extensions:
        extensions["vapid_signer"] = VapidSigner(load_vapid(current_app), current_app.config["VAPID_SUBJECT"])
    return extensions["vapid_signer"]


def public_key() -> str:
    return application_server_key(_signer().vapid)


def encode_json(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"))


def _retry_after(response) -> float | None:
    value = response.headers.get("Retry-After") if response is not None else None
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def send(subscription_info: dict, data: str, *, ttl: int, urgency: str) -> PushOutcome:
    """One push. Never raises for what a push service or the network does."""
    config = current_app.config
    headers = {**_signer().headers(subscription_info["endpoint"]), "Urgency": urgency}
    try:
        webpush(
            subscription_info,
            data=data,
            headers=headers,
            ttl=ttl,
            timeout=config["PUSH_TIMEOUT_SECONDS"],
            requests_session=_http_session(),
        )
    except WebPushException as exc:
        status = exc.response.status_code if exc.response is not None else None
        if status in (404, 410):
            return PushOutcome("gone", status)
        if status == 429 or (status is not None and status >= 500):
            return PushOutcome("retry", status, _retry_after(exc.response))
        return PushOutcome("refused", status)
    except requests.RequestException:
        return PushOutcome("retry")
    return PushOutcome("accepted", 201)
