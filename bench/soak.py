#!/usr/bin/env python3
"""Soak test: `nuage serve` under mixed load for a while, then errors, latencies and memory.

Usage: bench/soak.py [--minutes 10] [--rate 60] [--max-requests 100000] [--workers 4]
                     [--binary target/release/nuage] [--database sqlite://… | postgres://…]

Starts `nuage serve --dev` on a free loopback port (its own SQLite database in a temporary
directory unless --database is given), then sends, at a bounded rate and for a bounded number
of requests, a mix of: stateless assessments of the examples, project writes (new dossier
versions, and new projects up to 40), scan uploads and listings, and page views of a logged-in
session (home, projects, a project, the dashboard). It prints the request count, the errors
(5xx, refused connections, or any answer the mix does not expect), p50 and p99 per kind, and the
server's resident memory at start (after a warm-up minute), every minute, and at the end. The
goal is 0 errors and a flat memory. Only 127.0.0.1 is ever addressed; the script stops by itself.
"""
import argparse
import http.client
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ["portail-demarches.toml", "suite-bureautique-m365.toml", "systeme-existant-derogation.toml"]


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Client:
    """One keep-alive connection to the server, reopened when the server closes it."""

    def __init__(self, host, port):
        self.host, self.port = host, port
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        headers["Host"] = f"{self.host}:{self.port}"
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.getheader("connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return response.status, data, response
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                # A kept-alive connection the server closed (idle timeout): once more, anew.
                self.conn.close()
                self.conn = None
                if attempt == 1:
                    raise
        raise RuntimeError("unreachable")


def make_scan(n):
    """A scan report of `n` resources, shaped as `nuage scan --format json` writes it."""
    resources = [
        {"address": f"outscale_vm.v{i}", "type": "outscale_vm", "provider": "outscale",
         "offer": "outscale-iaas", "region": "eu-west-2", "zones": ["eu-west-2a"],
         "file": f"mod{i % 20}/main.tf", "line": i, "service": "compute", "portability": "portable",
         "source": "terraform", "evidence": ["provider \"outscale\""]}
        for i in range(n)
    ]
    findings = [{"rule": "R5", "status": "to_verify", "message": "une seule zone", "citations": [],
                 "remedy": None, "file": "mod0/main.tf", "line": 1}]
    return json.dumps({"resources": resources, "findings": findings}).encode()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=60.0, help="requests per second, all workers together")
    parser.add_argument("--max-requests", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--binary", default=None)
    parser.add_argument("--database", default=None)
    args = parser.parse_args()

    binary = args.binary
    if binary is None:
        release = ROOT / "target" / "release" / "nuage"
        binary = str(release if release.exists() else ROOT / "target" / "debug" / "nuage")
    workdir = Path(tempfile.mkdtemp(prefix="nuage-soak-"))
    command = [binary, "serve", "--dev", "--listen", "127.0.0.1:0"]
    if args.database:
        command += ["--database", args.database]
    env = dict(os.environ, NUAGE_LOG="warn")
    env.pop("NUAGE_DATABASE_URL", None)
    server = subprocess.Popen(command, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        first = server.stdout.readline().strip()
        address = first.removeprefix("nuage serve: http://").rstrip("/")
        host, port = address.rsplit(":", 1)
        port = int(port)
        token = None
        deadline = time.time() + 30
        while token is None and time.time() < deadline:
            line = server.stderr.readline()
            if "jeton d'API  : " in line:
                token = line.split("jeton d'API  : ")[1].strip()
        if token is None:
            sys.exit("no --dev token in the server's output")
        threading.Thread(target=lambda: [None for _ in server.stderr], daemon=True).start()
        run(args, server, host, port, token, binary)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)


def run(args, server, host, port, token, binary):
    api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    setup = Client(host, port)
    status, body, _ = setup.request("GET", "/api/v1/organisations", headers=api)
    organisation = json.loads(body)[0]["id"]
    dossiers = [(ROOT / "examples" / name).read_text() for name in EXAMPLES]
    projects = []
    for source in dossiers:
        status, body, _ = setup.request("POST", "/api/v1/projects", json.dumps(
            {"organisation_id": organisation, "dossier": {"format": "toml", "source": source}}), api)
        assert status == 201, body
        projects.append(json.loads(body)["id"])
    # A browser session for the pages (the development login).
    status, _, response = setup.request("POST", "/connexion/dev", "subject=dev%3Alocal",
                                        {"Content-Type": "application/x-www-form-urlencoded"})
    cookie = response.getheader("set-cookie", "").split(";")[0]
    assert status == 303 and cookie, status
    scans = [make_scan(50), make_scan(2_000)]

    lock = threading.Lock()
    latencies = {}
    errors = []
    count = [0]
    stop_at = time.time() + args.minutes * 60
    interval = args.workers / args.rate

    def record(kind, started, ok, detail):
        with lock:
            latencies.setdefault(kind, []).append(time.perf_counter() - started)
            if not ok:
                errors.append(f"{kind}: {detail}")

    def worker(seed):
        rng = random.Random(seed)
        client = Client(host, port)
        next_at = time.time()
        while True:
            with lock:
                if count[0] >= args.max_requests or time.time() >= stop_at:
                    return
                count[0] += 1
            pause = next_at - time.time()
            if pause > 0:
                time.sleep(pause)
            next_at += interval
            roll = rng.random()
            started = time.perf_counter()
            try:
                if roll < 0.35:
                    kind = "assess"
                    status, body, _ = client.request("POST", "/api/v1/assess", rng.choice(dossiers).encode(),
                                                     {"Content-Type": "application/toml"})
                    record(kind, started, status == 200, status)
                elif roll < 0.55:
                    with lock:
                        few = len(projects) < 40
                    if few and rng.random() < 0.1:
                        kind = "project create"
                        status, body, _ = client.request("POST", "/api/v1/projects", json.dumps(
                            {"organisation_id": organisation, "dossier": {"format": "toml", "source": rng.choice(dossiers)}}), api)
                        ok = status == 201
                        if ok:
                            with lock:
                                projects.append(json.loads(body)["id"])
                    else:
                        kind = "project write"
                        with lock:
                            project = rng.choice(projects)
                        status, body, _ = client.request("PUT", f"/api/v1/projects/{project}/dossier", json.dumps(
                            {"dossier": {"format": "toml", "source": rng.choice(dossiers)}}), api)
                        ok = status == 200
                    record(kind, started, ok, status)
                elif roll < 0.62:
                    kind = "scan upload"
                    with lock:
                        project = rng.choice(projects)
                    status, body, _ = client.request("POST", f"/api/v1/projects/{project}/scans",
                                                     scans[0] if rng.random() < 0.8 else scans[1], api)
                    record(kind, started, status == 201, status)
                elif roll < 0.72:
                    kind = "scan list"
                    with lock:
                        project = rng.choice(projects)
                    status, body, _ = client.request("GET", f"/api/v1/projects/{project}/scans", headers=api)
                    record(kind, started, status == 200, status)
                else:
                    kind = "page"
                    with lock:
                        project = rng.choice(projects)
                    path = rng.choice(["/", "/projets", f"/projets/{project}", "/tableau-de-bord"])
                    status, body, _ = client.request("GET", path, headers={"Cookie": cookie})
                    record(kind, started, status == 200, f"{status} {path}")
            except Exception as e:  # noqa: BLE001 — every failure counts as an error
                record("connection", started, False, repr(e))

    # A warm-up minute (or a tenth of the run) first, so that the start figure is the steady one.
    samples = []
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.workers)]
    began = time.time()
    for t in threads:
        t.start()
    warm = min(60.0, args.minutes * 6)
    time.sleep(warm)
    start_rss = rss_kib(server.pid)
    samples.append((round(time.time() - began), start_rss))
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(timeout=60)
            if not t.is_alive():
                continue
            break
        samples.append((round(time.time() - began), rss_kib(server.pid)))
    end_rss = rss_kib(server.pid)
    elapsed = time.time() - began

    print(f"nuage soak: {binary}, {elapsed:.0f} s, {count[0]} requests ({count[0] / elapsed:.1f}/s), {args.workers} workers")
    print(f"errors: {len(errors)}")
    for e in errors[:20]:
        print(f"  {e}")
    everything = []
    print(f"{'kind':<16}{'requests':>10}{'p50 ms':>10}{'p99 ms':>10}")
    for kind in sorted(latencies):
        values = sorted(latencies[kind])
        everything += values
        p50 = values[len(values) // 2] * 1000
        p99 = values[min(len(values) - 1, int(len(values) * 0.99))] * 1000
        print(f"{kind:<16}{len(values):>10}{p50:>10.1f}{p99:>10.1f}")
    everything.sort()
    if everything:
        print(f"{'all':<16}{len(everything):>10}{everything[len(everything) // 2] * 1000:>10.1f}"
              f"{everything[min(len(everything) - 1, int(len(everything) * 0.99))] * 1000:>10.1f}")
    print(f"server memory (RSS): {start_rss / 1024:.1f} MiB after {warm:.0f} s warm-up, {end_rss / 1024:.1f} MiB at the end")
    print("RSS over time: " + ", ".join(f"{t} s {kib / 1024:.0f} MiB" for t, kib in samples))
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
