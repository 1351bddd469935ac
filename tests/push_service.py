"""A Web Push service for the tests (and the benchmark): it checks what a real one would.

It runs on 127.0.0.1, hands out subscriptions with real P-256 keys and auth secrets, and for
every push it receives checks the VAPID JWT (RFC 8292: ES256 signature by the key in ``k``,
``aud`` equal to its own origin, ``exp`` within 24 h, a ``sub``), requires TTL and Urgency,
and decrypts the aes128gcm body (RFC 8291) with the subscription's private key. Each
subscription answers with the statuses the test queues for it (201 by default).
"""

import base64
import json
import os
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def b64url(value: bytes) -> str:
    return base64.urlsafe_b64encode(value).rstrip(b"=").decode()


class PushRejected(Exception):
    pass


@dataclass
class Received:
    subscription_id: str
    payload: dict
    headers: dict
    jwt_claims: dict
    jwt: str


@dataclass
class Subscriber:
    id: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes
    endpoint: str
    responses: deque = field(default_factory=deque)

    def info(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)}}


def verify_vapid(authorization: str, origin: str) -> tuple[dict, str]:
    scheme, _, params = authorization.partition(" ")
    if scheme != "vapid":
        raise PushRejected(f"Authorization scheme {scheme!r}, not vapid")
    values = dict(part.strip().split("=", 1) for part in params.split(","))
    token, key = values["t"], values["k"]
    header, claims, signature = token.split(".")
    public_key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64url_decode(key))
    raw = b64url_decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public_key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise PushRejected("bad VAPID signature") from exc
    if json.loads(b64url_decode(header))["alg"] != "ES256":
        raise PushRejected("VAPID JWT not ES256")
    decoded = json.loads(b64url_decode(claims))
    now = time.time()
    if decoded.get("aud") != origin:
        raise PushRejected(f"aud {decoded.get('aud')!r} is not {origin!r}")
    if not now < decoded["exp"] <= now + 24 * 3600:
        raise PushRejected("exp not within 24 h")
    if not decoded.get("sub"):
        raise PushRejected("no sub claim")
    return decoded, token


class FakePushService:
    def __init__(self):
        self.subscribers: dict[str, Subscriber] = {}
        self.received: list[Received] = []
        self.rejected: list[str] = []
        self.tokens_by_origin: dict[str, set[str]] = defaultdict(set)
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def subscribe(self) -> Subscriber:
        subscriber_id = b64url(os.urandom(12))
        subscriber = Subscriber(
            subscriber_id,
            ec.generate_private_key(ec.SECP256R1()),
            os.urandom(16),
            f"{self.origin}/push/{subscriber_id}",
        )
        self.subscribers[subscriber_id] = subscriber
        return subscriber

    def answer(self, subscriber: Subscriber, *statuses: int | tuple[int, dict]) -> None:
        """Queue the next answers of this subscription (201 once the queue is empty)."""
        subscriber.responses.extend(statuses)

    def reset(self) -> None:
        with self._lock:
            self.subscribers.clear()
            self.received.clear()
            self.rejected.clear()
            self.tokens_by_origin.clear()

    def messages_for(self, subscriber: Subscriber) -> list[dict]:
        return [message.payload for message in self.received if message.subscription_id == subscriber.id]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, path: str, headers, body: bytes) -> tuple[int, dict]:
        subscriber = self.subscribers.get(path.rsplit("/", 1)[-1])
        if subscriber is None:
            return 404, {}
        for required in ("TTL", "Urgency"):
            if required not in headers:
                raise PushRejected(f"no {required} header")
        if headers.get("Content-Encoding") != "aes128gcm":
            raise PushRejected(f"Content-Encoding {headers.get('Content-Encoding')!r}")
        claims, token = verify_vapid(headers["Authorization"], self.origin)
        plain = http_ece.decrypt(body, private_key=subscriber.private_key, auth_secret=subscriber.auth_secret)
        if len(body) > 4096:
            raise PushRejected("record over 4096 bytes")
        answer = subscriber.responses.popleft() if subscriber.responses else 201
        status, extra = answer if isinstance(answer, tuple) else (answer, {})
        with self._lock:
            self.tokens_by_origin[self.origin].add(token)
            if status == 201:
                self.received.append(
                    Received(
                        subscriber.id, json.loads(plain), {k.lower(): v for k, v in headers.items()}, claims, token
                    )
                )
        return status, extra

    def _handler(self):
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802  (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                try:
                    status, extra = service._handle(self.path, self.headers, body)
                except (PushRejected, KeyError, ValueError) as exc:
                    service.rejected.append(str(exc))
                    status, extra = 400, {}
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        return Handler
