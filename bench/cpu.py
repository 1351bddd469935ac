"""Where the machine's CPU went during a run, and waiting for a quiet machine before one.

Everything is read from /proc. *server* is gunicorn's process tree; *services* are the
database and Redis processes that serve the bench (PostgreSQL's shared processes plus its
backends connected to the bench database; Redis only when the bench uses it); *own* is this
script and the children it waited for (wrk, the KDF probes); *other* is the rest,
including the kernel's loopback networking and other sessions' PostgreSQL backends.
"""

from __future__ import annotations

import os
import re
import resource
import time
from dataclasses import dataclass
from pathlib import Path

from bench import log

CLK_TCK = os.sysconf("SC_CLK_TCK")
DISTURBED_PCT = 20  # a run in which other processes took this share of the CPUs or more shared the machine
# "postgres: 15/main: user database 127.0.0.1(5432) idle": a backend, and the database it serves
PG_BACKEND = re.compile(r"^postgres: (?:\S+: )?\S+ (\S+) (?:\S+\(\d+\)|\[local\])")


@dataclass(frozen=True)
class Proc:
    ppid: int
    name: str
    cpu_s: float  # user + system
    cmdline: str = ""  # read for PostgreSQL's processes only


@dataclass(frozen=True)
class Services:
    """The processes besides gunicorn that serve the bench."""

    database: str | None = None  # the PostgreSQL database's name; None for SQLite (it runs inside gunicorn)
    redis: bool = False

    def owns(self, proc: Proc) -> bool:
        if proc.name == "redis-server":
            return self.redis
        if proc.name != "postgres" or self.database is None:
            return False
        backend = PG_BACKEND.match(proc.cmdline)
        # shared processes (postmaster, checkpointer, wal writer) count; other databases' backends don't
        return backend is None or backend.group(1) == self.database


def parse_proc_stat(text: str) -> tuple[int, str, float]:
    """(parent pid, command name, CPU seconds) from /proc/<pid>/stat; the name may hold spaces and parentheses."""
    name = text[text.index("(") + 1 : text.rindex(")")]
    fields = text[text.rindex(")") + 2 :].split()
    return int(fields[1]), name, (int(fields[11]) + int(fields[12])) / CLK_TCK


def process_table() -> dict[int, Proc]:
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid, name, cpu = parse_proc_stat((entry / "stat").read_text())
            cmdline = (entry / "cmdline").read_text().replace("\0", " ").strip() if name == "postgres" else ""
        except (OSError, ValueError, IndexError):
            continue  # gone meanwhile
        table[int(entry.name)] = Proc(ppid, name, cpu, cmdline)
    return table


def descendants(root_pid: int, table: dict[int, Proc]) -> set[int]:
    """The process and all its descendants that are in the table."""
    children: dict[int, list[int]] = {}
    for pid, proc in table.items():
        children.setdefault(proc.ppid, []).append(pid)
    wanted, frontier = {root_pid}, [root_pid]
    while frontier:
        for child in children.get(frontier.pop(), ()):
            if child not in wanted:
                wanted.add(child)
                frontier.append(child)
    return {pid for pid in wanted if pid in table}


def tree_cpu(root_pid: int, table: dict[int, Proc] | None = None) -> float:
    table = table if table is not None else process_table()
    return sum(table[pid].cpu_s for pid in descendants(root_pid, table))


def services_cpu(table: dict[int, Proc], services: Services) -> float:
    return sum(proc.cpu_s for proc in table.values() if services.owns(proc))


def machine_cpu() -> tuple[float, float]:
    """Seconds of CPU since boot, summed over all CPUs: (busy, steal)."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = fields
    return (user + nice + system + irq + softirq) / CLK_TCK, steal / CLK_TCK


def own_cpu() -> float:
    """CPU seconds of this process and its waited-for children (wrk, the KDF probes)."""
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    return sum(u.ru_utime + u.ru_stime for u in usage)


def cpu_shares(
    wall_s: float, cores: int, busy_s: float, steal_s: float, own_s: float, server_s: float, services_s: float
) -> dict:
    """CPU seconds over a stretch of wall time, as % of all cores."""
    capacity = wall_s * cores / 100
    return {
        "server_cpu_s": round(server_s, 2),
        "database_cpu_s": round(services_s, 2),
        "busy_pct": round(busy_s / capacity, 1),
        "server_pct": round(server_s / capacity, 1),
        "database_pct": round(services_s / capacity, 1),
        "bench_and_wrk_pct": round(own_s / capacity, 1),
        "other_pct": round(max(0.0, busy_s - server_s - services_s - own_s) / capacity, 1),
        "steal_pct": round(steal_s / capacity, 1),
    }


class CpuMeter:
    """``with CpuMeter(gunicorn_pid, services) as meter: ...``; then ``meter.result`` (see cpu_shares)."""

    def __init__(self, server_pid: int | None = None, services: Services = Services()):
        self.server_pid = server_pid
        self.services = services

    def _sample(self) -> tuple[float, float, float, float, float, float]:
        table = process_table()
        server = tree_cpu(self.server_pid, table) if self.server_pid else 0.0
        busy, steal = machine_cpu()
        return time.monotonic(), busy, steal, own_cpu(), server, services_cpu(table, self.services)

    def __enter__(self) -> CpuMeter:
        self.start = self._sample()
        return self

    def __exit__(self, *exc) -> bool:
        wall, busy, steal, own, server, services = (b - a for a, b in zip(self.start, self._sample(), strict=True))
        self.result = cpu_shares(wall, os.cpu_count() or 1, busy, steal, own, server, services)
        return False


def wait_until_idle(server_pid: int, limit_s: float = 60) -> float:
    """Wait until gunicorn stops burning CPU (requests orphaned by the last run are done)."""
    started = time.monotonic()
    last = tree_cpu(server_pid)
    while time.monotonic() - started < limit_s:
        time.sleep(0.3)
        now = tree_cpu(server_pid)
        if now - last < 0.3 * 0.1:  # under 10 % of one core
            break
        last = now
    return round(time.monotonic() - started, 1)


class QuietGate:
    """Other work on the machine (tests, browsers) skews a run: wait, within a budget, for a
    second in which processes other than gunicorn, its services and the bench use under
    ``threshold_pct`` % of the cores. Each wait is recorded with the run."""

    def __init__(self, budget_s: float, per_wait_s: float = 20, threshold_pct: float = 10, services=Services()):
        self.left = budget_s
        self.per_wait = per_wait_s
        self.threshold = threshold_pct
        self.services = services

    def wait(self, server_pid: int | None = None) -> dict:
        started = time.monotonic()
        while True:
            with CpuMeter(server_pid, self.services) as meter:
                time.sleep(1.0)
            other = meter.result["other_pct"]
            waited = time.monotonic() - started
            if other < self.threshold or waited >= min(self.per_wait, self.left):
                break
        self.left = max(0.0, self.left - waited)
        if other >= self.threshold:
            log(f"  machine still busy ({other:.0f}% of the CPUs used by other processes): measuring anyway")
        return {"waited_s": round(waited, 1), "other_pct_before": other}

    def disturbed(self, cpu: dict, run_s: float) -> bool:
        """Did other processes take DISTURBED_PCT or more of the CPUs during a run (see CpuMeter)? Then,
        while the budget lasts (the run's time counts against it), the run is worth repeating."""
        if cpu["other_pct"] < DISTURBED_PCT or self.left <= 0:
            return False
        self.left = max(0.0, self.left - run_s)
        return True
