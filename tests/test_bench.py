"""The load bench's pure parts: wrk's output, CPU accounting, targets, the report, scenarios, the CLI.

No server, no wrk and no database: these run in the normal suite on any backend.
"""

import json
from datetime import datetime
from io import BytesIO
from types import SimpleNamespace

import http_ece
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from PIL import Image
from PIL.ExifTags import IFD, Base

from bench import BenchError
from bench.cpu import CLK_TCK, Proc, QuietGate, Services, cpu_shares, descendants, parse_proc_stat, tree_cpu
from bench.first_load import first_load
from bench.photo_ingest import ORIENTATION, alternate, bare_ingest, check_output, medians, phone_photo
from bench.push_fanout import SendTimer, b64url_decode, delta, encrypt_all, median_run
from bench.report import COLUMNS, markdown, results_stem, save, table_row
from bench.run import bench_environment, evaluate, parse_args, pool_sizes, split_names
from bench.scenarios import SCENARIOS, Scenario, Session, assign_members, schedule, select
from bench.seed import member_phone
from bench.targets import (
    CeilingShare,
    KdfShare,
    first_load_verdict,
    photo_ingest_verdict,
    push_fanout_verdict,
    ratio,
)
from bench.wrk import Request, failed, parse_wrk, write_requests, wrk_command


@pytest.fixture(autouse=True)
def _clean_database():
    """These tests never touch the database: no app, no schema, nothing to empty afterwards."""
    yield


def bench_json(**overrides) -> str:
    raw = {
        "requests": 20000,
        "duration_us": 10_000_000,
        "bytes": 1_000_000,
        "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0},
        "latency_us": {
            "min": 300,
            "mean": 8123.4,
            "stdev": 900.0,
            "max": 91000,
            "p50": 7000,
            "p75": 9000,
            "p90": 15000,
            "p95": 25500,
            "p99": 40000,
            "p99.9": 60000,
        },
        "statuses": {},
    }
    raw.update(overrides)
    return f"Running 10s test @ http://127.0.0.1:8000\nRequests/sec:   1999.87\nBENCH_JSON {json.dumps(raw)}\n"


def a_run(clients=16, rps=1000.0, p95_ms=20.0, non_2xx=0, **extra) -> dict:
    run = {
        "clients": clients,
        "rps": rps,
        "p50_ms": 5.0,
        "p95_ms": p95_ms,
        "p99_ms": 30.0,
        "non_2xx": non_2xx,
        "statuses": {},
        "socket_errors": {"connect": 0, "read": 0, "write": 0, "timeout": 0},
        "cpu": {"server_pct": 90.0, "database_pct": 1.0, "other_pct": 2.0},
        "cpu_ms_per_request": 1.04,
        "steady_latency_ms": round(clients / rps * 1000, 1),
    }
    run.update(extra)
    return run


# wrk -------------------------------------------------------------------------------------


def test_parse_wrk_reads_throughput_and_percentiles_in_ms():
    run = parse_wrk(bench_json(), threads=2, clients=16)
    assert (run["clients"], run["threads"], run["requests"], run["seconds"]) == (16, 2, 20000, 10.0)
    assert run["rps"] == 2000.0
    assert run["wrk_requests_per_sec"] == 1999.87
    assert (run["p50_ms"], run["p95_ms"], run["p99_ms"], run["max_ms"]) == (7.0, 25.5, 40.0, 91.0)
    assert run["mean_ms"] == 8.123


def test_parse_wrk_counts_every_status_outside_2xx_when_tallied():
    run = parse_wrk(bench_json(statuses={"200": 50, "302": 2, "429": 3}), threads=2, clients=16)
    assert run["non_2xx"] == 5


def test_parse_wrk_takes_wrk_status_errors_without_a_tally():
    errors = {"connect": 0, "read": 1, "write": 0, "status": 7, "timeout": 2}
    run = parse_wrk(bench_json(errors=errors), threads=1, clients=1)
    assert run["non_2xx"] == 7
    assert run["socket_errors"] == {"connect": 0, "read": 1, "write": 0, "timeout": 2}
    assert failed(run)


def test_parse_wrk_refuses_output_without_the_bench_json_line():
    with pytest.raises(BenchError, match="BENCH_JSON"):
        parse_wrk("Requests/sec: 10\n", threads=1, clients=1)


@pytest.mark.parametrize(("clients", "threads"), [(1, 1), (2, 2), (16, 2), (64, 2)])
def test_wrk_command_uses_at_most_two_threads(clients, threads, tmp_path):
    cmd = wrk_command("wrk", "http://127.0.0.1:1", tmp_path / "r.tsv", clients, 10)
    assert cmd[cmd.index("-t") + 1] == str(threads)
    assert cmd[cmd.index("-c") + 1] == str(clients)
    assert cmd[cmd.index("-d") + 1] == "10s"
    assert cmd[-1] == str(tmp_path / "r.tsv")


def test_wrk_command_asks_rotate_lua_for_a_status_tally(tmp_path):
    cmd = wrk_command("wrk", "http://127.0.0.1:1", tmp_path / "r.tsv", 16, 2.5, count_statuses=True)
    assert cmd[-2:] == [str(tmp_path / "r.tsv"), "count"]
    assert "2.5s" in cmd


def test_write_requests_writes_one_tab_separated_line_per_request(tmp_path):
    path = write_requests(
        tmp_path / "r.tsv",
        [Request("GET", "/api/v1/me", "session=abc"), Request("POST", "/x", "session=d", "tok", '{"a": 1}')],
    )
    assert path.read_text().splitlines() == ["GET\t/api/v1/me\tsession=abc\t\t", 'POST\t/x\tsession=d\ttok\t{"a": 1}']


@pytest.mark.parametrize("field", ["cookie", "csrf", "body"])
@pytest.mark.parametrize("bad", ["\t", "\n", "\r"])
def test_a_request_with_a_tab_or_newline_is_refused(field, bad):
    with pytest.raises(BenchError, match="tab or newline"):
        Request("GET", "/", **{field: f"x{bad}y"}).line()


def test_write_requests_refuses_an_empty_list(tmp_path):
    with pytest.raises(BenchError, match="no requests"):
        write_requests(tmp_path / "r.tsv", [])


# CPU accounting --------------------------------------------------------------------------


def test_parse_proc_stat_reads_names_with_spaces_and_parentheses():
    fields = ["S", "41"] + ["0"] * 9 + ["250", "50"] + ["0"] * 30
    ppid, name, cpu = parse_proc_stat(f"1234 (gunicorn: (worker) x) {' '.join(fields)}")
    assert (ppid, name) == (41, "gunicorn: (worker) x")
    assert cpu == pytest.approx(300 / CLK_TCK)


def test_tree_cpu_sums_a_process_and_all_its_descendants():
    table = {
        10: Proc(1, "gunicorn", 1.0),
        11: Proc(10, "gunicorn", 2.0),
        12: Proc(11, "python", 0.5),
        20: Proc(1, "wrk", 9.0),
    }
    assert descendants(10, table) == {10, 11, 12}
    assert tree_cpu(10, table) == 3.5


@pytest.mark.parametrize(
    ("proc", "services", "owned"),
    [
        (Proc(1, "postgres", 1, "postgres: 15/main: postgres pingan_bench 127.0.0.1(4242) idle"), "bench", True),
        (Proc(1, "postgres", 1, "postgres: 15/main: postgres pingan_dev 127.0.0.1(4242) SELECT"), "bench", False),
        (Proc(1, "postgres", 1, "postgres: postgres pingan_bench [local] idle"), "bench", True),
        (Proc(1, "postgres", 1, "postgres: 15/main: checkpointer"), "bench", True),
        (Proc(1, "postgres", 1, "postgres: 15/main: checkpointer"), "sqlite", False),
        (Proc(1, "redis-server", 1), "bench+redis", True),
        (Proc(1, "redis-server", 1), "bench", False),
        (Proc(1, "node", 1), "bench+redis", False),
    ],
)
def test_services_own_the_bench_database_and_redis_only_when_used(proc, services, owned):
    chosen = {
        "bench": Services(database="pingan_bench"),
        "bench+redis": Services(database="pingan_bench", redis=True),
        "sqlite": Services(),
    }[services]
    assert chosen.owns(proc) is owned


def test_cpu_shares_are_percent_of_all_cores_with_the_rest_as_other():
    shares = cpu_shares(wall_s=10, cores=2, busy_s=18, steal_s=0.2, own_s=4, server_s=12, services_s=1)
    assert shares["busy_pct"] == 90.0
    assert shares["server_pct"] == 60.0
    assert shares["database_pct"] == 5.0
    assert shares["bench_and_wrk_pct"] == 20.0
    assert shares["other_pct"] == 5.0
    assert shares["steal_pct"] == 1.0


def test_a_run_disturbed_by_other_processes_is_repeated_while_the_budget_lasts():
    gate = QuietGate(budget_s=15, threshold_pct=10)
    assert gate.disturbed({"other_pct": 19.9}, run_s=10) is False
    assert gate.disturbed({"other_pct": 20.0}, run_s=10) is True
    assert gate.left == 5
    assert gate.disturbed({"other_pct": 50.0}, run_s=10) is True
    assert gate.disturbed({"other_pct": 50.0}, run_s=10) is False


# Targets ---------------------------------------------------------------------------------


ME = CeilingShare(min_share=0.5, clients=16, max_p95_factor=2.0)


def test_ceiling_share_passes_at_exactly_half_the_throughput_and_twice_the_p95():
    verdict = ME.evaluate("GET /me", {16: a_run(rps=500, p95_ms=40)}, {16: a_run(rps=1000, p95_ms=20)}, None)
    assert verdict.ok is True
    assert verdict.line.startswith("PASS GET /me at 16 clients: 500 req/s = 50% of the ceiling's 1000")
    assert "p95 40.0 ms = 2.0× the ceiling's 20.0 ms" in verdict.line


@pytest.mark.parametrize(
    ("run", "why"),
    [
        (a_run(rps=499, p95_ms=20), "too slow"),
        (a_run(rps=900, p95_ms=40.1), "p95 too high"),
        (a_run(rps=900, p95_ms=20, non_2xx=1), "a failed request"),
    ],
)
def test_ceiling_share_fails(run, why):
    verdict = ME.evaluate("GET /me", {16: run}, {16: a_run(rps=1000, p95_ms=20)}, None)
    assert verdict.ok is False, why
    assert verdict.line.startswith("FAIL")


def test_a_verdict_says_when_a_run_shared_the_machine():
    busy = a_run(rps=1000, p95_ms=20, cpu={"server_pct": 50.0, "database_pct": 0.0, "other_pct": 40.0})
    verdict = ME.evaluate("GET /me", {16: a_run(rps=600, p95_ms=30)}, {16: busy}, None)
    assert verdict.ok is True
    assert verdict.detail.endswith("; measured while other processes took 40% (ceiling) of the CPUs")
    assert "measured while" not in ME.evaluate("GET /me", {16: a_run()}, {16: a_run()}, None).detail


def test_ceiling_share_without_a_p95_limit_judges_throughput_only():
    target = CeilingShare(min_share=0.5, clients=16, max_p95_factor=None)
    verdict = target.evaluate("GET /x", {16: a_run(rps=600, p95_ms=500)}, {16: a_run(rps=1000, p95_ms=20)}, None)
    assert verdict.ok is True
    assert "p95" not in verdict.detail


@pytest.mark.parametrize(
    ("runs", "ceiling"), [({}, {16: a_run()}), ({16: a_run()}, {}), ({1: a_run(clients=1)}, {1: a_run(clients=1)})]
)
def test_ceiling_share_is_skipped_without_both_runs_at_its_concurrency(runs, ceiling):
    verdict = ME.evaluate("GET /me", runs, ceiling, None)
    assert verdict.ok is None
    assert verdict.line.startswith("SKIP")


@pytest.mark.parametrize(("rps", "ok"), [(7.0, True), (6.9, False)])
def test_kdf_share_compares_sign_ins_with_hashes_per_second_of_two_processes(rps, ok):
    verdict = KdfShare(min_share=0.7, clients=16).evaluate(
        "POST /login", {16: a_run(rps=rps)}, {}, {"hashes_per_s_2_procs": 10.0}
    )
    assert verdict.ok is ok
    assert "of argon2's 10.0 hashes/s with 2 processes" in verdict.detail


def test_a_kdf_verdict_says_when_the_argon2_measurement_shared_the_machine():
    kdf = {"hashes_per_s_2_procs": 10.0, "cpu_2_procs": {"other_pct": 25.0}}
    verdict = KdfShare().evaluate("POST /login", {16: a_run(rps=8)}, {}, kdf)
    assert verdict.detail.endswith("; measured while other processes took 25% (kdf) of the CPUs")


def test_kdf_share_is_skipped_without_a_kdf_measurement():
    assert KdfShare().evaluate("POST /login", {16: a_run()}, {}, None).ok is None


def test_ratio_to_nothing_is_none():
    assert ratio(5, 0) is None
    assert ratio(5, 10) == 0.5


@pytest.mark.parametrize(("total", "ok"), [(60 * 1024, True), (60 * 1024 + 1, False)])
def test_first_load_budget_is_60_kb_gzipped(total, ok):
    assert first_load_verdict({"built": True, "js_css_gzip_bytes": total}).ok is ok


def test_first_load_is_skipped_when_the_front_end_is_not_built():
    verdict = first_load_verdict({"built": False, "note": "index.html not found"})
    assert verdict.ok is None
    assert "index.html not found" in verdict.line


def a_photo_result(app_cpu_ms=104.0, bare_cpu_ms=100.0, other_pct=2.0) -> dict:
    return {
        "photo": {"width": 4000, "height": 3000, "bytes": 5_600_000, "quality": 92},
        "settings": {"long_edge": 1600, "thumb_edge": 320, "quality": 82, "thumb_quality": 75},
        "repetitions": 7,
        "app": {"wall_ms": 120.0, "cpu_ms": app_cpu_ms, "samples": []},
        "bare": {"wall_ms": 118.0, "cpu_ms": bare_cpu_ms, "samples": []},
        "output": {"app_bytes": 370000, "app_thumb_bytes": 13800, "bare_bytes": 371000, "bare_thumb_bytes": 13700},
        "cpu": {"other_pct": other_pct},
    }


def a_push_pass(fanout_cpu_s=1.2, floor_cpu_s=1.0, accepted=1000, sent=1000, outcomes=None, check=True) -> dict:
    service = {"statuses": {201: accepted}, "rejected": 0}
    cpu = {"server_cpu_s": 0.3, "other_pct": 2.0}
    floor = {
        "encrypt_s": 0.1,
        "send_s": 0.9,
        "total_s": 1.0,
        "encrypt_cpu_s": 0.1,
        "send_cpu_s": floor_cpu_s - 0.1,
        "cpu_s": floor_cpu_s,
        "service": {"statuses": {201: 1000}, "rejected": 0},
        "cpu": cpu,
    }
    fanout = {
        "total_s": 1.3,
        "cpu_s": fanout_cpu_s,
        "send_s": 1.0,
        "batches": 5,
        "outcomes": outcomes or {"accepted": sent},
        "sql_statements": {"SELECT": 1010, "UPDATE": 1005},
        "notifications_sent": sent,
        "service": service,
        "cpu": cpu,
    }
    return {"check": check, "floor": floor, "fanout": fanout, "ratio": 1.3, "cpu_ratio": fanout_cpu_s / floor_cpu_s}


def a_push_result(**unchecked) -> dict:
    return {
        "count": 1000,
        "database": "sqlite (throwaway, create_all)",
        "batch_size": 200,
        "concurrency": 16,
        "passes": {"checked": a_push_pass(), "unchecked": a_push_pass(check=False, **unchecked)},
    }


@pytest.mark.parametrize(("app_cpu_ms", "ok"), [(130.0, True), (130.1, False)])
def test_photo_ingest_may_take_1_3_times_pillows_bare_decode_and_encode(app_cpu_ms, ok):
    verdict = photo_ingest_verdict(a_photo_result(app_cpu_ms=app_cpu_ms, bare_cpu_ms=100.0))
    assert verdict.ok is ok
    assert "Pillow's bare decode + encode 100.0 ms (target <= 1.3×; median of 7)" in verdict.detail


def test_a_photo_verdict_says_when_the_machine_was_shared():
    verdict = photo_ingest_verdict(a_photo_result(other_pct=45.0))
    assert verdict.detail.endswith("; measured while other processes took 45% (photo) of the CPUs")


@pytest.mark.parametrize("verdict", [photo_ingest_verdict, push_fanout_verdict])
def test_an_in_process_measurement_not_made_is_skipped(verdict):
    assert verdict(None).ok is None
    assert verdict(None).line.startswith("SKIP")


@pytest.mark.parametrize(("fanout_cpu_s", "ok"), [(1.5, True), (1.51, False)])
def test_push_fanout_may_take_1_5_times_bare_encryption_and_sends(fanout_cpu_s, ok):
    verdict = push_fanout_verdict(a_push_result(fanout_cpu_s=fanout_cpu_s, floor_cpu_s=1.0))
    assert verdict.ok is ok
    assert "to 1000 subscriptions: the push job" in verdict.detail
    assert "the floor's 1.00 s (bare encryption 0.10 s + bare sends 0.90 s; target <= 1.5×)" in verdict.detail


def test_push_fanout_fails_when_a_push_was_not_accepted_however_fast():
    result = a_push_result(accepted=998, sent=998, outcomes={"accepted": 998, "retry:network": 2})
    verdict = push_fanout_verdict(result)
    assert verdict.ok is False
    assert "unchecked pass: fanout: 998 of 1000 pushes accepted, 0 refused" in verdict.detail
    assert "998 of 1000 notifications marked sent (998 accepted, 2 retry:network)" in verdict.detail


def test_push_fanout_reads_status_counts_back_from_json():
    result = json.loads(json.dumps(a_push_result()))
    assert push_fanout_verdict(result).ok is True


# Photo ingest and push fan-out: the parts without a server -------------------------------


def test_the_phone_photo_is_a_jpeg_held_sideways_with_gps():
    with Image.open(BytesIO(phone_photo((400, 300)))) as image:
        assert (image.format, image.size) == ("JPEG", (400, 300))
        exif = image.getexif()
        assert exif[Base.Orientation] == ORIENTATION == 6
        assert exif.get_ifd(IFD.GPSInfo)[1] == "N"


def test_the_bare_floor_makes_both_outputs_at_the_long_edge():
    main, thumb = bare_ingest(phone_photo((800, 600)), long_edge=400, thumb_edge=100, quality=82, thumb_quality=75)
    assert Image.open(BytesIO(main)).size == (400, 300)
    assert Image.open(BytesIO(thumb)).size == (100, 75)


def test_the_apps_output_is_checked_for_exif_and_orientation():
    from app.core.images import ingest_photo

    data = phone_photo((800, 600))
    check_output(ingest_photo(data, long_edge=400), (800, 600), long_edge=400)

    unrotated = SimpleNamespace(data=bare_ingest(data, long_edge=400, thumb_edge=100, quality=82, thumb_quality=75)[0])
    with pytest.raises(BenchError, match="not upright"):
        check_output(unrotated, (800, 600), long_edge=400)


def test_alternate_swaps_which_side_goes_first_every_round():
    calls = []
    first, second = (lambda: calls.append("a")), (lambda: calls.append("b"))
    app_times, bare_times = alternate(first, second, repetitions=3)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]  # one untimed call each, then the rounds
    assert len(app_times) == len(bare_times) == 3
    assert medians([(3.0, 1.0), (1.0, 5.0), (2.0, 3.0)])["wall_ms"] == 2.0


def test_the_floors_encryption_is_what_a_subscriber_decrypts():
    from tests.push_service import Subscriber

    subscriber = Subscriber("s1", ec.generate_private_key(ec.SECP256R1()), b"0123456789abcdef", "http://x/push/s1")
    delivery = SimpleNamespace(subscription_info=subscriber.info(), data='{"title":"紧急"}')
    [body] = encrypt_all([delivery])
    plain = http_ece.decrypt(body, private_key=subscriber.private_key, auth_secret=subscriber.auth_secret)
    assert json.loads(plain) == {"title": "紧急"}
    assert b64url_decode(delivery.subscription_info["keys"]["auth"]) == b"0123456789abcdef"


def test_send_timer_times_and_tallies_the_jobs_sends_then_puts_them_back():
    from app.notifications.push import PushOutcome

    def send_all(deliveries):
        return [PushOutcome("accepted", 201), PushOutcome("retry"), PushOutcome("accepted", 201)]

    module = SimpleNamespace(_send_all=send_all)
    with SendTimer(module) as timer:
        module._send_all([1, 2, 3])
    assert module._send_all is send_all
    assert timer.outcomes == {"accepted": 2, "retry:network": 1}
    assert timer.seconds >= 0


def test_each_side_of_a_pass_is_its_median_run_by_cpu_time():
    runs = [{"cpu_s": 9.1, "n": 1}, {"cpu_s": 6.2, "n": 2}, {"cpu_s": 7.0, "n": 3}]
    assert median_run(runs)["n"] == 3
    assert median_run(runs[:2])["n"] == 2  # an even count takes the lower middle, a run that happened


def test_the_push_verdict_says_how_many_rounds_its_medians_come_from():
    result = a_push_result()
    result["passes"]["unchecked"]["rounds"] = {"floor": [1.0, 0.9, 1.2], "fanout": [1.2, 1.3, 1.1]}
    assert "target <= 1.5×; medians of 3 rounds)" in push_fanout_verdict(result).detail
    assert "bare sends 0.90 s; target <= 1.5×)" in push_fanout_verdict(a_push_result()).detail


def test_service_counts_are_compared_before_and_after():
    before = {"statuses": {"201": 10}, "rejected": 1}
    after = {"statuses": {"201": 30, "400": 2}, "rejected": 3}
    assert delta(after, before) == {"statuses": {201: 20, 400: 2}, "rejected": 2}


# First load ------------------------------------------------------------------------------


def test_first_load_gzips_each_script_stylesheet_and_modulepreload_once(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "app.js").write_text("console.log('x');" * 100)
    (tmp_path / "assets" / "app.css").write_text("body{color:red}" * 100)
    (tmp_path / "assets" / "chunk.js").write_text("export const y = 1;")
    (tmp_path / "index.html").write_text(
        '<script type="module" src="/assets/app.js"></script>'
        '<link rel="modulepreload" href="/assets/chunk.js"><link rel="modulepreload" href="/assets/app.js?v=1">'
        '<link rel="stylesheet" href="/assets/app.css"><link rel="icon" href="/favicon.svg">'
        '<script src="https://cdn.example/x.js"></script><script src="/assets/missing.js"></script>'
    )
    load = first_load(tmp_path)
    assert [(f["url"], f["kind"]) for f in load["files"]] == [
        ("/assets/app.js", "script"),
        ("/assets/chunk.js", "modulepreload"),
        ("/assets/app.css", "stylesheet"),
    ]
    assert all(f["gzip_bytes"] > 0 for f in load["files"])
    assert load["files"][0]["gzip_bytes"] < load["files"][0]["bytes"]
    assert load["js_css_gzip_bytes"] == sum(f["gzip_bytes"] for f in load["files"])
    assert [s["why"] for s in load["skipped"]] == ["external", "not in dist"]


def test_first_load_says_when_the_front_end_is_not_built(tmp_path):
    load = first_load(tmp_path)
    assert load["built"] is False
    assert "npm run build" in load["note"]


# Scenarios -------------------------------------------------------------------------------


def test_the_registry_loads_the_ceiling_the_signed_in_polls_and_sign_in():
    assert [s.name for s in SCENARIOS] == [
        "ping",
        "me",
        "unread",
        "open-shifts",
        "board",
        "check-in",
        "on-duty",
        "reports-queue",
        "reports-map",
        "login",
    ]
    me = select(["me"])[0]
    assert me.sessions == "members"
    assert me.target == CeilingShare(min_share=0.5, clients=16, max_p95_factor=2.0)


def test_select_keeps_the_registry_order_and_refuses_unknown_names():
    assert [s.name for s in select(["login", "ping"])] == ["ping", "login"]
    with pytest.raises(BenchError, match="unknown scenarios: nope"):
        select(["me", "nope"])


def test_schedule_runs_the_ceiling_next_to_each_endpoint_and_kdf_bound_runs_last():
    plan = [(s.name, c) for s, c in schedule(select(["ping", "me", "login"]), [1, 16])]
    assert plan == [("ping", 1), ("me", 1), ("ping", 16), ("me", 16), ("login", 1), ("login", 16)]


def test_a_new_scenario_is_one_declaration_with_requests_built_per_session():
    checkin = Scenario(
        "checkin",
        "POST",
        lambda s: f"/api/v1/shifts/{s.member % 3 + 1}/check-in",
        sessions="members",
        body=lambda s: {"at": "gate", "phone": s.phone},
        target=CeilingShare(min_share=0.3),
    )
    sessions = [Session(4, "+8615000000004", "session=a", "t4"), Session(5, "+8615000000005", "session=b", "t5")]
    assert checkin.requests(sessions) == [
        Request("POST", "/api/v1/shifts/2/check-in", "session=a", "t4", '{"at": "gate", "phone": "+8615000000004"}'),
        Request("POST", "/api/v1/shifts/3/check-in", "session=b", "t5", '{"at": "gate", "phone": "+8615000000005"}'),
    ]
    assert checkin.label == "POST checkin"
    assert not checkin.kdf_bound


def test_a_read_sends_the_session_cookie_but_no_csrf_token():
    me = select(["me"])[0]
    assert me.requests([Session(1, "+8615000000001", "session=a", "tok")]) == [
        Request("GET", "/api/v1/me", "session=a")
    ]


def test_an_anonymous_scenario_is_one_request():
    assert select(["ping"])[0].requests([]) == [Request("GET", "/api/v1/ping")]


def test_the_sign_in_scenario_posts_each_phone_with_its_pre_login_cookie_and_token():
    login = select(["login"])[0]
    [request] = login.requests([Session(9, "+8615000000009", "session=pre", "tok")])
    assert (request.method, request.path, request.cookie, request.csrf) == (
        "POST",
        "/api/v1/auth/login",
        "session=pre",
        "tok",
    )
    assert json.loads(request.body)["phone"] == "+8615000000009"
    assert login.kdf_bound


@pytest.mark.parametrize(
    "scenario",
    [
        {"path": lambda s: "/x"},
        {"path": "/x", "body": lambda s: {}},
        {"path": "/x", "sessions": "handlers"},
    ],
)
def test_a_scenario_that_needs_sessions_must_name_a_known_pool(scenario):
    with pytest.raises(BenchError):
        Scenario("x", "POST", **scenario)


def test_assign_members_gives_each_pool_its_own_members_the_same_every_time():
    pools = assign_members({"members": 20, "pre-login": 50}, population=1000)
    assert [len(pools["members"]), len(pools["pre-login"])] == [20, 50]
    assert not set(pools["members"]) & set(pools["pre-login"])
    assert pools == assign_members({"members": 20, "pre-login": 50}, population=1000)


def test_assign_members_refuses_more_members_than_seeded():
    with pytest.raises(BenchError, match="only 10 are seeded"):
        assign_members({"members": 8, "pre-login": 8}, population=10)


def test_member_phones_are_stored_in_e164():
    assert member_phone(0) == "+8615000000000"
    assert member_phone(19999) == "+8615000019999"


# Report ----------------------------------------------------------------------------------


def results_fixture() -> dict:
    return {
        "date": "2026-11-30 10:00 UTC",
        "machine": {
            "hostname": "vm",
            "nproc": 2,
            "cpu_model": "EPYC",
            "memory_gib": 8.0,
            "kernel": "6.1",
            "python": "3.11.7",
            "db_kind": "postgresql",
            "db_version": "PostgreSQL 15.8",
            "redis": "redis://127.0.0.1:6379/14",
            "gunicorn": {
                "workers": 3,
                "threads": 4,
                "worker_class": "gthread",
                "overrides": {},
                "running": {"workers": 3},
            },
            "wrk": "wrk 4.1.0",
            "git_commit": "abc1234",
            "backend_uncommitted_changes": False,
        },
        "parameters": {
            "app": "wsgi:app",
            "duration_s": 10,
            "warmup_s": 2,
            "kdf_bound_duration_s": 10,
            "pools": {"members": 200, "pre-login": 1000},
        },
        "loadavg_before": ["0.1", "0.2", "0.3"],
        "population": {"users": 20004, "teams": 208, "role_grants": 20004},
        "ceiling": "ping",
        "scenarios": {s.name: s.describe() for s in SCENARIOS},
        "kdf": {
            "time_cost": 3,
            "memory_kib": 65536,
            "parallelism": 2,
            "hashes_per_s_1_core": 3.6,
            "hashes_per_s_2_procs": 7.4,
        },
        "runs": {
            "ping": [a_run(rps=2000, p95_ms=20)],
            "me": [a_run(rps=1100, p95_ms=35)],
            "login": [a_run(rps=6.3, p95_ms=2900, cpu_ms_per_request=316.5)],
        },
        "first_load": {"built": False, "note": "not built"},
    }


def test_the_table_has_the_columns_other_tools_read():
    assert {"Endpoint", "req/s", "p95 ms"} <= set(COLUMNS)
    assert COLUMNS[:3] == ["Endpoint", "Clients", "req/s"]


def test_a_table_row_compares_throughput_and_p95_with_the_ceiling():
    row = table_row("GET /api/v1/me", a_run(rps=1100, p95_ms=35), a_run(rps=2000, p95_ms=20))
    assert row == "| GET /api/v1/me | 16 | 1100.0 | 5.00 | 35.0 | 30.0 | 0 | 0 | 55% | 1.8× | 1.04 | 90 / 1 / 2 |"


def test_a_row_without_a_ceiling_run_shows_dashes():
    cells = table_row("GET /x", a_run(), None).split(" | ")
    assert cells[COLUMNS.index("vs ceiling")] == "—"
    assert cells[COLUMNS.index("p95 vs ceiling")] == "—"


def test_markdown_renders_the_table_the_kdf_rate_and_the_verdicts():
    results = results_fixture()
    results["targets"] = evaluate(results, SCENARIOS)
    report = markdown(results)
    assert "# Benchmark 2026-11-30 10:00 UTC — postgresql + Redis" in report
    assert "3 workers × 4 threads" in report
    assert "| GET /api/v1/me (signed in) | 16 | 1100.0 |" in report
    assert "**3.6 hashes/s on 1 core, 7.4 hashes/s with 2 processes**" in report
    assert "- PASS GET /api/v1/me (signed in) at 16 clients: 1100 req/s = 55% of the ceiling's 2000" in report
    assert "- PASS POST /api/v1/auth/login at 16 clients: 6.3 req/s = 85%" in report
    assert "- SKIP first load not measured: not built" in report


def test_markdown_adds_the_photo_and_push_measurements_and_their_verdicts():
    results = results_fixture()
    results["photo_ingest"] = a_photo_result()
    results["push_fanout"] = a_push_result()
    results["targets"] = evaluate(results, SCENARIOS)
    report = markdown(results)
    assert "| the app: `ingest_with_config` | 104.0 | 120.0 | 370000 + 13800 |" in report
    assert "| app ÷ bare | 1.04× | 1.02× | |" in report
    assert "| no | 0.10 (0.10) | 0.90 (0.90) | 1.00 (1.00) | 1.20 (1.30) | 1.00 | 1.20× (1.30×) |" in report
    assert "- PASS photo ingest (4000×3000 phone JPEG, 5.6 MB): the app 104.0 ms CPU = 1.04×" in report
    assert "- PASS push fan-out to 1000 subscriptions: the push job 1.20 s CPU = 1.20×" in report
    assert "SQL statements of one push job pass: 1010 SELECT, 1005 UPDATE (2.02 per push)." in report
    assert "Rounds of the" not in report
    results["push_fanout"]["passes"]["unchecked"]["rounds"] = {"floor": [1.0, 0.95], "fanout": [1.2, 1.25]}
    assert "Rounds of the unchecked pass (CPU s, alternating; the table gives each side's median): " in markdown(
        results
    )


def test_a_run_of_in_process_measurements_only_has_no_load_table():
    results = results_fixture()
    results.update(population=None, runs={}, scenarios={}, kdf=None, photo_ingest=a_photo_result())
    results["targets"] = evaluate(results, [])
    report = markdown(results)
    assert report.startswith("# Benchmark 2026-11-30 10:00 UTC — in-process measurements only\n")
    assert "| Endpoint |" not in report
    assert [t["name"] for t in results["targets"]] == ["first load", "photo ingest"]


def test_markdown_says_when_gunicorn_runs_other_workers_than_configured():
    results = results_fixture()
    results["machine"]["gunicorn"]["running"] = {"workers": 1}
    results["targets"] = []
    assert "3 workers × 4 threads configured, **1 running**" in markdown(results)


def test_results_are_named_by_day_host_and_database(tmp_path):
    stem = results_stem(datetime(2026, 11, 30, 23, 59), "vm.local/x", "sqlite")
    assert stem == "2026-11-30-vm.local-x-sqlite"
    assert results_stem(datetime(2026, 11, 30), "vm", "postgresql", whatif=True) == "2026-11-30-vm-postgresql-whatif"
    path = save({"a": "平安"}, "# report\n", stem, tmp_path)
    assert (tmp_path / f"{stem}.md").read_text() == "# report\n"
    assert json.loads((tmp_path / f"{stem}.json").read_text()) == {"a": "平安"}
    assert path == tmp_path / stem


# The command line ------------------------------------------------------------------------


def test_parse_args_defaults_load_everything_at_three_concurrencies():
    args = parse_args([])
    assert args.only == [
        "ping",
        "me",
        "unread",
        "open-shifts",
        "board",
        "check-in",
        "on-duty",
        "reports-queue",
        "reports-map",
        "login",
        "photo-ingest",
        "push-fanout",
    ]
    assert args.clients == [1, 16, 64]
    assert (args.duration, args.warmup, args.no_save, args.strict) == (10, 2, False, False)
    assert (args.sessions, args.login_phones) == (200, 1000)


def test_parse_args_reads_only_clients_duration_and_no_save():
    args = parse_args(["--only", "ping,me", "--clients", "16", "--duration", "3", "--no-save"])
    assert (args.only, args.clients, args.duration, args.no_save) == (["ping", "me"], [16], 3.0, True)


@pytest.mark.parametrize("argv", [["--only", "ping,nope"], ["--clients", "1,x"], ["--clients", "0"]])
def test_parse_args_refuses_unknown_scenarios_and_bad_concurrency(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        parse_args(argv)
    assert exit_info.value.code == 2
    assert "error" in capsys.readouterr().err


def test_only_takes_measurement_names_beside_scenarios():
    args = parse_args(
        [
            "--only",
            "push-fanout,me,photo-ingest",
            "--push-count",
            "500",
            "--push-rounds",
            "1",
            "--photo-repetitions",
            "3",
        ]
    )
    scenarios, measurements = split_names(args.only)
    assert [s.name for s in scenarios] == ["me"]
    assert measurements == ["photo-ingest", "push-fanout"]
    assert (args.push_count, args.push_rounds, args.photo_repetitions) == (500, 1, 3)


def test_only_measurements_means_no_scenario_and_no_server():
    assert split_names(parse_args(["--only", "photo-ingest"]).only) == ([], ["photo-ingest"])


def test_the_push_fanout_defaults_to_ten_thousand_subscriptions_and_three_rounds():
    args = parse_args([])
    assert (args.push_count, args.push_rounds) == (10_000, 3)


@pytest.mark.parametrize("argv", [["--push-count", "0"], ["--photo-repetitions", "x"], ["--only", ","]])
def test_parse_args_refuses_bad_measurement_sizes(argv, capsys):
    with pytest.raises(SystemExit):
        parse_args(argv)
    assert "error" in capsys.readouterr().err


def test_pool_sizes_cover_only_the_pools_the_chosen_scenarios_use():
    assert pool_sizes(select(["ping", "me"]), parse_args(["--sessions", "50"])) == {"members": 50}
    assert pool_sizes(select(["login"]), parse_args(["--login-phones", "30"])) == {"pre-login": 30}


def test_bench_environment_drops_the_shells_flask_settings_and_keeps_gunicorn_knobs():
    env = bench_environment(
        {"PATH": "/bin", "FLASK_DEBUG": "1", "GUNICORN_BIND": "0.0.0.0:1", "WEB_CONCURRENCY": "2", "REDIS_URL": "r"},
        "sqlite:////tmp/b.sqlite",
        "key",
    )
    assert "FLASK_DEBUG" not in env
    assert "GUNICORN_BIND" not in env
    assert (env["PATH"], env["WEB_CONCURRENCY"], env["REDIS_URL"]) == ("/bin", "2", "r")
    assert env["DATABASE_URL"] == "sqlite:////tmp/b.sqlite"
    assert env["FLASK_SECRET_KEY"] == "key"
    assert json.loads(env["FLASK_LOGIN_LIMIT_PER_IP"]) == "1000000 per minute"
    assert json.loads(env["FLASK_JOBS_SQLITE_PATH"]).endswith("bench/.work/jobs.sqlite")


# The scheduling dataset and its scenarios ---------------------------------------------------------
# This section's imports are its own, so it stays one block at the end of the module.
import random  # noqa: E402
from datetime import UTC, date, timedelta  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from shapely.geometry import Point, shape  # noqa: E402

from bench import scenarios  # noqa: E402
from bench.scenarios import board_ok, check_in_ok  # noqa: E402
from bench.seed import (  # noqa: E402
    COMMUNITY_PLACES,
    NOW_ON_DUTY,
    NOW_PER_COMMUNITY,
    NOW_WAITING,
    PER_SLOT,
    SLOTS,
    TEAM_PLACES,
    WEEKS,
    CommunityPlan,
    Layout,
    PlannedShift,
    area_polygon,
    board_first_day,
    fill_shifts,
    load_dataset,
    plan_shifts,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 30, 2, 7, 41, tzinfo=UTC)  # a Monday, 10:07 in Shanghai
LAYOUT = Layout(members=3000, teams=60)
COMMUNITIES = [
    CommunityPlan(unit_id=10 + c, area_ids=(100 + 2 * c, 101 + 2 * c), teams=tuple(range(c, 60, 6))) for c in range(6)
]
DATASET = {
    "street_id": 2,
    "board_unit_id": 11,
    "board_first_day": "2026-11-30",
    "staff": [2000, 2001, 2002],
    "on_shift": [17, 41],
    "check_ins": {
        "17": {"shift_id": 905, "lon": 116.457, "lat": 39.9372},
        "41": {"shift_id": 906, "lon": 116.452, "lat": 39.9331},
    },
}


@pytest.fixture
def planned() -> list[PlannedShift]:
    return plan_shifts(COMMUNITIES, NOW, SHANGHAI)


@pytest.fixture
def seeded_dataset(monkeypatch):
    monkeypatch.setattr(scenarios, "load_dataset", lambda: DATASET)
    return DATASET


def test_a_team_holds_every_teams_th_member_and_the_staff_come_after_the_members():
    assert list(LAYOUT.members_of(5))[:3] == [5, 65, 125]
    assert {LAYOUT.team_of(m) for m in LAYOUT.members_of(5)} == {5}
    assert LAYOUT.staff_index(0) == 3000


def test_six_communities_get_6300_shifts_over_ten_weeks_around_now(planned):
    assert len(planned) == WEEKS * 7 * len(SLOTS) * PER_SLOT * 6 == 6300
    days = sorted({s.starts_at.astimezone(SHANGHAI).date() for s in planned})
    assert (days[0], days[-1]) == (date(2026, 11, 9), date(2027, 1, 17))  # 3 weeks before this week, 7 from it


def test_a_communitys_week_board_holds_105_shifts(planned):
    monday = datetime.combine(board_first_day(NOW, SHANGHAI), datetime.min.time(), tzinfo=SHANGHAI)
    week = [s for s in planned if s.unit_id == 11 and monday <= s.starts_at < monday + timedelta(days=7)]
    assert len(week) == 105


def test_each_community_has_shifts_on_now_each_on_its_own_team(planned):
    on_now = [s for s in planned if s.on_now]
    assert len(on_now) == NOW_PER_COMMUNITY * 6
    assert all(s.starts_at < NOW < s.ends_at and s.team is not None for s in on_now)
    assert len({s.team for s in on_now}) == len(on_now)


def test_team_shifts_stay_in_their_teams_community_and_a_third_are_the_communitys(planned):
    by_unit = {c.unit_id: c for c in COMMUNITIES}
    regular = [s for s in planned if not s.on_now]
    assert all(
        s.team in by_unit[s.unit_id].teams and s.area_id in by_unit[s.unit_id].area_ids
        for s in regular
        if s.team is not None
    )
    assert sum(s.team is None for s in regular) / len(regular) == pytest.approx(1 / 3, abs=0.01)
    assert all(s.places == (COMMUNITY_PLACES if s.team is None else TEAM_PLACES) for s in regular)


@pytest.fixture
def filled(planned) -> list[PlannedShift]:
    community_members = {c.unit_id: [m for t in c.teams for m in LAYOUT.members_of(t)] for c in COMMUNITIES}
    fill_shifts(planned, LAYOUT, community_members, NOW, timedelta(hours=24), random.Random(1))
    return planned


def test_sign_ups_never_exceed_the_places_nor_sign_anyone_up_twice(filled):
    assert all(len(s.people) <= s.places and len(set(s.people)) == len(s.people) for s in filled)
    assert any(len(s.people) == s.places for s in filled)  # some are full
    assert any(0 < len(s.people) < s.places for s in filled if s.starts_at > NOW)  # some have room


def test_team_shifts_are_signed_by_their_teams_members(filled):
    assert all(LAYOUT.team_of(m) == s.team for s in filled if s.team is not None for m in s.people)


def test_a_held_leader_place_stays_free_and_a_taken_one_is_the_leaders(filled):
    leader_shifts = [s for s in filled if s.leader_needed]
    assert leader_shifts and not any(s.on_now for s in leader_shifts)
    for s in leader_shifts:
        if s.leader_taken:
            assert s.people[0] == LAYOUT.members_of(s.team)[0]
        elif s.starts_at - timedelta(hours=24) > NOW:
            assert len(s.people) < s.places


def test_a_shift_on_now_has_people_waiting_to_check_in_and_people_on_duty(filled):
    shift = next(s for s in filled if s.on_now)
    assert (len(shift.waiting), len(shift.on_duty)) == (NOW_WAITING, NOW_ON_DUTY)
    assert not set(shift.waiting) & set(shift.on_duty)
    assert all(LAYOUT.team_of(m) == shift.team for m in shift.people)


def test_an_area_polygon_is_a_closed_ring_around_its_centre():
    polygon = area_polygon(116.45, 39.94)
    ring = polygon["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 6
    assert shape(polygon).contains(Point(116.45, 39.94))


def test_load_dataset_says_the_database_must_be_seeded_first(tmp_path):
    with pytest.raises(BenchError, match="seeded by bench/run.py"):
        load_dataset(tmp_path / "dataset.json")


def test_the_scheduling_scenarios_rotate_over_the_staff_and_the_members_on_a_shift():
    assert {s.name: s.sessions for s in select(["open-shifts", "board", "check-in", "on-duty"])} == {
        "open-shifts": "members",
        "board": "staff",
        "check-in": "on-shift",
        "on-duty": "staff",
    }
    assert pool_sizes(select(["board", "on-duty", "check-in"]), parse_args([])) == {"staff": 20, "on-shift": 100}


def test_the_board_asks_for_the_communitys_week(seeded_dataset):
    [request] = select(["board"])[0].requests([Session(2000, "+8615000002000", "session=s", "t")])
    assert request == Request("GET", "/api/v1/shifts?unit_id=11&first_day=2026-11-30", "session=s")


def test_the_on_duty_list_is_the_streets(seeded_dataset):
    [request] = select(["on-duty"])[0].requests([Session(2001, "+8615000002001", "session=s", "t")])
    assert request.path == "/api/v1/units/2/on-duty"


def test_each_member_checks_in_to_their_own_shift_from_inside_its_area_with_a_csrf_token(seeded_dataset):
    check_in = select(["check-in"])[0]
    requests = check_in.requests([Session(17, "+8615000000017", "session=a", "ta"), Session(41, "", "session=b", "tb")])
    assert [(r.path, r.csrf) for r in requests] == [
        ("/api/v1/shifts/905/check-in", "ta"),
        ("/api/v1/shifts/906/check-in", "tb"),
    ]
    assert json.loads(requests[1].body) == {"fix": {"lon": 116.452, "lat": 39.9331, "accuracy_m": 12.0}}


@pytest.mark.parametrize(
    ("payload", "ok"),
    [
        ({"shift_id": 905, "check_in_position": "on_site"}, True),
        ({"shift_id": 905, "check_in_position": "outside"}, False),
        ({"shift_id": 906, "check_in_position": "on_site"}, False),
    ],
)
def test_a_check_in_must_record_the_members_shift_on_site(payload, ok):
    assert check_in_ok(payload, DATASET, Session(17, "+8615000000017")) is ok


def test_the_board_must_answer_about_a_hundred_shifts_of_that_community():
    assert board_ok([{"unit": {"id": 11}}] * 105, DATASET)
    assert not board_ok([{"unit": {"id": 11}}] * 20, DATASET)
    assert not board_ok([{"unit": {"id": 11}}] * 104 + [{"unit": {"id": 12}}], DATASET)


@pytest.mark.parametrize("name", ["open-shifts", "on-duty"])
def test_a_list_scenario_refuses_an_empty_answer(name):
    scenario = select([name])[0]
    assert not scenario.check([], Session(1, "+8615000000001"))
    assert scenario.check([{"id": 1}], Session(1, "+8615000000001"))


def test_a_pool_of_particular_people_gets_those_seeding_listed_and_leaves_the_random_pools_alone():
    pools = assign_members({"members": 20, "staff": 2, "on-shift": 2}, population=1000, dataset=DATASET)
    assert (pools["staff"], pools["on-shift"]) == ([2000, 2001], [17, 41])
    assert pools["members"] == assign_members({"members": 20}, population=1000)["members"]


def test_a_pool_of_particular_people_refuses_more_than_were_seeded():
    with pytest.raises(BenchError, match="on-shift wants 3 people but only 2 are seeded"):
        assign_members({"on-shift": 3}, population=1000, dataset=DATASET)


# Hazard reports at scale ---------------------------------------------------------------------

from bench.scenarios import REPORTS_MAP_ZOOM, reports_map_path  # noqa: E402
from bench.seed import REPORT_STATUS_MIX, report_statuses  # noqa: E402


def test_seeded_reports_follow_the_status_mix_and_are_the_same_every_run():
    statuses = report_statuses(10_000)
    assert len(statuses) == 10_000
    for status, share in REPORT_STATUS_MIX:
        assert statuses.count(status) == round(share * 10_000)
    assert statuses == report_statuses(10_000)
    assert len(set(statuses[:50])) > 3  # a queue page mixes them


def test_only_the_reports_scenarios_need_the_reports_seeded():
    assert {s.name for s in SCENARIOS if s.needs_reports} == {"reports-queue", "reports-map"}
    assert {s.sessions for s in SCENARIOS if s.needs_reports} == {"officers"}


def test_the_case_map_covers_the_seeded_cases_without_filters():
    path = reports_map_path({"reports_bbox": [116.44, 39.92, 116.48, 39.95]})
    assert path == f"/api/v1/reports/map?box=queue&bbox=116.44,39.92,116.48,39.95&zoom={REPORTS_MAP_ZOOM}"
