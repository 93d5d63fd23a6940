"""Provincial-scale benchmark: govinspect (one process, `--workers 2`, two Celery workers) against a
plain Scrapy spider that only follows links (the ceiling of this stack) and LinkChecker, on one
generated corpus of government-style sites served by nginx on loopback.

    .venv/bin/python bench/scale_bench.py [--sites 49] [--pages 300] [--out /tmp/gi-scale]
        [--tools gi1,gi2,celery2,scrapy,linkchecker] [--profile-sites 10] [--json FILE]

Per tool: wall time, pages, URLs checked, pages/s, URLs/s, CPU seconds (the whole process tree),
peak RSS (summed over the tree, and of its largest process) and, for govinspect, the database's
size and the bytes written to disk. Then the ratios the issue sets targets for, a JSON file, and
the top functions (cumulative time) of a profiled one-process govinspect run.

The corpus comes from tests/fixtures/bench/gen_sites.py (sites on 127.0.1.N:8080, "external" hosts on
127.0.2.1-2, a refused port on 127.0.2.3, slow and over-timeout links behind a small Python
server). nginx is installed with apt-get when missing (as root), else the run stops saying so;
LinkChecker is installed with pip into a venv of its own under --out when missing, and skipped
if that fails; the Celery run is skipped when Redis does not answer at GOVINSPECT_BROKER (default
redis://127.0.0.1:6379/0). Nothing leaves the machine: every address is loopback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import pstats
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(__file__).resolve().parent / "corpus"
GENERATOR = ROOT / "tests" / "fixtures" / "bench" / "gen_sites.py"  # vendored, see its PROVENANCE.txt
PY = sys.executable
TOOLS = ("gi1", "gi2", "celery2", "scrapy", "linkchecker")
BROKER = os.environ.get("GOVINSPECT_BROKER", "redis://127.0.0.1:6379/0")


# --- corpus and servers ---------------------------------------------------------------------

def slow_port(port: int) -> int:
    """The slow server's port beside the corpus's (8080 -> 8099, as the generator's defaults)."""
    return port + 19


def generate(out: Path, sites: int, pages: int, port: int = 8080, extra: list[str] | None = None) -> dict[str, Any]:
    data = out / "data"
    if not (data / "ground_truth.json").exists():
        # one port for every host of the corpus: two benches on one machine pick two ports
        hosts = [f"--{k}={ip}:{port}" for k, ip in (("ext1", "127.0.2.1"), ("ext2", "127.0.2.2"), ("dead", "127.0.2.3"))]
        subprocess.run([PY, str(GENERATOR), "--out", str(data), "--sites", str(sites), "--pages-per-site", str(pages),
                        "--port", str(port), *hosts, f"--slow-backend=127.0.0.1:{slow_port(port)}", *(extra or []), "--force"],
                       check=True, stdout=subprocess.DEVNULL)
    truth = json.loads((data / "ground_truth.json").read_text(encoding="utf-8"))
    units = [{"id": f"u-{s['id']}", "name": s["name"], "kind": "department",
              "sites": [{"id": s["id"], "name": s["name"], "url": s["base"]}]} for s in truth["sites"]]
    # the plain spider's terms: 16 requests at once, no retries, a 10 s timeout; every check on
    crawl = {"only_networks": ["127.0.0.0/8"], "allow_networks": ["127.0.2.0/24", "127.0.0.1/32"],
             "autothrottle": False, "concurrency_per_site": 8, "concurrency_total": 16, "download_timeout": 10,
             "retry_times": 0, "screenshots": {"enabled": False}}
    (out / "sites.yaml").write_text(yaml.safe_dump({"crawl": crawl, "units": units}, allow_unicode=True,
                                                   sort_keys=False), encoding="utf-8")
    (out / "starts.txt").write_text("".join(s["base"] + "\n" for s in truth["sites"]), encoding="utf-8")
    return truth


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("nginx is not installed and this is not root: apt-get install nginx-light, then run again")
    print("installing nginx-light (apt-get)…", file=sys.stderr)
    subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light"], check=False, stdout=subprocess.DEVNULL)
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        subprocess.run(["apt-get", "update", "-q"], check=False, stdout=subprocess.DEVNULL)
        subprocess.run(["apt-get", "install", "-y", "-q", "nginx-light"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


@contextlib.contextmanager
def serving(out: Path, port: int = 8080) -> Iterator[None]:
    run = out / "run"
    (run / "tmp").mkdir(parents=True, exist_ok=True)
    conf = run / "nginx.conf"
    temp = "".join(f"    {k}_temp_path {run}/tmp/{k};\n" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    conf.write_text(f"""worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/error.log warn;
events {{ worker_connections 4096; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    log_not_found off;
    sendfile on;
    keepalive_timeout 30s;
    keepalive_requests 100000;
    # LinkChecker goes above 10 requests/s per host only for servers that send this (its docs)
    add_header LinkChecker "allow" always;
{temp}    include {out}/data/nginx/servers.conf;
}}
""")
    nginx = nginx_binary()
    slow = subprocess.Popen([PY, str(CORPUS / "slow_server.py"), "--bind", "127.0.0.1", "--port", str(slow_port(port))],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run([nginx, "-c", str(conf), "-p", str(run)], check=True)
    try:
        time.sleep(1)
        yield
    finally:
        subprocess.run([nginx, "-c", str(conf), "-p", str(run), "-s", "quit"], check=False)
        slow.terminate()
        slow.wait()


# --- measuring ------------------------------------------------------------------------------

def _tree(root: int) -> list[int]:
    kids: dict[int, list[int]] = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                ppid = int(Path(f"/proc/{d}/stat").read_text().rsplit(")", 1)[1].split()[1])
                kids.setdefault(ppid, []).append(int(d))
    out, stack = [], [root]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(kids.get(pid, []))
    return out


def _rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, IndexError, ValueError):
        return 0


class Measured:
    """A command in its own process group: wall time, the tree's CPU (reaped children included)
    and peak RSS (the tree's sum and the largest process), bytes written to disk."""

    def __init__(self, cmd: list[str], env: dict[str, str] | None = None, log: Path | None = None) -> None:
        self.cmd = cmd
        self.started = time.monotonic()
        out = log.open("w") if log else subprocess.DEVNULL
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        self.peak_tree_kb = self.peak_proc_kb = 0

    def sample(self) -> None:
        sizes = [_rss_kb(p) for p in _tree(self.proc.pid)]
        self.peak_tree_kb = max(self.peak_tree_kb, sum(sizes))
        self.peak_proc_kb = max(self.peak_proc_kb, max(sizes, default=0))

    def reap(self, limit: float = 7200) -> dict[str, Any]:
        """Wait for the end (os.wait4: the CPU of the whole tree, reaped children included),
        sampling memory meanwhile; past `limit` seconds the group is killed."""
        while True:
            pid, status, usage = os.wait4(self.proc.pid, os.WNOHANG)
            if pid:
                self.proc.returncode = os.waitstatus_to_exitcode(status)
                return {"exit": self.proc.returncode, "wall_s": round(time.monotonic() - self.started, 2),
                        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
                        "peak_rss_tree_mb": round(self.peak_tree_kb / 1024, 1),
                        "peak_rss_proc_mb": round(self.peak_proc_kb / 1024, 1),
                        "disk_write_mb": round(usage.ru_oublock * 512 / 2**20, 1)}
            self.sample()
            if time.monotonic() - self.started > limit:
                os.killpg(self.proc.pid, signal.SIGKILL)
            time.sleep(0.2)

    def stop(self) -> dict[str, Any]:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        return self.reap(limit=time.monotonic() - self.started + 30)


def _govinspect_counts(db: Path) -> dict[str, Any]:
    with sqlite3.connect(db) as c:
        pages = c.execute("SELECT count(*) FROM pages").fetchone()[0]
        urls = c.execute("SELECT count(*) FROM link_results").fetchone()[0]
        findings = c.execute("SELECT count(*) FROM findings").fetchone()[0]
        status = c.execute("SELECT status FROM scan_runs ORDER BY id DESC").fetchone()[0]
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return {"pages": pages, "urls": urls, "findings": findings, "run_status": status,
            "db_mb": round(size / 2**20, 1)}


# --- the tools ------------------------------------------------------------------------------

def run_govinspect(out: Path, name: str, *extra: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    db = out / f"{name}.db"
    for p in out.glob(f"{name}.db*"):
        p.unlink()
    m = Measured([PY, "-m", "cli", "scan", "--config", str(out / "sites.yaml"), "--db", str(db), "--no-progress",
                  "--log-file", str(out / f"{name}.log"), *extra], env=env, log=out / f"{name}.out")
    res = m.reap()
    return res | _govinspect_counts(db)


def run_celery(out: Path) -> dict[str, Any]:
    import redis

    try:
        redis.Redis.from_url(BROKER, socket_timeout=2).ping()
    except redis.RedisError as exc:
        return {"skipped": f"Redis does not answer at {BROKER}: {exc}"}
    env = {"GOVINSPECT_BROKER": BROKER, "GOVINSPECT_QUEUE": f"gi-bench-{uuid.uuid4().hex[:8]}"}
    workers = [Measured([PY, "-m", "cli", "worker", "--concurrency", "1", "--loglevel", "WARNING",
                         "--name", f"bench{n}-{uuid.uuid4().hex[:6]}@%h"], env=env, log=out / f"celery-worker{n}.log")
               for n in range(2)]
    time.sleep(8)  # both workers connected and waiting
    try:
        res = run_govinspect(out, "celery2", "--distributed", "--workers", "2", env=env)
    finally:
        ends = [w.stop() for w in workers]
    res["cpu_s"] = round(res["cpu_s"] + sum(e["cpu_s"] for e in ends), 2)
    res["disk_write_mb"] = round(res["disk_write_mb"] + sum(e["disk_write_mb"] for e in ends), 1)
    res["peak_rss_proc_mb"] = max([res["peak_rss_proc_mb"]] + [w.peak_proc_kb / 1024 for w in workers])
    res["peak_rss_tree_mb"] = round(res["peak_rss_tree_mb"] + sum(w.peak_tree_kb for w in workers) / 1024, 1)
    return res


def run_scrapy(out: Path) -> dict[str, Any]:
    dest = out / "scrapy"
    shutil.rmtree(dest, ignore_errors=True)
    m = Measured([PY, str(CORPUS / "scrapy_linkcheck.py"), "--sites", str(out / "starts.txt"), "--out", str(dest),
                  "--concurrency", "16", "--timeout", "10"], log=out / "scrapy.out")
    res = m.reap()
    urls = sum(1 for _ in (dest / "checked.jsonl").open()) if (dest / "checked.jsonl").exists() else 0
    stats = json.loads((dest / "stats.json").read_text()) if (dest / "stats.json").exists() else {}
    pages = int(stats.get("response_received_count", 0)) if stats else 0
    # pages: HTML responses of the sites (the spider parses those), approximated by its responses
    # from the sites' hosts is not recorded; report the responses and the URLs it checked
    return res | {"pages": pages, "urls": urls}


def linkchecker_binary(out: Path) -> str | None:
    found = shutil.which("linkchecker")
    if found:
        return found
    venv = out / "lc-venv"
    if not (venv / "bin" / "linkchecker").exists():
        print("installing LinkChecker (pip, a venv of its own)…", file=sys.stderr)
        if subprocess.run([PY, "-m", "venv", str(venv)], check=False).returncode != 0:
            return None
        if subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "linkchecker"], check=False).returncode != 0:
            return None
    return str(venv / "bin" / "linkchecker")


def run_linkchecker(out: Path) -> dict[str, Any]:
    binary = linkchecker_binary(out)
    if binary is None:
        return {"skipped": "LinkChecker could not be installed with pip"}
    starts = (out / "starts.txt").read_text().split()
    csv = out / "linkchecker.csv"
    with csv.open("w") as fh:
        proc = subprocess.Popen([binary, "-f", str(CORPUS / "linkcheckerrc"), "--no-robots", "--check-extern",
                                 "--ignore-url", "^mailto:", "-t", "16", "--timeout", "10", "--no-status", "-o", "csv",
                                 "-v", *starts], cwd=out, stdout=fh, stderr=subprocess.DEVNULL, start_new_session=True)
        m = Measured.__new__(Measured)
        m.cmd, m.proc, m.started, m.peak_tree_kb, m.peak_proc_kb = [binary], proc, time.monotonic(), 0, 0
        res = m.reap()
    lines = [ln for ln in csv.read_text(errors="replace").splitlines() if ln and not ln.startswith("#")]
    return res | {"pages": None, "urls": max(0, len(lines) - 1)}


# --- report ---------------------------------------------------------------------------------

def rates(res: dict[str, Any]) -> dict[str, Any]:
    wall = res.get("wall_s") or 0
    if not wall or "skipped" in res:
        return res
    res["pages_per_s"] = round(res["pages"] / wall, 1) if res.get("pages") else None
    res["urls_per_s"] = round(res["urls"] / wall, 1) if res.get("urls") else None
    res["cpu_ms_per_url"] = round(1000 * res["cpu_s"] / res["urls"], 2) if res.get("urls") else None
    return res


def ratios(results: dict[str, dict[str, Any]]) -> dict[str, float | None]:
    def r(a: str, b: str) -> float | None:
        x, y = results.get(a, {}).get("urls_per_s"), results.get(b, {}).get("urls_per_s")
        return round(x / y, 2) if x and y else None

    return {"gi1/scrapy (target >= 0.8)": r("gi1", "scrapy"), "gi2/gi1 (target >= 1.7)": r("gi2", "gi1"),
            "gi2/scrapy (target >= 1.3)": r("gi2", "scrapy"), "celery2/gi2 (target >= 0.9)": r("celery2", "gi2")}


def profile(out: Path, sites: int) -> list[str]:
    """A one-process govinspect scan of the first `sites` sites under cProfile: the top functions."""
    reg = yaml.safe_load((out / "sites.yaml").read_text(encoding="utf-8"))
    reg["units"] = reg["units"][:sites]
    (out / "profile-sites.yaml").write_text(yaml.safe_dump(reg, allow_unicode=True, sort_keys=False), encoding="utf-8")
    prof, db = out / "gi1.prof", out / "profile.db"
    for p in out.glob("profile.db*"):
        p.unlink()
    subprocess.run([PY, "-m", "cProfile", "-o", str(prof), "-m", "cli", "scan", "--config",
                    str(out / "profile-sites.yaml"), "--db", str(db), "--no-progress", "--workers", "1",
                    "--log-file", str(out / "profile.log")], cwd=ROOT, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stats = pstats.Stats(str(prof))
    total = max(stats.total_tt, 1e-9)  # type: ignore[attr-defined]
    rows = []
    for (file, line, fn), (_cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        # the entry points, the event loop and the import machinery wrap everything: left out
        if ct > 0.6 * total or "importlib" in file or file.startswith("<frozen") or fn.startswith("<"):
            continue
        rows.append((ct, tt, nc, f"{_short(file)}:{line}({fn})"))
    rows.sort(reverse=True)
    return [f"{100 * ct / total:5.1f}% cum {ct:7.2f}s self {tt:6.2f}s {nc:>9} calls  {where}"
            for ct, tt, nc, where in rows[:30]]


def _short(path: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/", "/lib/python3"):
        if marker in path:
            return path.split(marker, 1)[1]
    return Path(path).name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sites", type=int, default=49)
    ap.add_argument("--pages", type=int, default=300, help="pages per site (approximately)")
    ap.add_argument("--out", type=Path, default=Path("/tmp/gi-scale-bench"))
    ap.add_argument("--port", type=int, default=8080, help="the corpus's port (PORT+19: the slow server); fixed "
                    "when OUT's corpus is generated")
    ap.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated, of {', '.join(TOOLS)}")
    ap.add_argument("--profile-sites", type=int, default=10, help="sites in the profiled run (0: no profile)")
    ap.add_argument("--json", type=Path, default=None, help="where the figures go (default OUT/scale_bench.json)")
    a = ap.parse_args()
    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    truth = generate(out, a.sites, a.pages, a.port)
    counts = truth["counts"]
    print(f"corpus: {counts['sites']} sites, {counts['html_pages_generated']} pages, "
          f"{counts['urls_in_universe_without_js']} URLs (without JavaScript)", flush=True)
    tools = [t for t in a.tools.split(",") if t]
    results: dict[str, dict[str, Any]] = {}
    with serving(out, a.port):
        for tool in tools:
            print(f"running {tool}…", flush=True)
            if tool == "gi1":
                res = run_govinspect(out, "gi1", "--workers", "1")
            elif tool == "gi2":
                res = run_govinspect(out, "gi2", "--workers", "2")
            elif tool == "celery2":
                res = run_celery(out)
            elif tool == "scrapy":
                res = run_scrapy(out)
            elif tool == "linkchecker":
                res = run_linkchecker(out)
            else:
                sys.exit(f"unknown tool {tool!r}; one of {', '.join(TOOLS)}")
            results[tool] = rates(res)
            print(f"  {json.dumps(results[tool], ensure_ascii=False)}", flush=True)
        top = profile(out, a.profile_sites) if a.profile_sites else []
    report = {"machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                          "load_avg_at_end": os.getloadavg()},
              "command": " ".join(sys.argv), "corpus": counts, "results": results, "ratios": ratios(results),
              "profile_top_cumulative": top}
    print()
    print(f"{'tool':<12}{'wall s':>8}{'pages':>8}{'URLs':>8}{'pages/s':>9}{'URLs/s':>8}{'CPU s':>8}"
          f"{'ms/URL':>8}{'RSS tree':>10}{'RSS max':>9}{'DB MB':>7}{'disk MB':>8}")
    for tool, r in results.items():
        if "skipped" in r:
            print(f"{tool:<12}skipped: {r['skipped']}")
            continue
        print(f"{tool:<12}{r['wall_s']:>8}{r.get('pages') or '-':>8}{r.get('urls') or '-':>8}"
              f"{r.get('pages_per_s') or '-':>9}{r.get('urls_per_s') or '-':>8}{r['cpu_s']:>8}"
              f"{r.get('cpu_ms_per_url') or '-':>8}{r['peak_rss_tree_mb']:>10}{r['peak_rss_proc_mb']:>9}"
              f"{r.get('db_mb', '-'):>7}{r.get('disk_write_mb', '-'):>8}")
    print()
    for k, v in report["ratios"].items():
        print(f"{k:<32} {v}")
    if top:
        print(f"\nprofile of a one-process scan of {a.profile_sites} sites, top functions by cumulative time:")
        print("\n".join(top))
    dest = a.json or out / "scale_bench.json"
    dest.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str))
    print(f"\nfigures: {dest}")


if __name__ == "__main__":
    main()
