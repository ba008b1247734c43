#!/usr/bin/env bash
# The short-link redirect under load, against nginx answering `return 302`
# (QUALITY.md: at least 0.9x nginx's requests/s, CPU per request at most 2x,
# p99 <= 5 ms, and the stored click count equal to the redirects served).
#
# Usage: bench/redirect.sh   (builds the release binary; needs wrk, nginx and
#   sqlite3 and ab: apt-get install -y wrk nginx sqlite3 apache2-utils)
# Method (QUALITY.md): 200 links; each server alone on core 0 (nginx with one
# worker, ours with one Tokio worker), wrk -t1 -c50 -d8s --latency on core 1
# spreading requests over the 200 slugs, alternated three times. Afterwards
# ours is stopped cleanly (which writes the last counted clicks) and the
# clicks stored in the database are compared with the 302s wrk received.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/solidarnist
work=$(mktemp -d)
chmod 755 "$work"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
db="$work/bench.db"
links=200

# Migrate, then add the links straight into the database.
"$bin" serve --database-url "sqlite://$db" --addr 127.0.0.1:18930 >/dev/null 2>&1 &
pid=$!
until curl -sf http://127.0.0.1:18930/healthz >/dev/null; do sleep 0.05; done
kill -TERM $pid; wait $pid || true
{
  echo "BEGIN;"
  for i in $(seq 1 $links); do
    echo "INSERT INTO links (slug, target_url, title, created_at, updated_at) VALUES ('leaflet-$i', 'https://donate.example/appeal?from=leaflet-$i', 'Benchmark $i', 0, 0);"
  done
  echo "COMMIT;"
} | sqlite3 "$db"

TOKIO_WORKER_THREADS=1 taskset -c 0 "$bin" serve --database-url "sqlite://$db" \
  --addr 127.0.0.1:18930 >"$work/serve.log" 2>&1 &
ours=$!; pids+=("$ours")
until curl -sf http://127.0.0.1:18930/healthz >/dev/null; do sleep 0.05; done
test "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:18930/s/leaflet-7)" = 302
checks=1

cat >"$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx-error.log;
pid $work/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  server {
    listen 127.0.0.1:18931;
    location /s/ { return 302 https://donate.example/appeal?from=leaflet; }
  }
}
CONF
taskset -c 0 nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!; pids+=("$nginx_pid")
for _ in $(seq 100); do curl -s -o /dev/null http://127.0.0.1:18931/s/x && break; sleep 0.05; done
nginx_worker=$(pgrep -P "$nginx_pid" | head -1)

cat >"$work/slugs.lua" <<LUA
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/s/leaflet-" .. (n % $links + 1))
end
LUA

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
served=0
run() { # name pid url
  local before after out rps p99 reqs other
  before=$(cpu_ticks "$2")
  out=$(taskset -c 1 wrk -t1 -c50 -d8s --latency -s "$work/slugs.lua" "$3")
  after=$(cpu_ticks "$2")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  reqs=$(awk '/requests in/ {print $1}' <<<"$out")
  other=$(awk '/Non-2xx or 3xx/ {print $5}' <<<"$out")
  tck=$(getconf CLK_TCK)
  echo "$1 rps=$rps p99=$p99 cpu_us_per_req=$(( (after - before) * 1000000 / tck / reqs )) requests=$reqs non2xx3xx=${other:-0}"
  if [ "$1" = solidarnist ]; then served=$((served + reqs)); fi
}
for round in 1 2 3; do
  run nginx "$nginx_worker" http://127.0.0.1:18931
  run solidarnist "$ours" http://127.0.0.1:18930
done
echo "memory after the load: $(awk '/VmRSS/ {print $2, $3}' /proc/$ours/status)"

kill -TERM "$ours"; wait "$ours" || true
stored=$(sqlite3 "$db" "SELECT COALESCE(SUM(clicks), 0) FROM link_clicks")
echo "timed runs: redirects received by wrk (and the curl check): $((served + checks)); clicks stored: $stored"
echo "  (wrk stops with up to 50 requests in flight per run: served but not counted by wrk)"

# An exact count: ApacheBench completes every request it starts.
TOKIO_WORKER_THREADS=1 taskset -c 0 "$bin" serve --database-url "sqlite://$db" \
  --addr 127.0.0.1:18930 >>"$work/serve.log" 2>&1 &
ours=$!; pids+=("$ours")
until curl -sf http://127.0.0.1:18930/healthz >/dev/null; do sleep 0.05; done
n=200000
done_n=$(taskset -c 1 ab -k -q -n $n -c 50 http://127.0.0.1:18930/s/leaflet-42 | awk '/Complete requests/ {print $3}')
kill -TERM "$ours"; wait "$ours" || true
after=$(sqlite3 "$db" "SELECT COALESCE(SUM(clicks), 0) FROM link_clicks")
echo "exact run: ab completed $done_n redirects; clicks stored for them: $((after - stored))"
