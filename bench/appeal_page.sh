#!/usr/bin/env bash
# The public appeal page under load, against nginx serving a static HTML file
# of the same size (QUALITY.md: at least 0.5x nginx's requests/s).
#
# Usage: bench/appeal_page.sh   (builds the release binary; needs wrk and nginx:
#   apt-get install -y wrk nginx)
# Method (QUALITY.md): each server alone on core 0 (nginx with one worker,
# ours with one Tokio worker), wrk -t1 -c50 -d8s --latency on core 1,
# alternated three times; prints requests/s, p99 and the server's CPU
# microseconds per request for each run.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/solidarnist
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as an unprivileged user
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

TOKIO_WORKER_THREADS=1 taskset -c 0 "$bin" serve --demo --database-url "sqlite://$work/bench.db" \
  --addr 127.0.0.1:18920 >"$work/serve.log" 2>&1 &
ours=$!; pids+=("$ours")
until curl -sf http://127.0.0.1:18920/healthz >/dev/null; do sleep 0.05; done
path=/appeals/1
curl -sf "http://127.0.0.1:18920$path" >"$work/page.html"
mkdir -p "$work/www"; cp "$work/page.html" "$work/www/appeal.html"
echo "page: $(wc -c <"$work/page.html") bytes"

cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18921;
    root $work/www;
    location / { default_type text/html; }
  }
}
CONF
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!; pids+=("$nginx_pid")
for _ in $(seq 100); do curl -sf http://127.0.0.1:18921/appeal.html >/dev/null && break; sleep 0.05; done
curl -sf http://127.0.0.1:18921/appeal.html >/dev/null || { echo "nginx did not serve the page:"; cat "$work/nginx-error.log"; exit 1; }
nginx_worker=$(pgrep -P "$nginx_pid" | head -1)

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # name pid url
  local before after out rps p99 reqs
  before=$(cpu_ticks "$2")
  out=$(taskset -c 1 wrk -t1 -c50 -d8s --latency "$3")
  after=$(cpu_ticks "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  errors=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  tck=$(getconf CLK_TCK)
  echo "$1 rps=$rps p99=$p99 cpu_us_per_req=$(( (after - before) * 1000000 / tck / reqs )) non2xx=${errors:-0}"
}
for round in 1 2 3; do
  run nginx "$nginx_worker" http://127.0.0.1:18921/appeal.html
  run solidarnist "$ours" "http://127.0.0.1:18920$path"
done
