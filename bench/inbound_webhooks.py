"""Benchmark: inbound email webhooks against a running web process on PostgreSQL.

Starts one gunicorn web process (gthread) on 127.0.0.1 against the given PostgreSQL
database and broker (no Celery worker: the pipeline is only enqueued, never run in the
request), posts Postmark-format inbound webhooks (raw MIME, basic auth) from a bounded
pool of client threads, a share of them replays of emails already sent, and reports
the webhook answer time p50/p95/p99 and webhooks (and emails stored) per second. Since
issue 19 the webhook stores the email and a worker makes the lead; no worker runs here,
so what is measured is the web process alone.

    /work/main/.venv/bin/python bench/inbound_webhooks.py \\
        --database-url postgres://postgres@127.0.0.1:5432/wt_capture_email \\
        --broker-url redis://127.0.0.1:6379/12 --emails 1000 --replays 250 --clients 4

``--pin 1`` runs the web process alone on core 1 and everything else (this client,
PostgreSQL, Redis) on the other cores, as when the database has a machine of its own;
``--workers 2`` measures two processes.

``--machine-rounds N`` (default 2) mixes in the real-mail corpus of
``tests/leads/data/machine-mail/`` (bounces, delays, an abuse report, auto-replies from
many MTAs) N times over, each copy given a Message-ID of its own, posted in random order
among the enquiries; the run then checks that none of them became a lead or queued an
email, and reports their answer times apart.
"""

import argparse
import base64
import http.client
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.utils import format_datetime, parseaddr
from pathlib import Path

import psycopg
import redis
import requests

BASE_DIR = Path(__file__).resolve().parents[1]
MACHINE_MAIL = BASE_DIR / "tests" / "leads" / "data" / "machine-mail"
HEADER_MESSAGE_ID = re.compile(r"(?im)^message-id:[^\n]*\n(?:[ \t][^\n]*\n)*")
SECRET = "bench:inbound-secret"  # noqa: S105 (the bench server's own webhook secret)

TEMPLATE = """Received: by mx.postmarkapp.com with SMTP id {n}so1;
        {date}
MIME-Version: 1.0
From: Bench Enquirer {n} <enquirer{n}.{run}@example.com>
Date: {date}
Message-ID: <bench-{run}-{n}@mail.example.com>
Subject: Advice needed on a commercial lease ({n})
To: enquiries@ashdownmarsh.example
Content-Type: multipart/alternative; boundary="b{n}"

--b{n}
Content-Type: text/plain; charset="UTF-8"

Dear Sir or Madam,

Our lease ends in June and the landlord proposes a rent increase. Could someone
advise us before we reply? We are a company of 40 people in Croydon.

Kind regards,
Bench Enquirer {n}

--b{n}
Content-Type: text/html; charset="UTF-8"

<p>Dear Sir or Madam,</p><p>Our lease ends in June and the landlord proposes a rent
increase. Could someone advise us?</p><p>Kind regards,<br>Bench Enquirer {n}</p>

--b{n}--
"""


def payload(run: str, n: int) -> bytes:
    date = format_datetime(_now())
    mime = TEMPLATE.format(run=run, n=n, date=date)
    return json.dumps(
        {
            "From": f"enquirer{n}.{run}@example.com",
            "FromFull": {"Email": f"enquirer{n}.{run}@example.com", "Name": f"Bench {n}"},
            "To": "enquiries@ashdownmarsh.example",
            "ToFull": [{"Email": "enquiries@ashdownmarsh.example", "Name": ""}],
            "Subject": f"Advice needed on a commercial lease ({n})",
            "MessageID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"{run}-{n}")),
            "OriginalRecipient": "enquiries@ashdownmarsh.example",
            "Headers": [{"Name": "Return-Path", "Value": "<bounce@example.com>"}],
            "TextBody": "Dear Sir or Madam, ...",
            "HtmlBody": "",
            "RawEmail": mime,
            "Attachments": [],
        }
    ).encode()


def machine_payload(run: str, n: int, mime: str) -> bytes:
    """Postmark's inbound JSON for one real machine message, with a Message-ID of this
    run's own (the original's dropped from the top-level headers only)."""
    head, sep, body = mime.partition("\n\n")
    head = HEADER_MESSAGE_ID.sub("", head + "\n").rstrip("\n")
    # Last in the header block: some samples start with an mbox "From " line.
    mime = f"{head}\nMessage-ID: <bench-machine-{run}-{n}@bench.example>{sep}{body}"
    match = re.search(r"(?im)^from:[ \t]*([^\n]*)", head)
    name, address = parseaddr(match.group(1) if match else "")
    subject = re.search(r"(?im)^subject:[ \t]*([^\n]*)", head)
    return json.dumps(
        {
            "From": address,
            "FromFull": {"Email": address, "Name": name},
            "To": "enquiries@ashdownmarsh.example",
            "ToFull": [{"Email": "enquiries@ashdownmarsh.example", "Name": ""}],
            "Subject": subject.group(1) if subject else "",
            "MessageID": str(uuid.uuid5(uuid.NAMESPACE_URL, f"machine-{run}-{n}")),
            "OriginalRecipient": "enquiries@ashdownmarsh.example",
            "Headers": [],
            "TextBody": "",
            "HtmlBody": "",
            "RawEmail": mime,
            "Attachments": [],
        }
    ).encode()


def machine_corpus() -> list[str]:
    return [
        path.read_bytes().decode("utf-8", errors="replace")
        for path in sorted(MACHINE_MAIL.rglob("*.eml"))
    ]


def environment(*, database_url: str, broker_url: str) -> dict[str, str]:
    """The server's settings for a benchmark: production-like (no debug), the given
    database and broker, the pipeline only enqueued, this benchmark's webhook secret."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "SECRET_KEY": "bench-secret-key-not-for-production",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "ANYMAIL_WEBHOOK_SECRET": SECRET,
        "LEADTRACK_TRACKING_ADDRESS": "enquiries@ashdownmarsh.example",
        "LEADTRACK_VAR_DIR": str(BASE_DIR / "var" / "bench"),
        "LOG_LEVEL": "WARNING",
    }


def _now():
    from datetime import UTC, datetime

    return datetime.now(UTC)


def server_start(args, env, *, base_dir=BASE_DIR, port=None, log_name="bench-gunicorn.log"):
    """One gunicorn web process as production runs it, started from base_dir's code."""
    port = port or args.port
    command = [
        sys.executable, "-m", "gunicorn", "leadtrack.wsgi",
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", "gthread",
        "--threads", str(args.threads),
        "--log-level", "warning",
    ]  # fmt: skip
    (BASE_DIR / "var").mkdir(exist_ok=True)
    log = (BASE_DIR / "var" / log_name).open("w")
    web_cores = {args.pin} if args.pin is not None else None
    process = subprocess.Popen(
        command, cwd=base_dir, env=env, stdout=log, stderr=log,
        preexec_fn=(lambda: os.sched_setaffinity(0, web_cores)) if web_cores else None,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/", timeout=10).ok:
                return process
        except requests.RequestException:
            pass  # not listening yet: try again until the deadline
        time.sleep(0.2)
    process.terminate()
    raise SystemExit(f"gunicorn did not become healthy within 60 s (see var/{log_name})")


def others_pin(web_core: int) -> dict[int, set[int]]:
    """Keep everything else this benchmark measures with (itself, PostgreSQL, Redis) off
    the web process's core, as when the database runs on its own machine; returns the
    affinities to put back."""
    everything = os.sched_getaffinity(0)
    others = everything - {web_core}
    if not others:
        raise SystemExit("--pin needs at least two cores")
    previous = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
        except OSError:
            continue
        if name.startswith(("postgres", "redis-server")):
            pid = int(entry.name)
            try:
                previous[pid] = os.sched_getaffinity(pid)
                os.sched_setaffinity(pid, others)
            except OSError:  # not ours to move: measured unpinned, said so below
                print(f"note: could not move {name} (pid {pid}) off core {web_core}")
    os.sched_setaffinity(0, others)
    return previous


def others_unpin(previous: dict[int, set[int]]) -> None:
    for pid, cores in previous.items():
        try:
            os.sched_setaffinity(pid, cores)
        except OSError:
            pass  # the process has ended


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children so far (Linux /proc)."""
    total = 0.0
    for task in [pid, *children(pid)]:
        fields = Path(f"/proc/{task}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def postgres_cpu_seconds() -> float | None:
    """CPU time of every PostgreSQL server process so far, if this user can read them."""
    total, found = 0.0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if not (entry / "comm").read_text().startswith("postgres"):
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        found = True
    return total if found else None


# ---------------------------------------------------------------------------
# --compare: old code and new, one web process each, alternately, load from wrk
# ---------------------------------------------------------------------------

LUA_SCRIPT = BASE_DIR / "bench" / "inbound_webhooks.lua"


def wrk_template(path: Path) -> None:
    """The Postmark payload with "@@N@@" where each email's key goes (see the Lua script)."""
    body = payload("RUN", 0).decode()
    body = body.replace(str(uuid.uuid5(uuid.NAMESPACE_URL, "RUN-0")), "bench-@@N@@")
    body = body.replace("bench-RUN-0@", "bench-@@N@@@").replace("enquirer0.RUN@", "e@@N@@@")
    path.write_text(body)


def wrk_pass(args, port: int, run: str, template: Path) -> dict[str, int]:
    """One timed wrk pass against the web process on port; wrk's own figures."""
    env = {
        **os.environ,
        "BENCH_TEMPLATE": str(template),
        "BENCH_RUN": run,
        "BENCH_REPLAY_EVERY": str(args.replay_every),
        "BENCH_AUTH": "Basic " + base64.b64encode(SECRET.encode()).decode(),
    }
    command = [
        "wrk", "-t1", f"-c{args.clients}", f"-d{args.duration}s", "--timeout", "10s",
        "-s", str(LUA_SCRIPT), f"http://127.0.0.1:{port}/anymail/postmark/inbound/",
    ]  # fmt: skip
    if args.wrk_core is not None:
        command = ["taskset", "-c", str(args.wrk_core), *command]
    output = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    return {key: int(value) for key, value in (item.split("=") for item in line.split()[1:])}


def stored_counts(database_url: str, run: str) -> tuple[int, int]:
    """Rows stored by one pass and their distinct Message-IDs (equal: no duplicates)."""
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
        return db.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM leads_inboundmessage "
            "WHERE message_id LIKE %s",
            (f"<bench-{run}-%",),
        ).fetchone()


def compare(args) -> None:
    """Old code and new alternately, ROUNDS times, each pass DURATION seconds of wrk."""
    if not shutil.which("wrk"):
        raise SystemExit("--compare needs wrk (Debian: apt-get install wrk)")
    old_dir = Path(args.compare).resolve()
    sides = {
        "old": (old_dir, args.old_database_url, args.old_broker_url, args.port + 1),
        "new": (BASE_DIR, args.database_url, args.broker_url, args.port),
    }
    servers = {}
    template = Path(tempfile.mkdtemp(prefix="leadtrack-wrk-")) / "payload.json"
    wrk_template(template)
    results: dict[str, list[dict]] = {"old": [], "new": []}
    try:
        for name, (base_dir, database_url, broker_url, port) in sides.items():
            env = environment(database_url=database_url, broker_url=broker_url)
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=base_dir,
                env=env, check=True,
            )  # fmt: skip
            redis.Redis.from_url(broker_url).flushdb()
            servers[name] = server_start(
                args, env, base_dir=base_dir, port=port, log_name=f"bench-gunicorn-{name}.log"
            )
        tag = uuid.uuid4().hex[:6]
        for name, (_, _, _, port) in sides.items():  # warm both: imports, connections
            saved, args.duration = args.duration, 3
            wrk_pass(args, port, f"warm{tag}{name}", template)
            args.duration = saved
        for round_ in range(1, args.rounds + 1):
            order = ("old", "new") if round_ % 2 else ("new", "old")
            for name in order:
                _, database_url, broker_url, port = sides[name]
                run = f"{tag}{name}{round_}"
                cpu = cpu_seconds(servers[name].pid)
                load = os.getloadavg()[0]
                figures = wrk_pass(args, port, run, template)
                figures["cpu_ms"] = cpu_seconds(servers[name].pid) - cpu
                figures["load"] = load
                figures["stored"], figures["unique"] = stored_counts(database_url, run)
                results[name].append(figures)
                report_pass(name, round_, figures)
                redis.Redis.from_url(broker_url).flushdb()  # no worker runs: keep it small
    finally:
        for server in servers.values():
            server.terminate()
        for server in servers.values():
            server.wait(timeout=20)
    summary(results, args)


def report_pass(name: str, round_: int, figures: dict) -> None:
    seconds = figures["duration_us"] / 1e6
    rate = figures["requests"] / seconds
    print(
        f"round {round_} {name}: {rate:.0f} webhooks/s, p50 {figures['p50_us'] / 1000:.1f} ms, "
        f"p95 {figures['p95_us'] / 1000:.1f} ms, p99 {figures['p99_us'] / 1000:.1f} ms, "
        f"web CPU {figures['cpu_ms'] * 1000 / max(figures['requests'], 1):.2f} ms per webhook, "
        f"non-2xx {figures['non2xx']}, socket errors {figures['socket_errors']}, "
        f"stored {figures['stored']} of {figures['distinct']} distinct sent, "
        f"load average {figures['load']:.2f}",
        flush=True,
    )


def summary(results: dict[str, list[dict]], args) -> None:
    def rate(figures):
        return figures["requests"] / (figures["duration_us"] / 1e6)

    old = [rate(figures) for figures in results["old"]]
    new = [rate(figures) for figures in results["new"]]
    # Each new pass against the old pass of its round (they ran next to each other).
    ratios = [n / o for n, o in zip(new, old, strict=True)]
    p95 = {name: [f["p95_us"] / 1000 for f in passes] for name, passes in results.items()}
    loads = [f["load"] for passes in results.values() for f in passes]
    print(
        f"\n{args.rounds} rounds of {args.duration} s each side, {args.clients} connections, "
        f"every {args.replay_every}th post a repeat; load average {min(loads):.1f}-{max(loads):.1f}"
    )
    print(
        f"old: median {statistics.median(old):.0f} webhooks/s, "
        f"median p95 {statistics.median(p95['old']):.1f} ms"
    )
    print(
        f"new: median {statistics.median(new):.0f} webhooks/s, "
        f"median p95 {statistics.median(p95['new']):.1f} ms"
    )
    print(
        "new / old per round: "
        + ", ".join(f"{ratio:.2f}" for ratio in ratios)
        + f"; median {statistics.median(ratios):.2f}"
    )
    failed = [
        (name, f)
        for name, passes in results.items()
        for f in passes
        if f["non2xx"]
        or f["socket_errors"]
        or f["stored"] != f["unique"]
        # wrk builds a connection's next request before the pass ends and may never send
        # it: up to two a connection can be counted as sent and not have arrived.
        or not f["distinct"] - 2 * args.clients <= f["stored"] <= f["distinct"]
    ]
    if failed:
        raise SystemExit(f"FAILED: errors, duplicates or losses in {len(failed)} pass(es)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/wt_capture_email"
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--emails", type=int, default=2000, help="distinct emails to post")
    parser.add_argument("--replays", type=int, default=500, help="repeat deliveries")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads")
    parser.add_argument(
        "--workers", type=int, default=1, help="gunicorn processes (the target is for one)"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--pin",
        type=int,
        metavar="CORE",
        help="run the web process on this core alone, the client, PostgreSQL and Redis on "
        "the others (as when the database has its own machine)",
    )
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument(
        "--machine-rounds",
        type=int,
        default=2,
        help="times the real machine-mail corpus is mixed in (0: enquiries only)",
    )
    parser.add_argument(
        "--compare",
        metavar="OLD_DIR",
        help="old code exported here (git archive): old and new alternately, load from wrk",
    )
    parser.add_argument("--old-database-url", default="postgres://postgres@127.0.0.1:5432/wt_old")
    parser.add_argument("--old-broker-url", default="redis://127.0.0.1:6379/13")
    parser.add_argument("--rounds", type=int, default=5, help="--compare: alternations")
    parser.add_argument("--duration", type=int, default=15, help="--compare: seconds a pass")
    parser.add_argument("--replay-every", type=int, default=5, help="--compare: every Nth a repeat")
    parser.add_argument("--wrk-core", type=int, help="--compare: run wrk on this core only")
    args = parser.parse_args()
    if args.compare:
        compare(args)
        return

    env = environment(database_url=args.database_url, broker_url=args.broker_url)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=BASE_DIR, env=env,
        check=True,
    )  # fmt: skip
    pinned = others_pin(args.pin) if args.pin is not None else {}
    server = server_start(args, env)
    run = uuid.uuid4().hex[:8]
    path = "/anymail/postmark/inbound/"
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()
    local = threading.local()

    def post(body: bytes) -> tuple[float, int]:
        # http.client on a kept-alive connection per client thread: the client shares the
        # machine with the server and PostgreSQL, so it should cost as little CPU as it can.
        connection = getattr(local, "connection", None)
        if connection is None:
            connection = local.connection = http.client.HTTPConnection(
                "127.0.0.1", args.port, timeout=30
            )
        headers = {"Content-Type": "application/json", "Authorization": auth}
        started = time.perf_counter()
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return (time.perf_counter() - started) * 1000, response.status

    try:
        with ThreadPoolExecutor(max_workers=args.clients) as pool:
            list(pool.map(post, [payload(f"warm{run}", n) for n in range(args.warmup)]))
            bodies = [payload(run, n) for n in range(args.emails)]
            jobs = list(bodies)
            rng = random.Random(42)
            for _ in range(args.replays):  # a replay arrives after its original
                jobs.insert(
                    rng.randint(len(jobs) // 2, len(jobs)), rng.choice(bodies[: len(jobs) // 2])
                )
            corpus = machine_corpus()
            machine_bodies = [
                machine_payload(run, round_ * len(corpus) + i, mime)
                for round_ in range(args.machine_rounds)
                for i, mime in enumerate(corpus)
            ]
            for body in machine_bodies:  # mixed in among the enquiries
                jobs.insert(rng.randint(0, len(jobs)), body)
            machine_set = {id(body) for body in machine_bodies}
            outbound_before = outbound_count(args.database_url)
            server_cpu, database_cpu = cpu_seconds(server.pid), postgres_cpu_seconds()
            started = time.perf_counter()
            results = list(pool.map(post, jobs))
            elapsed = time.perf_counter() - started
            server_cpu = cpu_seconds(server.pid) - server_cpu
            if database_cpu is not None:
                database_cpu = postgres_cpu_seconds() - database_cpu
    finally:
        server.terminate()
        server.wait(timeout=20)
        others_unpin(pinned)

    machine_latencies = sorted(
        ms for job, (ms, _) in zip(jobs, results, strict=True) if id(job) in machine_set
    )
    latencies = sorted(ms for ms, _ in results)
    statuses: dict[int, int] = {}
    for _, status in results:
        statuses[status] = statuses.get(status, 0) + 1
    with psycopg.connect(args.database_url.replace("postgres://", "postgresql://", 1)) as db:
        stored, leads = db.execute(
            "SELECT count(*), count(lead_id) FROM leads_inboundmessage WHERE message_id LIKE %s",
            (f"<bench-{run}-%",),
        ).fetchone()
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"posts: {len(jobs)} ({args.emails} distinct emails, {args.replays} replays, "
        f"{len(machine_bodies)} machine messages), "
        f"{args.clients} client threads, gunicorn {args.workers} process(es) x {args.threads} "
        "threads" + (f", web pinned to core {args.pin}" if args.pin is not None else "")
    )
    print(f"answers: {statuses}")
    print(
        f"answer time ms: p50 {quantiles[49]:.1f}  p95 {quantiles[94]:.1f}  "
        f"p99 {quantiles[98]:.1f}  max {latencies[-1]:.1f}"
    )
    print(
        f"wall time {elapsed:.1f} s: {len(jobs) / elapsed:.0f} webhooks/s, "
        f"{stored / elapsed:.0f} emails stored/s"
    )
    print(
        f"web process CPU: {server_cpu * 1000 / len(jobs):.1f} ms per webhook "
        f"({server_cpu / elapsed:.0%} of one core in all)"
        + (
            f"; PostgreSQL CPU: {database_cpu * 1000 / len(jobs):.1f} ms per webhook"
            if database_cpu is not None
            else ""
        )
    )
    # The webhook stores the email; a worker makes the lead (none runs here: the leads
    # made in the request, by code before issue 19, are counted when there are any).
    print(f"database: {stored} emails stored (expected {args.emails}), {leads} leads made")
    if stored != args.emails or leads not in (0, args.emails):
        raise SystemExit("FAILED: replays created duplicates or emails were lost")
    if machine_bodies:
        machine_report(args, run, machine_bodies, machine_latencies, outbound_before)


def outbound_count(database_url: str) -> int:
    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as db:
        return db.execute("SELECT count(*) FROM leads_outboundemail").fetchone()[0]


def machine_report(args, run, machine_bodies, latencies, outbound_before) -> None:
    """The machine messages of this run: answered, stored by kind, none a lead, no email
    queued by the run (the enquiries' pipelines are only enqueued: no worker runs)."""
    with psycopg.connect(args.database_url.replace("postgres://", "postgresql://", 1)) as db:
        rows = db.execute(
            "SELECT kind, count(*), count(lead_id) FROM leads_inboundmessage "
            "WHERE message_id LIKE %s GROUP BY kind ORDER BY kind",
            (f"<bench-machine-{run}-%",),
        ).fetchall()
    outbound_after = outbound_count(args.database_url)
    stored = sum(count for _, count, _ in rows)
    leads = sum(linked for _, _, linked in rows)
    kinds = ", ".join(f"{kind} {count}" for kind, count, _ in rows)
    quantiles = statistics.quantiles(latencies, n=100)
    print(
        f"machine mail: {len(machine_bodies)} posts ({args.machine_rounds} x the corpus), "
        f"answer time ms p50 {quantiles[49]:.1f}  p95 {quantiles[94]:.1f}  "
        f"max {latencies[-1]:.1f}"
    )
    print(f"machine mail stored: {stored} ({kinds}); leads: {leads}")
    print(f"emails queued during the run: {outbound_after - outbound_before}")
    machine_kinds = {"auto_reply", "bounce", "delivery_report", "feedback_report", "challenge",
                     "mailing_list"}  # fmt: skip
    if (
        stored != len(machine_bodies)
        or leads
        or outbound_after != outbound_before
        or any(kind not in machine_kinds for kind, _, _ in rows)
    ):
        raise SystemExit("FAILED: machine mail was lost, became a lead, or was mailed")


if __name__ == "__main__":
    main()
