"""The performance benchmark (``make bench``; DESIGN.md section 5's budgets).

    python -m cor_portal.bench.run [--employers 10000] [--requests 100] [--duration 10]
                                   [--letters 1000] [--port 8105] [--out bench/results.md]

1. Uses the PostgreSQL database ``cor_bench`` (``COR_BENCH_DATABASE_URL``; made if missing),
   migrates it and runs ``seed_scale --employers N`` unless the database's comment says it
   was seeded with N already (the marker: ``COMMENT ON DATABASE``).
2. Counts the SQL queries of every page and of its admin changelist in process
   (``cor_portal.bench.queries``).
3. Times the daily sweep over all audits (``audits.sweep.enforce_deadlines`` for tomorrow:
   the seed ran tonight's; in a transaction rolled back afterwards, so the data stay as
   seeded).
4. Starts gunicorn with 2 workers on 127.0.0.1 with production settings over plain HTTP
   (``cor_portal.settings.bench``), signs in as staff, employer, auditor and board through the
   login page, then for each page: one user, ``--requests`` sequential requests after a
   warm-up (p50, p95); and ``wrk`` with 10 connections for ``--duration`` seconds
   (requests per second), for the page and for the admin changelist of the same model.
   The web workers' peak RSS (VmHWM) is sampled throughout.
5. With ``--letters N``, runs ``manage.py bench_letters`` (N letters on a real Celery
   worker) and samples the worker processes' peak RSS.
6. Prints the table and writes it, with the machine, to ``--out``.
"""

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent.parent
DEFAULT_DATABASE = "postgres://cor:cor@127.0.0.1:5432/cor_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/8"
WEB_RSS_BUDGET_MB, WORKER_RSS_BUDGET_MB, SWEEP_BUDGET_S = 200, 400, 5.0
LETTERS_BUDGET_S_PER_1000 = 90
ROLES = ("staff", "employer", "auditor", "board")


@dataclass
class Result:
    name: str
    path: str
    kind: str
    budget_ms: int
    query_budget: int | None = None  # None: reported, not capped (a role home)
    queries: int | None = None
    status: int | None = None
    p50: float | None = None
    p95: float | None = None
    rps: float | None = None
    errors: int = 0
    admin_path: str = ""
    admin_queries: int | None = None
    admin_rps: float | None = None
    admin_errors: int = 0
    notes: list[str] = field(default_factory=list)


def say(message: str) -> None:
    print(message, flush=True)


# The database and its marker ----------------------------------------------------------------


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            say(f"Creating database {name}...")
            conn.execute(f'CREATE DATABASE "{name}"')


def marker() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
            "WHERE datname = current_database()"
        )
        row = cursor.fetchone()
    return (row[0] if row else None) or ""


def set_marker(text: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        name = connection.settings_dict["NAME"]
        cursor.execute(f"COMMENT ON DATABASE {connection.ops.quote_name(name)} IS %s", [text])


def seed(employers: int) -> str:
    from django.core.management import call_command

    expected = f"seed_scale --employers {employers}"
    current = marker()
    if current.startswith(expected):
        say(f"Database already seeded ({current}).")
        return current
    say(f"Seeding: {expected} (this database was: {current or 'not seeded'})...")
    started = time.monotonic()
    call_command("seed_scale", employers=employers, reset=True)
    elapsed = time.monotonic() - started
    text = f"{expected} on {datetime.now():%Y-%m-%d} in {elapsed:.0f} s"
    set_marker(text)
    return text


# In-process measurements -----------------------------------------------------------------------


def count_queries(results: list[Result], pages: list) -> None:
    from .queries import probe

    for admin in (False, True):
        probes = probe(pages, admin=admin)
        for result in results:
            found = probes.get(result.name)
            if found is None:
                continue
            if admin:
                result.admin_queries = found.queries
                if found.status != 200:
                    result.notes.append(f"admin answered {found.status}")
            else:
                result.queries, result.status = found.queries, found.status


def time_sweep() -> tuple[float, int, str]:
    """Time the next night's sweep over every audit; roll its writes back.

    ``seed_scale`` ends with tonight's sweep, so a sweep for today finds what it did already
    on record; tomorrow's finds what falls due by then, as every night in use.
    """
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from audits.sweep import enforce_deadlines
    from cor_portal.lifecycle import today

    class RollbackError(Exception):
        pass

    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = enforce_deadlines(today=today() + timedelta(days=1))
            seconds = time.perf_counter() - started
            count = len(queries)
            raise RollbackError
    except RollbackError:
        pass
    summary = (
        f"{report.reminders} reminders, {report.overdue_notices} overdue notices, "
        f"{report.certificate_warnings} certificate warnings, "
        f"{report.maintenance_lapses + report.expiry_lapses} lapses"
    )
    return seconds, count, summary


# The server --------------------------------------------------------------------------------


class PeakRss:
    """Sample the peak resident memory (VmHWM) of a process tree's members every half second."""

    def __init__(self, root: int, match: Callable[[str], bool]) -> None:
        self.root, self.match = root, match
        self.peaks: dict[int, int] = {}
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.loop, daemon=True)
        self.thread.start()

    def loop(self) -> None:
        while not self.stopped.wait(0.5):
            self.sample()

    def sample(self) -> None:
        for pid in descendants(self.root):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_text().replace("\0", " ")
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            if not self.match(cmdline):
                continue
            found = re.search(r"VmHWM:\s+(\d+) kB", status)
            if found:
                self.peaks[pid] = max(self.peaks.get(pid, 0), int(found.group(1)))

    def stop(self) -> float:
        self.sample()
        self.stopped.set()
        self.thread.join()
        return max(self.peaks.values(), default=0) / 1024


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        try:
            tasks = Path(f"/proc/{current}/task").iterdir()
            children = [
                int(c) for t in tasks for c in (t / "children").read_text().split() if c.strip()
            ]
        except OSError:
            children = []
        found += children
        todo += children
    return found


def start_gunicorn(port: int, env: dict[str, str]) -> subprocess.Popen:
    gunicorn = BASE_DIR / ".venv" / "bin" / "gunicorn"
    command = [str(gunicorn)] if gunicorn.exists() else [sys.executable, "-m", "gunicorn"]
    command += [
        "cor_portal.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--timeout",
        "120",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=BASE_DIR, env=env, start_new_session=True)
    for _ in range(120):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn stopped while starting") from None
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer within 60 s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def cookies(response: http.client.HTTPResponse) -> dict[str, str]:
    jar = {}
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        jar[name.strip()] = rest.split(";", 1)[0]
    return jar


def sign_in(port: int, username: str, password: str) -> str:
    """Sign in through the login page; return the Cookie header of the session."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/accounts/login/")
    response = connection.getresponse()
    page = response.read().decode()
    jar = cookies(response)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if token is None:
        raise SystemExit("No CSRF token on the login page")
    body = urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    )
    connection.request(
        "POST",
        "/accounts/login/",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={jar['csrftoken']}",
        },
    )
    response = connection.getresponse()
    response.read()
    session = cookies(response).get("sessionid")
    if response.status != 302 or not session:
        raise SystemExit(f"Could not sign in as {username} (answer {response.status})")
    return f"sessionid={session}"


def sequential(port: int, path: str, cookie: str, requests: int) -> tuple[int, list[float], int]:
    """Request a page ``requests`` times on one keep-alive connection after five warm-ups."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    timings, errors, status = [], 0, 0
    for n in range(5 + requests):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        status = response.status
        if n >= 5:
            timings.append(elapsed)
            errors += response.status != 200
    connection.close()
    return status, timings, errors


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def wrk(port: int, path: str, cookie: str, duration: int) -> tuple[float, int]:
    """Return requests per second at 10 connections, and the answers that were not 2xx/3xx."""
    command = ["wrk", "-t2", "-c10", f"-d{duration}s", "--timeout", "30s"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = re.search(r"Requests/sec:\s+([0-9.]+)", output)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return (float(rps.group(1)) if rps else 0.0), (int(bad.group(1)) if bad else 0)


# Letters ---------------------------------------------------------------------------------


def letters(count: int, database: str, broker: str) -> tuple[str, float]:
    """Run ``bench_letters`` in its own database; return its report and the worker's peak RSS."""
    parts = urlsplit(database)
    letters_db = parts._replace(path=parts.path + "_letters").geturl()
    ensure_database(letters_db)
    env = {
        **os.environ,
        "DATABASE_URL": letters_db,
        "CELERY_BROKER_URL": broker,
        "DJANGO_SETTINGS_MODULE": "cor_portal.settings.local",
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "bench_letters", "--letters", str(count)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    rss = PeakRss(process.pid, lambda cmd: "celery" in cmd and "worker" in cmd)
    output, _ = process.communicate()
    peak = rss.stop()
    lines = [line for line in output.splitlines() if "letters" in line.lower()]
    return "\n".join(lines[-3:]) or output[-500:], peak


# Report ----------------------------------------------------------------------------------


def machine() -> str:
    cpu = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text())
    gib = int(memory.group(1)) / 1024 / 1024 if memory else 0
    load = Path("/proc/loadavg").read_text().split()[:3]
    return f"{os.cpu_count()} cores, {cpu}, {gib:.0f} GiB RAM; load average {' '.join(load)}"


def fmt(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def verdict(result: Result) -> str:
    misses = []
    if result.status != 200:
        misses.append(f"answered {result.status}")
    budget = result.query_budget
    if result.queries is not None and budget is not None and result.queries > budget:
        misses.append("queries")
    if result.p95 is not None and result.p95 > result.budget_ms:
        misses.append(f"p95 > {result.budget_ms} ms")
    if result.admin_rps is not None and result.rps is not None and result.rps < result.admin_rps:
        misses.append("rps < admin")
    if result.errors or result.admin_errors:
        misses.append("errors under load")
    return "ok" if not misses else "MISS: " + ", ".join(misses)


def table(results: list[Result]) -> str:
    lines = [
        "| page | path | queries | p50 ms | p95 ms | budget p95 | rps@10 | admin rps@10 "
        "| admin queries | verdict |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | `{r.path}` | {fmt(r.queries)} | {fmt(r.p50, 1)} | {fmt(r.p95, 1)} "
            f"| {r.budget_ms} | {fmt(r.rps, 1)} | {fmt(r.admin_rps, 1)} "
            f"| {fmt(r.admin_queries)} | {verdict(r)} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employers", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=100, help="sequential, one user")
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page")
    parser.add_argument("--letters", type=int, default=0, help="run bench_letters with N")
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    parser.add_argument("--out", default=str(BASE_DIR / "bench" / "results.md"))
    parser.add_argument("--password", default="cor-demo-2026")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")

    database = os.environ.get("COR_BENCH_DATABASE_URL", DEFAULT_DATABASE)
    broker = os.environ.get("COR_BENCH_BROKER_URL", DEFAULT_BROKER)
    os.environ["DATABASE_URL"] = database
    os.environ["DJANGO_SETTINGS_MODULE"] = "cor_portal.settings.bench"
    os.environ.pop("CELERY_BROKER_URL", None)  # the pages' tasks run in process, as in tests
    ensure_database(database)

    import django

    django.setup()
    from django.core.management import call_command

    from .pages import PAGES, QUERY_BUDGET

    started = datetime.now()
    host = machine()
    call_command("migrate", verbosity=0, interactive=False)
    seeded = seed(args.employers)
    call_command("collectstatic", verbosity=0, interactive=False)
    pages = [p for p in PAGES if args.only.lower() in p.name.lower()]
    results = [
        Result(p.name, p.path, p.kind, p.budget_ms, p.query_budget, admin_path=p.admin)
        for p in pages
    ]
    say("Counting queries in process...")
    count_queries(results, pages)
    say("Timing the daily sweep...")
    sweep_s, sweep_queries, sweep_summary = time_sweep()
    say(f"  sweep: {sweep_s:.2f} s, {sweep_queries} queries ({sweep_summary})")

    from django.db import connections

    connections.close_all()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    server = start_gunicorn(args.port, env)
    web_rss = PeakRss(server.pid, lambda cmd: "gunicorn" in cmd)
    try:
        sessions = {role: sign_in(args.port, role, args.password) for role in ROLES}
        sessions[""] = ""
        for page, result in zip(pages, results, strict=True):
            cookie = sessions[page.role]
            status, timings, errors = sequential(args.port, page.path, cookie, args.requests)
            result.status = status if result.status is None else result.status
            result.p50 = statistics.median(timings)
            result.p95 = percentile(timings, 0.95)
            result.errors = errors
            result.rps, bad = wrk(args.port, page.path, cookie, args.duration)
            result.errors += bad
            if page.admin:
                result.admin_rps, result.admin_errors = wrk(
                    args.port, page.admin, sessions["staff"], args.duration
                )
            say(
                f"  {page.name:<28} q={fmt(result.queries):>3} p50={fmt(result.p50, 1):>7} "
                f"p95={fmt(result.p95, 1):>7} rps={fmt(result.rps, 1):>6} "
                f"admin rps={fmt(result.admin_rps, 1):>6}  {verdict(result)}"
            )
    finally:
        web_peak = web_rss.stop()
        stop(server)
    letters_report, worker_peak = "", 0.0
    if args.letters:
        say(f"Issuing {args.letters} letters on a Celery worker (bench_letters)...")
        letters_report, worker_peak = letters(args.letters, database, broker)
        say(letters_report)

    rendered = table(results)
    misses = [r for r in results if verdict(r) != "ok"]
    summary = [
        f"- Machine: {host} (at the start); load average at the end: "
        f"{' '.join(Path('/proc/loadavg').read_text().split()[:3])}",
        f"- Data: {seeded}; run {started:%Y-%m-%d %H:%M}, {args.requests} sequential requests "
        f"per page after 5 warm-ups, then `wrk -t2 -c10 -d{args.duration}s`; gunicorn with 2 "
        f"sync workers, `cor_portal.settings.bench` (production settings over loopback HTTP).",
        f"- Daily sweep over all audits: **{sweep_s:.2f} s** (budget {SWEEP_BUDGET_S:.0f} s), "
        f"{sweep_queries} queries; {sweep_summary}.",
        f"- Peak RSS of a gunicorn web worker: **{web_peak:.0f} MB** "
        f"(budget {WEB_RSS_BUDGET_MB} MB).",
    ]
    if args.letters:
        summary.append(
            f"- Celery worker peak RSS while issuing {args.letters} letters: "
            f"**{worker_peak:.0f} MB** (budget {WORKER_RSS_BUDGET_MB} MB); "
            + letters_report.replace("\n", "; ")
        )
    summary.append(
        f"- Pages within every budget: {len(results) - len(misses)} of {len(results)}; "
        f"query budget {QUERY_BUDGET} per list, API list and the dashboard (a role home's "
        "count is reported, not capped: it is not a list)."
    )
    document = "\n".join(
        [
            "# Benchmark results",
            "",
            "Written by `make bench` (`python -m cor_portal.bench.run`); see the README's "
            "Performance section.",
            "",
            *summary,
            "",
            rendered,
            "",
        ]
    )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(document)
    raw = out.parent / "results" / "latest.json"  # the raw numbers, not committed
    raw.parent.mkdir(parents=True, exist_ok=True)
    raw.write_text(json.dumps([r.__dict__ for r in results], indent=1, default=str))
    say("")
    say("\n".join(summary))
    say(rendered)
    say(f"Written to {out}")


if __name__ == "__main__":
    main()
