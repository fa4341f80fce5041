#!/usr/bin/env python3
"""Side-by-side timings of `nuage scan`, Checkov and `cat` (the I/O floor) on generated
Terraform trees of 1 000, 10 000 and 100 000 resources (docs/performance.md).

Usage: bench/scan.py [--sizes 1000,10000,100000] [--checkov-max 10000] [--runs 3] [--nuage BINARY]

Checkov (pinned below) is installed with pip into bench/.venv on first use; its framework is
limited to Terraform. Trees are generated under bench/out/ (git-ignored): 100 resources per file,
100 files per directory (a root module each, with its providers and variables), eight resource
types over AWS, OVHcloud, Outscale and Scaleway. Nothing here asserts a time.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
VENV = ROOT / "bench" / ".venv"
CHECKOV = "checkov==3.3.30"

TYPES = [
    ('aws_instance', 'ami = "ami-0123456789abcdef0"\n  instance_type = "t3.medium"\n  availability_zone = "${{var.region}}a"\n  tags = {{ Name = "front-{i}" }}'),
    ('aws_s3_bucket', 'bucket = "archives-{i}"'),
    ('aws_db_instance', 'identifier = "db-{i}"\n  engine = "postgres"\n  instance_class = "db.t4g.medium"\n  multi_az = {multi}'),
    ('aws_security_group', 'name = "sg-{i}"\n  ingress {{\n    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }}'),
    ('aws_dynamodb_table', 'name = "sessions-{i}"\n  billing_mode = "PAY_PER_REQUEST"\n  hash_key = "id"'),
    ('ovh_cloud_project_database', 'service_name = "abc"\n  engine = "postgresql"\n  plan = "business"\n  flavor = "db1-7"\n  nodes {{\n    region = "GRA"\n  }}'),
    ('outscale_vm', 'image_id = "ami-12345678"\n  vm_type = "tinav5.c4r8p1"\n  placement_subregion_name = "cloudgouv-eu-west-1a"'),
    ('scaleway_instance_server', 'type = "PLAY2-MICRO"\n  image = "debian_bookworm"\n  zone = "fr-par-{z}"'),
]

HEADER = '''provider "aws" {
  region = var.region
}

provider "outscale" {
  region = "cloudgouv-eu-west-1"
}

variable "region" {
  default = "eu-west-3"
}
'''


def generate(n: int) -> Path:
    tree = OUT / f"tf{n}"
    marker = tree / ".complete"
    if marker.exists():
        return tree
    shutil.rmtree(tree, ignore_errors=True)
    per_file, per_dir = 100, 100
    files = (n + per_file - 1) // per_file
    for f in range(files):
        d = tree / f"stack{f // per_dir:03d}"
        d.mkdir(parents=True, exist_ok=True)
        if not (d / "providers.tf").exists():
            (d / "providers.tf").write_text(HEADER)
        blocks = []
        for k in range(per_file):
            i = f * per_file + k
            if i >= n:
                break
            kind, body = TYPES[i % len(TYPES)]
            body = body.format(i=i, multi="true" if i % 2 else "false", z=1 + i % 3)
            blocks.append(f'resource "{kind}" "r{i}" {{\n  {body}\n}}\n')
        (d / f"main{f:04d}.tf").write_text("\n".join(blocks))
    marker.write_text("")
    return tree


def run(cmd, runs):
    """Best wall time over `runs` and the peak RSS (MiB) of the child processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            print(f"   ! {' '.join(map(str, cmd[:3]))} exited with {proc.returncode}", file=sys.stderr)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return min(times), statistics.median(times), rss


def checkov_path() -> Path:
    exe = VENV / "bin" / "checkov"
    if not exe.exists():
        print(f"installing {CHECKOV} into {VENV} …", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", CHECKOV], check=True)
    return exe


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="1000,10000,100000")
    ap.add_argument("--checkov-max", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--nuage", help="this binary instead of building target/release/nuage")
    args = ap.parse_args()
    if args.nuage:
        nuage = Path(args.nuage)
    else:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "nuage-cli"], cwd=ROOT, check=True)
        nuage = ROOT / "target" / "release" / "nuage"
    OUT.mkdir(parents=True, exist_ok=True)
    checkov = None
    print(f"{'resources':>10} {'files':>6} {'MiB':>6} | {'cat':>8} | {'nuage':>8} {'RSS MiB':>8} | {'checkov':>9} {'RSS MiB':>8} | {'nuage/cat':>9} {'checkov/nuage':>13}")
    for n in [int(s) for s in args.sizes.split(",")]:
        tree = generate(n)
        files = sorted(str(p) for p in tree.rglob("*.tf"))
        size = sum(os.path.getsize(p) for p in files) / 2**20
        # The I/O floor: reading every file once (page cache warm after the first run).
        cat_t, _, _ = run(["sh", "-c", f"find {tree} -name '*.tf' -print0 | xargs -0 cat > /dev/null"], args.runs)
        # Each measurement in its own process tree so that the peak RSS is the tool's own.
        res = subprocess.run(
            [sys.executable, __file__, "--child", str(nuage), str(tree), str(args.runs)], capture_output=True, text=True, check=True
        ).stdout.split()
        nuage_t, nuage_rss = float(res[0]), float(res[1])
        ck = "—"
        ck_rss = "—"
        ratio = "—"
        if n <= args.checkov_max:
            checkov = checkov or checkov_path()
            res = subprocess.run(
                [sys.executable, __file__, "--child-checkov", str(checkov), str(tree)], capture_output=True, text=True, check=True
            ).stdout.split()
            ck_t, ck_m = float(res[0]), float(res[1])
            ck, ck_rss, ratio = f"{ck_t:8.2f}s", f"{ck_m:8.0f}", f"{ck_t / nuage_t:12.0f}×"
        print(
            f"{n:>10} {len(files):>6} {size:>6.1f} | {cat_t * 1000:>6.0f}ms | {nuage_t * 1000:>6.0f}ms {nuage_rss:>8.0f} | {ck:>9} {ck_rss:>8} | {nuage_t / cat_t:>8.1f}× {ratio:>13}",
            flush=True,
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        nuage, tree, runs = sys.argv[2], sys.argv[3], int(sys.argv[4])
        best, _, rss = run([nuage, "scan", tree, "--format", "json"], runs)
        print(best, rss)
    elif len(sys.argv) > 1 and sys.argv[1] == "--child-checkov":
        checkov, tree = sys.argv[2], sys.argv[3]
        best, _, rss = run([checkov, "-d", tree, "--framework", "terraform", "--skip-download", "--compact", "--quiet", "-o", "json"], 1)
        print(best, rss)
    else:
        main()
