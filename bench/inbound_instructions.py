"""Benchmark: CPU instructions the web process spends per inbound webhook, counted by
valgrind's callgrind, so that a change to capture can be judged on a shared or noisy
machine where milliseconds move by a third from one run to the next.

Runs Django's WSGI application in this process (no HTTP server, no client threads)
against the given PostgreSQL database and broker, posts Postmark-format inbound
webhooks (the same payloads as ``bench/inbound_webhooks.py``), and counts the
instructions of the posts only (warm-up and start-up excluded): first N new emails,
each a capture, then the same N again, each a replay. The count is the same from run to
run to within about 0.1%; milliseconds follow from it by the machine's speed, which
``bench/inbound_webhooks.py`` measures.

    /work/main/.venv/bin/python bench/inbound_instructions.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_inbound \\
        --broker-url redis://127.0.0.1:6379/12 --posts 50 [--project floor]

``--project floor`` counts the bare receiver under ``bench/floor/`` instead (a minimal
Django project, the same anymail and parsing policy, one INSERT per email), with the same
payloads, so the product's cost reads as a multiple of what any receiver must spend.

Needs Debian's ``valgrind`` (``apt-get install valgrind``); takes about a minute.
"""

import argparse
import base64
import io
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR / "bench"))
sys.path.insert(0, str(BASE_DIR))

from inbound_webhooks import SECRET, environment, payload  # noqa: E402 (the same bench)

WARMUP = 30


def callgrind(command: str, pid: int) -> None:
    """Tell callgrind, which runs this process, to start/stop counting or dump counts."""
    subprocess.run(["callgrind_control", command, str(pid)], check=True, capture_output=True)


def posts_run(count: int) -> None:
    """Under callgrind: post WARMUP emails uncounted, then ``count`` new emails (dumped
    as the first count), then the same emails again (the second count)."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()
    auth = "Basic " + base64.b64encode(SECRET.encode()).decode()

    def post(body: bytes) -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/anymail/postmark/inbound/",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_AUTHORIZATION": auth,
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        response = application(environ, lambda status, headers, *_: statuses.append(status))
        b"".join(response)
        response.close()
        if not statuses[0].startswith("200"):
            raise SystemExit(f"FAILED: the webhook answered {statuses[0]}")

    run = uuid.uuid4().hex[:8]
    for n in range(WARMUP):
        post(payload(f"warm{run}", n))
    bodies = [payload(run, n) for n in range(count)]
    pid = os.getpid()
    callgrind("--instr=on", pid)
    for body in bodies:
        post(body)
    callgrind("--dump=captures", pid)
    for body in bodies:
        post(body)
    callgrind("--dump=replays", pid)
    callgrind("--instr=off", pid)


def totals(folder: Path) -> list[int]:
    """The instruction totals of callgrind's dumps, in the order they were taken."""
    dumps = sorted(folder.glob("callgrind.out.*.[0-9]*"), key=lambda p: int(p.suffix[1:]))
    found = []
    for dump in dumps:
        match = re.search(r"^(?:totals|summary): (\d+)", dump.read_text(), re.MULTILINE)
        found.append(int(match.group(1)) if match else 0)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/bench_inbound"
    )
    parser.add_argument("--broker-url", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--posts", type=int, default=50, help="new emails, then as many replays")
    parser.add_argument(
        "--project",
        choices=["product", "floor"],
        default="product",
        help="Leadtrack, or the bare receiver under bench/floor/",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        posts_run(args.posts)
        return
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")

    env = {
        **environment(database_url=args.database_url, broker_url=args.broker_url),
        "DJANGO_SETTINGS_MODULE": "leadtrack.settings",
    }
    migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    if args.project == "floor":
        env["DJANGO_SETTINGS_MODULE"] = "floor.settings"
        env["PYTHONPATH"] = os.pathsep.join([str(BASE_DIR / "bench"), str(BASE_DIR)])
        migrate = [sys.executable, "-m", "django", "migrate", "--run-syncdb", "--noinput", "-v0"]
    subprocess.run(migrate, cwd=BASE_DIR, env=env, check=True)
    with tempfile.TemporaryDirectory() as folder:
        command = [
            "valgrind", "--tool=callgrind", "--instr-atstart=no",
            f"--callgrind-out-file={folder}/callgrind.out.%p",
            sys.executable, __file__, "--child", "--posts", str(args.posts),
            "--project", args.project,
            "--database-url", args.database_url, "--broker-url", args.broker_url,
        ]  # fmt: skip
        done = subprocess.run(command, cwd=BASE_DIR, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stderr[-3000:])
            raise SystemExit(f"FAILED: the counted run exited with {done.returncode}")
        counted = totals(Path(folder))
    if len(counted) < 2:
        raise SystemExit(f"FAILED: expected two callgrind dumps, found {len(counted)}")
    captures, replays = counted[0], counted[1]
    print(f"project: {args.project}")
    print(f"posts: {args.posts} new emails, then the same {args.posts} again (replays)")
    print(f"instructions per capture: {captures / args.posts / 1e6:.2f} million")
    print(f"instructions per replay:  {replays / args.posts / 1e6:.2f} million")


if __name__ == "__main__":
    main()
