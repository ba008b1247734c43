#!/usr/bin/env bash
# Start-up time and idle memory of `serve` (QUALITY.md: answer /healthz within
# 200 ms on an existing database; idle RSS at most 15 MB).
#
# Usage: bench/startup.sh [runs]   (builds the release binary first)
# Prints the median time from exec to the first 200 from /healthz, and the
# resident memory of the idle server, over RUNS starts (default 7).
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-7}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/solidarnist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db="sqlite://$work/bench.db"
port=18900

# An existing database with the demo data in it.
"$bin" serve --demo --database-url "$db" --addr 127.0.0.1:$port >/dev/null 2>&1 &
pid=$!
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
kill -TERM $pid; wait $pid || true

times=()
rss=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$bin" serve --database-url "$db" --addr 127.0.0.1:$port >/dev/null 2>&1 &
  pid=$!
  until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1; do sleep 0.002; done
  end=$(date +%s%N)
  times+=($(( (end - start) / 1000000 )))
  sleep 1
  rss+=($(awk '/VmRSS/ {print $2}' /proc/$pid/status))
  kill -TERM $pid; wait $pid || true
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "start-up to first /healthz 200: median $(median "${times[@]}") ms over $runs runs (all: ${times[*]})"
echo "idle RSS after 1 s: median $(median "${rss[@]}") KiB (all: ${rss[*]})"
