#!/usr/bin/env bash
# Schema-driven API fuzzing: schemathesis generates requests from the
# OpenAPI document at /api/v1/openapi.json and sends them to the running
# platform, loaded with the demo data and called as its administrator, on
# SQLite and then on PostgreSQL. It fails on any server error and on any
# answer the document does not describe (status, content type, body).
#
#   bash .ci/api-fuzz.sh path/to/solidarnist postgres://postgres@127.0.0.1:5432/postgres
set -euo pipefail

bin="$1"
pg_server="${2:-}"
venv=/var/tmp/solidarnist-ci-schemathesis
version=4.32.5

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  if ! python3 -m venv --help >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
  fi
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$version"
fi

work=$(mktemp -d)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fuzz() {
  local engine="$1" url="$2" port="$3"
  echo "--- API fuzzing on $engine"
  "$bin" serve --demo --addr "127.0.0.1:$port" --database-url "$url" \
    --mail-dir "$work/mail-$engine" >"$work/serve-$engine.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 100); do
    curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null
  local token
  token=$("$bin" token create --email admin@demo.example --name api-fuzz --database-url "$url" | tail -n 1)
  "$venv/bin/schemathesis" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    --url "http://127.0.0.1:$port/api/v1" \
    -H "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples 20 --seed 20261202 \
    --report junit --report-dir "$work/report-$engine"
  kill "$pid"
  wait "$pid" 2>/dev/null || true
  pid=""
  if grep -q "panicked" "$work/serve-$engine.log"; then
    echo "the server panicked during API fuzzing on $engine:" >&2
    grep -A5 "panicked" "$work/serve-$engine.log" >&2
    exit 1
  fi
}

fuzz sqlite "sqlite://$work/api-fuzz.db" 18931
if [ -n "$pg_server" ]; then
  db=solidarnist_api_fuzz
  base="${pg_server%/*}"
  psql "$pg_server" -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
  fuzz postgres "$base/$db" 18932
  psql "$pg_server" -q -c "DROP DATABASE IF EXISTS $db"
fi
echo "API fuzzing passed"
