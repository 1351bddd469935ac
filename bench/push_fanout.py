"""Push fan-out (issue 8): the app's push job for N recipients against a floor measured in the same run.

Setup: a throwaway SQLite database (``bench/.work/push.sqlite``, built with ``create_all``)
gets N members bulk-inserted, each with a signed-in session, one push subscription and one
pending alert notification (an urgent alert's inbox row, as ``deliver_alert`` writes them).
The subscriptions point at ``tests/push_service.py``'s ``FakePushService``, run in a
process of its own (so it does not share this process's GIL) with two changes for load:
HTTP/1.1 keep-alive (the test server closes each connection) and a switch that turns its
checking off.

- **Fan-out**: ``app.notifications.jobs.push_notifications`` on the notification ids in
  batches of ``PUSH_BATCH_SIZE``, one after the other, as ``notify`` queues them and one
  consumer thread runs them: the subscriptions query, the payloads (with the alert's
  answer token), pywebpush's encryption per subscription, the VAPID header per push-service
  origin, the sends on the app's thread pool (``PUSH_CONCURRENCY``) and sessions, and the
  status updates.
- **Floor**: the same N requests (the job's own payloads and subscriptions) encrypted in a
  bare loop (ephemeral P-256 key + ``http_ece.encrypt``, aes128gcm), then sent pre-encrypted
  by a bare loop with the same client (one ``requests.Session`` per thread) and the same
  concurrency, through one thread pool for all N, to the same service. Floor = both times.

Both run twice: with the service checking every push (VAPID signature and claims, TTL and
Urgency, decrypting the body: the proof that what the app sends is right) and without (it
answers 201 after reading the request), because a checking service can itself be the
bottleneck. The verdict uses the pass without checking, and requires every push of the
checking pass to have been accepted.
"""

from __future__ import annotations

import base64
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench import ROOT, WORK, BenchError, log
from bench.cpu import CpuMeter, QuietGate

DEFAULT_COUNT = 10_000
DEFAULT_ROUNDS = 3  # of the unchecked pass: the floor's CPU time varies with what the other core does
ALERT_TITLE = "紧急：长宁路菜场附近发现走失老人"
ALERT_BODY = (
    "男，约80岁，身高170厘米左右，灰色外套、黑色布鞋，说上海话，有轻度认知障碍。"
    "下午3点左右在长宁路菜场门口走失。请附近巡防队员留意，发现后请就地陪同并点击“我在路上”，"
    "或直接联系社区值班室：021-5555 0101。"
)

# The service process: FakePushService with keep-alive, counts, and checking on a switch.
SERVICE = r"""
import sys
from bench.push_fanout import serve
serve(int(sys.argv[1]), sys.argv[2])
"""


def bench_service_class():
    """tests/push_service.py's FakePushService, fit for 10,000 pushes: HTTP/1.1 keep-alive,
    status counts, and ``GET /check/off`` to answer 201 without checking."""
    from tests.push_service import FakePushService

    class BenchPushService(FakePushService):
        def __init__(self):
            self.check = True
            self.counts: Counter = Counter()
            super().__init__()
            # socketserver queues only 5 connects; each batch of the job opens 16 at once (its new pool)
            self.server.socket.listen(128)

        def _handle(self, path, headers, body):
            if self.check:
                status, extra = super()._handle(path, headers, body)
                with self._lock:
                    self.received.clear()  # the counts are enough: no need to keep 10,000 payloads
            else:
                status, extra = (201, {}) if path.rsplit("/", 1)[-1] in self.subscribers else (404, {})
            with self._lock:
                self.counts[status] += 1
            return status, extra

        def stats(self) -> dict:
            with self._lock:
                return {"statuses": dict(self.counts), "rejected": len(self.rejected), "check": self.check}

        def _handler(self):
            service = self
            base = super()._handler()

            class Handler(base):
                protocol_version = "HTTP/1.1"  # keep connections open, as push services do

                def do_GET(self):  # noqa: N802  (http.server's name)
                    if self.path in ("/check/on", "/check/off"):
                        service.check = self.path == "/check/on"
                    body = json.dumps(service.stats()).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)

            return Handler

    return BenchPushService


def serve(count: int, infos_path: str) -> None:
    """Run in the service process: make ``count`` subscriptions, write them, serve until stdin closes."""
    service = bench_service_class()()
    infos = [service.subscribe().info() for _ in range(count)]
    Path(infos_path).write_text(json.dumps(infos))
    print(f"ready {service.origin}", flush=True)
    sys.stdin.read()
    service.close()


class ServiceProcess:
    """The fake push service in a process of its own; ``with ServiceProcess(n) as service: ...``."""

    def __init__(self, count: int, env: dict | None = None):
        self.count = count
        self.env = env

    def __enter__(self) -> ServiceProcess:
        infos_path = WORK / "push-subscriptions.json"
        infos_path.unlink(missing_ok=True)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", SERVICE, str(self.count), str(infos_path)],
            cwd=ROOT,
            env=self.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.proc.stdout.readline().strip()
        if not line.startswith("ready "):
            self.proc.kill()
            raise BenchError(f"the fake push service did not start: {line!r}")
        self.origin = line.split()[1]
        self.pid = self.proc.pid
        self.infos = json.loads(infos_path.read_text())
        infos_path.unlink()
        return self

    def get(self, path: str) -> dict:
        import requests

        return requests.get(f"{self.origin}{path}", timeout=10).json()

    def __exit__(self, *exc) -> bool:
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        return False


def vapid_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def seed_recipients(app, infos: list[dict]) -> list[int]:
    """Bulk-insert one member per subscription, with a live session, the subscription and a
    pending urgent-alert notification; the notification ids, in order."""
    from sqlalchemy import insert, select

    from app.accounts.models import User, UserSession, UserStatus
    from app.core import clock
    from app.extensions import db
    from app.notifications.models import Notification, NotificationKind, PushStatus, PushSubscription

    now = clock.now()
    count = len(infos)
    payload = {"title": ALERT_TITLE, "body": ALERT_BODY, "severity": "urgent", "url": "/alerts/1", "alert_id": 1}
    with app.app_context():
        db.create_all()
        db.session.execute(
            insert(User),
            [
                {
                    "phone": f"+86150{i:08d}",
                    "display_name": f"队员{i:05d}",
                    "password_hash": "-",
                    "status": UserStatus.ACTIVE,
                    "locale": "en" if i % 10 == 0 else "zh-CN",
                    "created_at": now,
                }
                for i in range(count)
            ],
        )
        user_ids = db.session.scalars(select(User.id).order_by(User.id)).all()
        db.session.execute(
            insert(UserSession),
            [{"key_hash": f"{i:064x}", "user_id": uid, "last_seen_at": now} for i, uid in enumerate(user_ids)],
        )
        session_ids = db.session.scalars(select(UserSession.id).order_by(UserSession.id)).all()
        db.session.execute(
            insert(PushSubscription),
            [
                {
                    "user_id": uid,
                    "session_id": sid,
                    "endpoint": info["endpoint"],
                    "p256dh": info["keys"]["p256dh"],
                    "auth": info["keys"]["auth"],
                    "created_at": now,
                }
                for uid, sid, info in zip(user_ids, session_ids, infos, strict=True)
            ],
        )
        db.session.execute(
            insert(Notification),
            [
                {
                    "user_id": uid,
                    "kind": NotificationKind.ALERT,
                    "payload": payload,
                    "subject_type": "alert",
                    "subject_id": 1,
                    "created_at": now,
                    "push_status": PushStatus.PENDING,
                }
                for uid in user_ids
            ],
        )
        db.session.commit()
        ids = db.session.scalars(select(Notification.id).order_by(Notification.id)).all()
        db.session.remove()
    return list(ids)


def b64url_decode(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def encrypt_all(deliveries) -> list[bytes]:
    """RFC 8291 aes128gcm for each delivery: an ephemeral P-256 key, ECDH, HKDF, AES-GCM."""
    import http_ece
    from cryptography.hazmat.primitives.asymmetric import ec

    return [
        http_ece.encrypt(
            d.data.encode(),
            private_key=ec.generate_private_key(ec.SECP256R1()),
            dh=b64url_decode(d.subscription_info["keys"]["p256dh"]),
            auth_secret=b64url_decode(d.subscription_info["keys"]["auth"]),
            version="aes128gcm",
        )
        for d in deliveries
    ]


def send_all(requests_: list[tuple[str, bytes, dict]], concurrency: int, timeout: float) -> Counter:
    """POST each pre-encrypted body on ``concurrency`` threads, one requests.Session each; the statuses."""
    import requests

    local = threading.local()

    def post(request: tuple[str, bytes, dict]) -> int:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        endpoint, body, headers = request
        return session.post(endpoint, data=body, headers=headers, timeout=timeout).status_code

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return Counter(pool.map(post, requests_))


class SendTimer:
    """Times the job's send phase and tallies its outcomes (accepted, retry:network, ...): wraps
    ``jobs._send_all`` (looked up at call time) while active."""

    def __init__(self, jobs_module):
        self.module = jobs_module
        self.seconds = 0.0
        self.outcomes: Counter = Counter()

    def __enter__(self) -> SendTimer:
        self.original = original = self.module._send_all

        def timed(deliveries):
            started = time.perf_counter()
            try:
                outcomes = original(deliveries)
            finally:
                self.seconds += time.perf_counter() - started
            self.outcomes.update(outcome.error or outcome.kind for outcome in outcomes)
            return outcomes

        self.module._send_all = timed
        return self

    def __exit__(self, *exc) -> bool:
        self.module._send_all = self.original
        return False


def delta(after: dict, before: dict) -> dict:
    statuses = Counter({int(k): v for k, v in after["statuses"].items()})
    statuses.subtract({int(k): v for k, v in before["statuses"].items()})
    return {"statuses": {k: v for k, v in statuses.items() if v}, "rejected": after["rejected"] - before["rejected"]}


def floor(app, deliveries) -> dict:
    """The same requests as the job's, encrypted by a bare loop, then sent pre-encrypted by a bare loop."""
    from app.notifications import push

    config = app.config
    with app.app_context():
        vapid = push._signer().headers(deliveries[0].subscription_info["endpoint"])  # one origin: one JWT
    ttl = str(config["PUSH_TTL_SECONDS"])
    started, cpu_started = time.perf_counter(), time.process_time()
    bodies = encrypt_all(deliveries)
    encrypted, cpu_encrypted = time.perf_counter(), time.process_time()
    statuses = send_all(
        [
            (
                d.subscription_info["endpoint"],
                body,
                {**vapid, "TTL": ttl, "Urgency": d.urgency, "Content-Encoding": "aes128gcm"},
            )
            for d, body in zip(deliveries, bodies, strict=True)
        ],
        config["PUSH_CONCURRENCY"],
        config["PUSH_TIMEOUT_SECONDS"],
    )
    sent, cpu_sent = time.perf_counter(), time.process_time()
    return {
        "encrypt_s": round(encrypted - started, 3),
        "send_s": round(sent - encrypted, 3),
        "total_s": round(sent - started, 3),
        "encrypt_cpu_s": round(cpu_encrypted - cpu_started, 3),
        "send_cpu_s": round(cpu_sent - cpu_encrypted, 3),
        "cpu_s": round(cpu_sent - cpu_started, 3),
        "statuses": dict(statuses),
    }


def fanout(app, ids: list[int]) -> dict:
    """The push job on ``ids``, batch after batch, as one consumer thread runs the batches notify() queues;
    the SQL statements it sends are counted by kind (SELECT, UPDATE, ...)."""
    from sqlalchemy import event, func, select

    from app.extensions import db
    from app.notifications import jobs
    from app.notifications.models import Notification, PushStatus

    batch = app.config["PUSH_BATCH_SIZE"]
    with app.app_context():
        engine = db.engine
    statements = Counter()

    def count(conn, cursor, statement, *args):
        statements[" ".join(statement.split()[:1])] += 1

    event.listen(engine, "before_cursor_execute", count)
    try:
        with SendTimer(jobs) as sends:
            started, cpu_started = time.perf_counter(), time.process_time()
            for start in range(0, len(ids), batch):
                jobs.push_notifications(ids[start : start + batch])
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with app.app_context():
        sent_rows = db.session.scalar(
            select(func.count(Notification.id)).where(
                Notification.id.in_(ids), Notification.push_status == PushStatus.SENT
            )
        )
        db.session.remove()
    return {
        "total_s": round(elapsed, 3),
        "cpu_s": round(cpu, 3),
        "send_s": round(sends.seconds, 3),
        "batches": -(-len(ids) // batch),
        "outcomes": dict(sends.outcomes),
        "sql_statements": dict(statements),
        "notifications_sent": sent_rows,
    }


def deliveries_of(app, ids: list[int]) -> list:
    """The job's own deliveries (subscription, encoded payload, urgency) for these notifications."""
    from app.notifications import jobs

    with app.app_context():
        deliveries = jobs._deliveries(ids, None)
        if len(deliveries) != len(ids):
            raise BenchError(f"{len(deliveries)} deliveries for {len(ids)} notifications")
        return deliveries


def median_run(runs: list[dict]) -> dict:
    """The run with the median CPU time (the lower of the middle two for an even count)."""
    middle = statistics.median_low(run["cpu_s"] for run in runs)
    return next(run for run in runs if run["cpu_s"] == middle)


def one_pass(app, service: ServiceProcess, ids: list[int], gate: QuietGate, check: bool, rounds: int = 1) -> dict:
    """The floor and the push job, ``rounds`` times, alternating which goes first, with the
    service checking every push or not; each side's median run (by CPU time) is compared."""
    service.get("/check/on" if check else "/check/off")
    deliveries = deliveries_of(app, ids)
    sides = {"floor": lambda: floor(app, deliveries), "fanout": lambda: fanout(app, ids)}
    runs: dict[str, list[dict]] = {"floor": [], "fanout": []}
    for round_ in range(rounds):
        for side in ("floor", "fanout") if round_ % 2 == 0 else ("fanout", "floor"):
            quiet = gate.wait(service.pid)
            before = service.get("/stats")
            with CpuMeter(service.pid) as meter:
                run = sides[side]()
            run.update(service=delta(service.get("/stats"), before), quiet_wait=quiet, cpu=meter.result)
            runs[side].append(run)
    result = {"check": check, "floor": median_run(runs["floor"]), "fanout": median_run(runs["fanout"])}
    result["rounds"] = {side: [run["cpu_s"] for run in side_runs] for side, side_runs in runs.items()}
    result["ratio"] = round(result["fanout"]["total_s"] / result["floor"]["total_s"], 3)
    result["cpu_ratio"] = round(result["fanout"]["cpu_s"] / result["floor"]["cpu_s"], 3)
    return result


def measure_push_fanout(
    gate: QuietGate, count: int = DEFAULT_COUNT, env: dict | None = None, rounds: int = DEFAULT_ROUNDS
) -> dict:
    """The checked pass once (correctness, and what checking costs the service), then the
    unchecked pass, which the verdict reads, ``rounds`` times."""
    from bench.seed import bench_app

    database = WORK / "push.sqlite"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    started = time.monotonic()
    with ServiceProcess(count, env or dict(os.environ)) as service:
        app = bench_app(
            f"sqlite:///{database}", "push-fanout-bench", JOBS_IMMEDIATE=True, VAPID_PRIVATE_KEY=vapid_pem()
        )
        ids = seed_recipients(app, service.infos)
        log(f"push fan-out: {count} subscriptions at {service.origin}, seeded in {time.monotonic() - started:.1f} s")
        # warm-up, untimed: imports, the VAPID signature, first connections, SQLite's caches
        warm = ids[: app.config["PUSH_BATCH_SIZE"]]
        floor(app, deliveries_of(app, warm))
        fanout(app, warm)
        passes = [one_pass(app, service, ids, gate, True), one_pass(app, service, ids, gate, False, rounds)]
    config = app.config
    return {
        "count": count,
        "database": "sqlite (throwaway, create_all)",
        "batch_size": config["PUSH_BATCH_SIZE"],
        "concurrency": config["PUSH_CONCURRENCY"],
        "passes": {"checked" if p["check"] else "unchecked": p for p in passes},
    }
