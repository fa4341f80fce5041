#!/usr/bin/env bash
# End-to-end timings of `nuage assess` (docs/performance.md):
#   - one dossier, process start to exit (target: under 20 ms);
#   - a directory of N dossiers (default 10 000) as JSON lines (target: under 2 s on 2 cores);
#   - assessments per second on one core, in process, JSON included (target: 100 000).
# Usage: bench/assess.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
cargo build --release -q -p nuage-cli
cargo build --release -q -p nuage-report --example profile_assess
NUAGE=target/release/nuage
OUT=bench/out
mkdir -p "$OUT"

ms() { date +%s%N | awk '{printf "%d", $1/1000000}'; }

echo "== one dossier, end to end (best and median of 50 runs)"
times=()
for _ in $(seq 50); do
  s=$(date +%s%N)
  "$NUAGE" assess examples/portail-demarches.toml --format json > /dev/null
  e=$(date +%s%N)
  times+=($(( (e - s) / 1000 )))
done
printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "best %.2f ms, median %.2f ms\n", a[1]/1000, a[int((NR+1)/2)]/1000}'

echo "== a directory of $N dossiers"
DIR="$OUT/portfolio-$N"
if [ ! -d "$DIR" ] || [ "$(find "$DIR" -type f | wc -l)" -ne "$N" ]; then
  rm -rf "$DIR"; mkdir -p "$DIR"
  i=0
  while [ "$i" -lt "$N" ]; do
    for f in examples/*.toml examples/*.yaml examples/*.json; do
      [ "$i" -ge "$N" ] && break
      ext="${f##*.}"
      sub="$DIR/$(( i / 1000 ))"; mkdir -p "$sub"
      sed "s/Portail des démarches/Portail $i/; s/Système de gestion/Système $i de gestion/" "$f" > "$sub/dossier-$i.$ext"
      i=$(( i + 1 ))
    done
  done
fi
for jobs in 1 2; do
  s=$(date +%s%N)
  "$NUAGE" assess "$DIR" --format jsonl --jobs "$jobs" > "$OUT/portfolio.jsonl"
  e=$(date +%s%N)
  lines=$(wc -l < "$OUT/portfolio.jsonl")
  echo "jobs=$jobs: $lines assessments in $(( (e - s) / 1000000 )) ms"
done

echo "== in process, one core"
target/release/examples/profile_assess examples/portail-demarches.toml 200000
target/release/examples/profile_assess examples/suite-bureautique-m365.toml 100000
