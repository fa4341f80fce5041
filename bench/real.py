#!/usr/bin/env python3
"""`nuage scan` on real trees: how much of what they deploy it places (docs/scan.md).

Usage: bench/real.py [--nuage BINARY] [--before BINARY] [--markdown] PATH…

For each tree: resources found, the share with an offer and with a region, the resources left
unplaced by reason, the files not read by reason, wall time and peak memory; with --before, the
share another build placed (an older one, without a coverage summary). When Checkov is
installed in bench/.venv (`bench/scan.py` installs it), its own resource count and time on the
same tree (Terraform framework only). The trees are whatever you give: fetch public
repositories for the measurement somewhere outside this repository and never commit them.
Nothing here asserts a figure.
"""
import argparse
import json
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKOV = ROOT / "bench" / ".venv" / "bin" / "checkov"
# Checkov takes a minute or more per tree: its figures are kept here (git-ignored) per path.
CACHE = ROOT / "bench" / "out" / "checkov-real.json"


def measure(cmd):
    """(wall seconds, peak RSS MiB, stdout) of one run in a child process tree of its own."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", *map(str, cmd)], capture_output=True, text=True, check=True
    ).stdout
    head, _, body = out.partition("\n")
    t, rss = head.split()
    return float(t), float(rss), body


def summary(report):
    """Counts from the report: its `coverage` when there is one, else from its resources."""
    res = report.get("resources", [])
    cov = report.get("coverage")
    if cov:
        return {
            "resources": cov["resources"],
            "hosting": cov.get("hosting", cov["resources"]),
            "offer": cov["with_offer"],
            "region": cov["with_region"],
            "placed": cov.get("hosting", cov["resources"]) - sum(cov.get("unplaced", {}).values()),
            "unknown": cov.get("unplaced", {}),
            "skipped": cov.get("skipped", {}),
        }
    unknown = Counter()
    for r in res:
        if not r.get("offer") or not r.get("region"):
            unknown["no reason given"] += 1
    skipped = Counter(s["reason"].split(":")[0][:40] for s in report.get("skipped", []))
    return {
        "resources": len(res),
        "hosting": len(res),
        "offer": sum(1 for r in res if r.get("offer")),
        "region": sum(1 for r in res if r.get("region")),
        "placed": sum(1 for r in res if r.get("offer") and r.get("region")),
        "unknown": dict(unknown),
        "skipped": dict(skipped),
    }


def pct(n, d):
    return f"{100 * n / d:.0f} %" if d else "—"


def top(counts, k=3):
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{name} {n}" for name, n in items[:k])
    rest = sum(n for _, n in items[k:])
    return text + (f", … {rest}" if rest else "") if items else "—"


def checkov(tree):
    if not CHECKOV.exists():
        return None
    key = str(Path(tree).resolve())
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    if key in cache:
        return tuple(cache[key])
    t, _, out = measure([CHECKOV, "-d", tree, "--framework", "terraform", "--skip-download", "--compact", "--quiet", "-o", "json"])
    count = 0
    try:
        doc = json.loads(out or "[]")
        for part in doc if isinstance(doc, list) else [doc]:
            count += part.get("summary", {}).get("resource_count", 0)
    except json.JSONDecodeError:
        count = None
    cache[key] = [count, t]
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    CACHE.write_text(json.dumps(cache, indent=1))
    return count, t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nuage", default=str(ROOT / "target" / "release" / "nuage"))
    ap.add_argument("--markdown", action="store_true", help="a Markdown table for docs/scan.md")
    ap.add_argument("--no-checkov", action="store_true")
    ap.add_argument("--before", help="another build of nuage, for the share it placed")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    rows = []
    for path in args.paths:
        t, rss, out = measure([args.nuage, "scan", path, "--format", "json"])
        s = summary(json.loads(out))
        if args.before:
            _, _, old = measure([args.before, "scan", path, "--format", "json"])
            b = summary(json.loads(old))
            s["before"] = (b["placed"], b["hosting"])
        ck = None if args.no_checkov else checkov(path)
        rows.append((Path(path).name, s, t, rss, ck))
    if args.markdown:
        print("| arbre | ressources (qui hébergent) | placées avant → après | avec offre | avec région | non placées, par raison | non lus | temps | mémoire | Checkov : ressources vérifiées, temps |")
        print("|---|---|---|---|---|---|---|---|---|---|")
    for name, s, t, rss, ck in rows:
        ckt = "—" if ck is None else f"{ck[0]}, {ck[1]:.1f} s"
        h = s["hosting"]
        before = s.get("before")
        shift = f"{pct(*before)} → " if before else ""
        placed = f"{shift}{pct(s['placed'], h)}"
        if args.markdown:
            skipped = sum(s["skipped"].values())
            kinds = f" ({top(s['skipped'], 2)})" if skipped else ""
            print(
                f"| {name} | {s['resources']} ({h}) | {placed} | {pct(s['offer'], h)} | {pct(s['region'], h)} | {top(s['unknown'])} "
                f"| {skipped}{kinds} | {t * 1000:.0f} ms | {rss:.0f} Mio | {ckt} |"
            )
        else:
            print(f"{name}")
            print(f"  resources {s['resources']} (hosting {h}), placed {placed}, offer {pct(s['offer'], h)}, region {pct(s['region'], h)}")
            print(f"  unplaced  {top(s['unknown'], 6)}")
            print(f"  skipped   {sum(s['skipped'].values())}: {top(s['skipped'], 6)}")
            print(f"  time      {t * 1000:.0f} ms, {rss:.0f} MiB   checkov: {ckt}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        start = time.perf_counter()
        proc = subprocess.run(sys.argv[2:], capture_output=True, text=True)
        elapsed = time.perf_counter() - start
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(f"{elapsed} {rss}")
        sys.stdout.write(proc.stdout)
    else:
        main()
