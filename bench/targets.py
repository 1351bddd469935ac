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
