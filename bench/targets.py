"""The performance targets: each turns the runs of one bench into a PASS, FAIL or SKIP line.

A run is the dict ``wrk.parse_wrk`` returns; ``runs`` maps a concurrency to its run.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from bench.cpu import DISTURBED_PCT

FIRST_LOAD_BUDGET = 60 * 1024  # bytes of gzipped JS + CSS that index.html fetches
VERDICT_WORDS = {True: "PASS", False: "FAIL", None: "SKIP"}


@dataclass(frozen=True)
class Verdict:
    name: str
    ok: bool | None  # None: not measured (SKIP)
    detail: str

    @property
    def line(self) -> str:
        return f"{VERDICT_WORDS[self.ok]} {self.detail}"

    def as_dict(self) -> dict:
        return {**asdict(self), "line": self.line}


def ratio(value: float, reference: float) -> float | None:
    return value / reference if reference else None


def ms(value: float) -> str:
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def disturbance(**runs: dict | None) -> str:
    """ "; measured while other processes took 40% of the CPUs (ceiling)" for runs that shared the machine."""
    shares = [
        f"{run['cpu']['other_pct']:.0f}% ({name})"
        for name, run in runs.items()
        if run and run.get("cpu", {}).get("other_pct", 0) >= DISTURBED_PCT
    ]
    return f"; measured while other processes took {', '.join(shares)} of the CPUs" if shares else ""


@dataclass(frozen=True)
class CeilingShare:
    """At ``clients`` connections: req/s ≥ ``min_share`` × the ping ceiling's req/s, and p95 ≤
    ``max_p95_factor`` × the ceiling's p95, both from the same bench; no failed request."""

    min_share: float = 0.5
    clients: int = 16
    max_p95_factor: float | None = 2.0

    def evaluate(self, title: str, runs: dict[int, dict], ceiling: dict[int, dict], kdf: dict | None) -> Verdict:
        name = f"{title} at {self.clients} clients"
        run, top = runs.get(self.clients), ceiling.get(self.clients)
        if run is None or top is None:
            missing = "the endpoint" if run is None else "the ceiling (/ping)"
            return Verdict(title, None, f"{name}: not measured ({missing} did not run at {self.clients} clients)")
        share = ratio(run["rps"], top["rps"]) or 0.0
        p95_factor = ratio(run["p95_ms"], top["p95_ms"])
        ok = share >= self.min_share and run["non_2xx"] == 0
        detail = (
            f"{name}: {run['rps']:.0f} req/s = {share:.0%} of the ceiling's {top['rps']:.0f} "
            f"(target >= {self.min_share:.0%})"
        )
        if self.max_p95_factor is not None:
            ok = ok and p95_factor is not None and p95_factor <= self.max_p95_factor
            factor = f"{p95_factor:.1f}×" if p95_factor is not None else "—"
            detail += (
                f", p95 {ms(run['p95_ms'])} ms = {factor} the ceiling's {ms(top['p95_ms'])} ms "
                f"(target <= {self.max_p95_factor:g}×)"
            )
        if run["non_2xx"]:
            detail += f", {run['non_2xx']} non-2xx answers"
        return Verdict(title, ok, detail + disturbance(endpoint=run, ceiling=top))


@dataclass(frozen=True)
class KdfShare:
    """At ``clients`` connections: req/s ≥ ``min_share`` × the argon2 hashes/s measured with 2
    processes (one hash per request, so the KDF rate is the ceiling); no failed request."""

    min_share: float = 0.7
    clients: int = 16

    def evaluate(self, title: str, runs: dict[int, dict], ceiling: dict[int, dict], kdf: dict | None) -> Verdict:
        name = f"{title} at {self.clients} clients"
        run = runs.get(self.clients)
        if run is None or not kdf:
            return Verdict(title, None, f"{name}: not measured")
        rate = kdf["hashes_per_s_2_procs"]
        share = ratio(run["rps"], rate) or 0.0
        detail = (
            f"{name}: {run['rps']:.1f} req/s = {share:.0%} of argon2's {rate:.1f} hashes/s with 2 processes "
            f"(target >= {self.min_share:.0%})"
        )
        if run["non_2xx"]:
            detail += f", {run['non_2xx']} non-2xx answers"
        detail += disturbance(endpoint=run, kdf={"cpu": kdf["cpu_2_procs"]} if "cpu_2_procs" in kdf else None)
        return Verdict(title, share >= self.min_share and run["non_2xx"] == 0, detail)


Target = CeilingShare | KdfShare


def first_load_verdict(load: dict, budget: int = FIRST_LOAD_BUDGET) -> Verdict:
    if not load.get("built"):
        return Verdict("first load", None, f"first load not measured: {load.get('note', 'no front end')}")
    total = load["js_css_gzip_bytes"]
    return Verdict(
        "first load",
        total <= budget,
        f"first load JS+CSS {total / 1024:.1f} KB gzipped (budget {budget // 1024} KB)",
    )


PHOTO_INGEST_MAX_FACTOR = 1.3  # the app's ingest of a phone photo vs Pillow's bare decode + encode
PUSH_FANOUT_MAX_FACTOR = 1.5  # the app's push fan-out vs bare encryption + bare sends


def photo_ingest_verdict(result: dict | None, max_factor: float = PHOTO_INGEST_MAX_FACTOR) -> Verdict:
    """The medians of CPU time: the app's ingest ≤ ``max_factor`` × Pillow's bare decode + encode."""
    if not result:
        return Verdict("photo ingest", None, "photo ingest not measured")
    app, bare = result["app"], result["bare"]
    factor = ratio(app["cpu_ms"], bare["cpu_ms"])
    photo = result["photo"]
    detail = (
        f"photo ingest ({photo['width']}×{photo['height']} phone JPEG, {photo['bytes'] / 1e6:.1f} MB): "
        f"the app {ms(app['cpu_ms'])} ms CPU = {factor:.2f}× Pillow's bare decode + encode "
        f"{ms(bare['cpu_ms'])} ms (target <= {max_factor:g}×; median of {result['repetitions']})"
    )
    return Verdict("photo ingest", factor is not None and factor <= max_factor, detail + disturbance(photo=result))


def push_fanout_verdict(result: dict | None, max_factor: float = PUSH_FANOUT_MAX_FACTOR) -> Verdict:
    """The push job's CPU time for N recipients ≤ ``max_factor`` × the floor's (bare encryption +
    bare sends of the same requests), with the service not checking; every push of both passes
    accepted and every notification marked sent."""
    if not result:
        return Verdict("push fan-out", None, "push fan-out not measured")
    count = result["count"]
    unchecked, checked = result["passes"]["unchecked"], result["passes"]["checked"]
    fanout, floor = unchecked["fanout"], unchecked["floor"]
    factor = ratio(fanout["cpu_s"], floor["cpu_s"])
    detail = (
        f"push fan-out to {count} subscriptions: the push job {fanout['cpu_s']:.2f} s CPU = {factor:.2f}× the "
        f"floor's {floor['cpu_s']:.2f} s (bare encryption {floor['encrypt_cpu_s']:.2f} s + bare sends "
        f"{floor['send_cpu_s']:.2f} s; target <= {max_factor:g}×"
    )
    rounds = len(unchecked.get("rounds", {}).get("fanout", []))
    detail += f"; medians of {rounds} rounds)" if rounds > 1 else ")"
    problems = [
        f"{name} pass: {what}"
        for name, run in (("checked", checked), ("unchecked", unchecked))
        for what in push_problems(run, count)
    ]
    if problems:
        detail += "; " + "; ".join(problems)
    ok = factor is not None and factor <= max_factor and not problems
    return Verdict("push fan-out", ok, detail + disturbance(fanout=fanout, floor=floor))


def push_problems(run: dict, count: int) -> list[str]:
    """What went wrong in one pass: pushes not accepted by the service, notifications not marked sent."""
    problems = []
    for side in ("fanout", "floor"):
        service = run[side]["service"]
        accepted = service["statuses"].get(201, 0) + service["statuses"].get("201", 0)
        if accepted != count or service["rejected"]:
            problems.append(f"{side}: {accepted} of {count} pushes accepted, {service['rejected']} refused")
    if run["fanout"]["notifications_sent"] != count:
        outcomes = ", ".join(f"{n} {kind}" for kind, n in sorted(run["fanout"].get("outcomes", {}).items()))
        problems.append(f"{run['fanout']['notifications_sent']} of {count} notifications marked sent ({outcomes})")
    return problems
