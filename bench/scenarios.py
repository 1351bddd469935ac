"""What the bench loads: one ``Scenario`` per endpoint, and the session pools they rotate over.

Adding a hot path is one entry in ``SCENARIOS``, for example::

    Scenario("unread", "GET", "/api/v1/inbox/unread-count", sessions="members", target=CeilingShare(min_share=0.5))

``path`` and ``body`` may be functions of the ``Session`` (``lambda s: f"/api/v1/shifts/{...}"``);
each session then gets its own request and wrk rotates over them. A write sends the
session's CSRF token by itself. A pool of other people (officers, say) is a new
``SessionPool`` plus their rows in ``seed.py``: a pool with ``people`` signs in the people
seeding listed under that name in ``bench/.work/dataset.json`` (the street's staff, the
members waiting to check in), not random members.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import asdict, dataclass

from bench import BenchError
from bench.seed import BENCH_PASSWORD, load_dataset
from bench.targets import CeilingShare, KdfShare, Target
from bench.wrk import Request

CEILING = "ping"  # the scenario every CeilingShare target is compared with


@dataclass(frozen=True)
class Session:
    """One client's state, as a browser holds it: who, their session cookie, their CSRF token."""

    member: int  # index into the seeded people (seed.member_phone): a member, or staff after them
    phone: str
    cookie: str = ""
    csrf: str = ""


@dataclass(frozen=True)
class SessionPool:
    name: str
    size: int  # default; run.py's --sessions / --login-phones change it
    signed_in: bool
    about: str
    # The dataset's list of these people (seed.load_dataset); None: random members (assign_members)
    people: str | None = None


POOLS = {
    pool.name: pool
    for pool in (
        SessionPool(
            "members",
            200,
            signed_in=True,
            about="members signed in before the runs (POST /auth/login), each with a CSRF token and the "
            "cookie a browser holds after its first GET /me",
        ),
        SessionPool(
            "pre-login",
            1000,
            signed_in=False,
            about="members not signed in, each with a pre-login session cookie and CSRF token",
        ),
        SessionPool(
            "on-shift",
            100,
            signed_in=True,
            about="members signed up on a shift that is on now, not checked in yet, signed in as the members are",
            people="on_shift",
        ),
        SessionPool(
            "officers",
            10,
            signed_in=True,
            about="the street's officers (who triage hazard reports), signed in as the members are",
            people="officers",
        ),
        SessionPool(
            "staff",
            20,
            signed_in=True,
            about="the street's coordinators and officers, signed in as the members are",
            people="staff",
        ),
    )
}


@dataclass(frozen=True)
class Scenario:
    name: str  # what --only takes
    method: str
    path: str | Callable[[Session], str]
    sessions: str | None = None  # the POOLS entry it rotates over; None: anonymous, one request
    body: Callable[[Session], dict] | None = None
    target: Target | None = None
    title: str = ""  # the table's Endpoint column; default "METHOD path"
    # A sanity check of the answer to the first request, before any load: (JSON payload, session) -> ok
    check: Callable[[dict | None, Session | None], bool] | None = None
    needs_reports: bool = False  # the hazard reports seeded first (run.py --reports)

    def __post_init__(self):
        if self.sessions is not None and self.sessions not in POOLS:
            raise BenchError(f"scenario {self.name}: unknown session pool {self.sessions!r}")
        if self.sessions is None and (callable(self.path) or self.body is not None):
            raise BenchError(f"scenario {self.name}: a request built per session needs a session pool")

    @property
    def label(self) -> str:
        return self.title or f"{self.method} {self.path if isinstance(self.path, str) else self.name}"

    @property
    def kdf_bound(self) -> bool:
        """Compared with the argon2 rate: runs last, right after measuring it, with no warm-up."""
        return isinstance(self.target, KdfShare)

    def request(self, session: Session | None) -> Request:
        path = self.path(session) if callable(self.path) else self.path
        body = json.dumps(self.body(session), ensure_ascii=False) if self.body else ""
        if session is None:
            return Request(self.method, path, body=body)
        csrf = session.csrf if self.method not in ("GET", "HEAD") else ""
        return Request(self.method, path, session.cookie, csrf, body)

    def requests(self, sessions: list[Session]) -> list[Request]:
        if self.sessions is None:
            return [self.request(None)]
        return [self.request(session) for session in sessions]

    def describe(self) -> dict:
        return {
            "title": self.label,
            "method": self.method,
            "path": self.path if isinstance(self.path, str) else "(built per session)",
            "sessions": self.sessions,
            "target": {"kind": type(self.target).__name__, **asdict(self.target)} if self.target else None,
        }


# Requests built from what seeding wrote (seed.load_dataset): pure, so the tests can check them.
CHECK_IN_ACCURACY_M = 12.0  # a good phone fix outdoors


def board_path(dataset: dict) -> str:
    return f"/api/v1/shifts?unit_id={dataset['board_unit_id']}&first_day={dataset['board_first_day']}"


def board_ok(payload, dataset: dict) -> bool:
    """The community's week: about a hundred shifts, all of that community."""
    return len(payload) >= 90 and all(shift["unit"]["id"] == dataset["board_unit_id"] for shift in payload)


def check_in_path(dataset: dict, session: Session) -> str:
    return f"/api/v1/shifts/{dataset['check_ins'][str(session.member)]['shift_id']}/check-in"


def check_in_body(dataset: dict, session: Session) -> dict:
    """A position inside the shift's area (its centre), as the phone's one tap sends it."""
    spot = dataset["check_ins"][str(session.member)]
    return {"fix": {"lon": spot["lon"], "lat": spot["lat"], "accuracy_m": CHECK_IN_ACCURACY_M}}


def check_in_ok(payload, dataset: dict, session: Session) -> bool:
    spot = dataset["check_ins"][str(session.member)]
    return payload["shift_id"] == spot["shift_id"] and payload["check_in_position"] == "on_site"


def on_duty_path(dataset: dict) -> str:
    return f"/api/v1/units/{dataset['street_id']}/on-duty"


REPORTS_MAP_ZOOM = 14  # a phone's screen shows a few square kilometres: about the seeded cases' extent


def reports_map_path(dataset: dict) -> str:
    """The officers' case map over the seeded cases' box, no filters (the screen's default)."""
    bbox = ",".join(str(v) for v in dataset["reports_bbox"])
    return f"/api/v1/reports/map?box=queue&bbox={bbox}&zoom={REPORTS_MAP_ZOOM}"


SCENARIOS = [
    Scenario("ping", "GET", "/api/v1/ping", title="GET /api/v1/ping (ceiling)"),
    Scenario(
        "me",
        "GET",
        "/api/v1/me",
        sessions="members",
        target=CeilingShare(min_share=0.5, clients=16, max_p95_factor=2.0),
        title="GET /api/v1/me (signed in)",
        check=lambda payload, session: payload["phone"] == session.phone,
    ),
    Scenario(
        "unread",
        "GET",
        "/api/v1/notifications/unread-count",
        sessions="members",
        target=CeilingShare(min_share=0.5, clients=16),
        title="GET /api/v1/notifications/unread-count (the inbox poll)",
    ),
    Scenario(
        "open-shifts",
        "GET",
        "/api/v1/shifts/open",
        sessions="members",
        target=CeilingShare(min_share=0.4, clients=16),
        title="GET /api/v1/shifts/open (first page of 20)",
        check=lambda payload, session: len(payload) > 0,
    ),
    Scenario(
        "board",
        "GET",
        lambda s: board_path(load_dataset()),
        sessions="staff",
        target=CeilingShare(min_share=0.25, clients=16, max_p95_factor=None),
        title="GET /api/v1/shifts (a community's week board, ~100 shifts)",
        check=lambda payload, session: board_ok(payload, load_dataset()),
    ),
    Scenario(
        "check-in",
        "POST",
        lambda s: check_in_path(load_dataset(), s),
        sessions="on-shift",
        body=lambda s: check_in_body(load_dataset(), s),
        target=CeilingShare(min_share=0.4, clients=16, max_p95_factor=None),
        title="POST /api/v1/shifts/<id>/check-in (first tap, then repeats)",
        check=lambda payload, session: check_in_ok(payload, load_dataset(), session),
    ),
    Scenario(
        "on-duty",
        "GET",
        lambda s: on_duty_path(load_dataset()),
        sessions="staff",
        target=CeilingShare(min_share=0.4, clients=16, max_p95_factor=None),
        title="GET /api/v1/units/<street>/on-duty (first page of 50)",
        check=lambda payload, session: len(payload) > 0,
    ),
    Scenario(
        "reports-queue",
        "GET",
        "/api/v1/reports?box=queue",
        sessions="officers",
        target=CeilingShare(min_share=0.4, clients=16, max_p95_factor=None),
        title="GET /api/v1/reports?box=queue (the officers' queue, first page, 200,000 cases)",
        check=lambda payload, session: len(payload) > 0,
        needs_reports=True,
    ),
    Scenario(
        "reports-map",
        "GET",
        lambda s: reports_map_path(load_dataset()),
        sessions="officers",
        target=CeilingShare(min_share=0.4, clients=16, max_p95_factor=None),
        title="GET /api/v1/reports/map (the case map, 200,000 cases)",
        check=lambda payload, session: payload["total"] > 0,
        needs_reports=True,
    ),
    Scenario(
        "login",
        "POST",
        "/api/v1/auth/login",
        sessions="pre-login",
        body=lambda session: {"phone": session.phone, "password": BENCH_PASSWORD},
        target=KdfShare(min_share=0.7, clients=16),
        check=lambda payload, session: payload["phone"] == session.phone,
    ),
]
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}


def select(names: list[str], registry: list[Scenario] = SCENARIOS) -> list[Scenario]:
    """The named scenarios, in the registry's order (the ceiling first)."""
    unknown = set(names) - {s.name for s in registry}
    if unknown:
        raise BenchError(f"unknown scenarios: {', '.join(sorted(unknown))} (known: {', '.join(BY_NAME)})")
    return [s for s in registry if s.name in names]


def schedule(scenarios: list[Scenario], clients: list[int]) -> list[tuple[Scenario, int]]:
    """At each concurrency the ceiling and the endpoints compared with it run back to back, so a
    ratio compares runs made within a minute or two (the host's speed drifts); KDF-bound runs
    come last, right after the argon2 measurement they are compared with."""
    plan = [(s, c) for c in clients for s in scenarios if not s.kdf_bound]
    return plan + [(s, c) for s in scenarios if s.kdf_bound for c in clients]


def assign_members(
    sizes: dict[str, int], population: int, seed: int = 20240601, dataset: dict | None = None
) -> dict[str, list[int]]:
    """Disjoint random members for each pool, the same ones on every run; a pool of particular
    people (``SessionPool.people``) gets the first of those seeding listed (``dataset``, else
    ``seed.load_dataset()``). They may also be among another pool's random members."""
    fixed = [name for name in sizes if name in POOLS and POOLS[name].people]
    wanted = sum(size for name, size in sizes.items() if name not in fixed)
    if wanted > population:
        raise BenchError(f"the session pools want {wanted} members but only {population} are seeded")
    chosen = random.Random(seed).sample(range(population), wanted)
    pools, start = {}, 0
    for name, size in sizes.items():
        if name in fixed:
            dataset = load_dataset() if dataset is None else dataset
            people = dataset[POOLS[name].people]
            if size > len(people):
                raise BenchError(f"the session pool {name} wants {size} people but only {len(people)} are seeded")
            pools[name] = people[:size]
            continue
        pools[name] = chosen[start : start + size]
        start += size
    return pools
