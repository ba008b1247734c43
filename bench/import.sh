#!/usr/bin/env bash
# Importing 1,000,000 donation rows, against `sqlite3 .import` of the same
# file in the same run (QUALITY.md: at least 0.5x its rows per second), and
# the appeal totals read over those rows.
#
# Usage: bench/import.sh [rows]   (builds the release binary first)
# The baseline imports the file into a table of the file's own columns with
# the same unique (appeal, reference) index; `solidarnist import donations`
# also validates every field, resolves the appeal and keeps the totals.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/solidarnist
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$rows" >"$work/donations.csv" <<'PY'
import sys
n = int(sys.argv[1])
out = sys.stdout
out.write("appeal,amount,currency,status,received_on,branch_id,donor_name,reference,notes\n")
for i in range(n):
    cur = "UAH" if i % 10 == 0 else "GBP"
    out.write(f"bench-appeal,{10 + i % 90}.{i % 100:02d},{cur},received,2026-01-05,,Donor {i},BANK-{i:08d},\n")
PY
echo "file: $rows rows, $(du -h "$work/donations.csv" | cut -f1)"

ms() { echo $(( ($2 - $1) / 1000000 )); }

# The platform's database: migrated by a short start, one open appeal.
db="$work/solidarnist.db"
"$bin" serve --database-url "sqlite://$db" --addr 127.0.0.1:18911 >/dev/null 2>&1 &
pid=$!
until curl -sf http://127.0.0.1:18911/healthz >/dev/null; do sleep 0.05; done
kill -TERM $pid; wait $pid || true
sqlite3 "$db" "INSERT INTO appeals (slug, title, description, description_uk, beneficiary, target_minor, target_currency,
  donate_url, status, created_at, updated_at) VALUES ('bench-appeal', 'Benchmark appeal', '', '', 'Benchmark', 100000000, 'GBP', '', 'open', 0, 0);"

# Baseline: sqlite3 .import into the file's columns, unique on (appeal, reference).
base="$work/baseline.db"
sqlite3 "$base" "PRAGMA journal_mode=WAL; CREATE TABLE donations (appeal TEXT, amount TEXT, currency TEXT, status TEXT,
  received_on TEXT, branch_id TEXT, donor_name TEXT, reference TEXT, notes TEXT);
  CREATE UNIQUE INDEX donations_reference ON donations (appeal, reference);" >/dev/null
t0=$(date +%s%N)
sqlite3 "$base" ".import --csv --skip 1 $work/donations.csv donations"
t1=$(date +%s%N)
base_ms=$(ms "$t0" "$t1")

t0=$(date +%s%N)
"$bin" import donations "$work/donations.csv" --database-url "sqlite://$db" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
t1=$(date +%s%N)
ours_ms=$(ms "$t0" "$t1")

# Totals over those rows: the kept totals (what the appeal page reads) and a
# full recount (what `solidarnist check` does).
t0=$(date +%s%N)
for _ in $(seq 100); do sqlite3 "$db" "SELECT currency, received_minor FROM appeal_totals WHERE appeal_id = 1" >/dev/null; done
t1=$(date +%s%N)
kept_ms=$(ms "$t0" "$t1")
t0=$(date +%s%N)
"$bin" check --database-url "sqlite://$db" >/dev/null
t1=$(date +%s%N)
check_ms=$(ms "$t0" "$t1")

count=$(sqlite3 "$db" "SELECT count(*) FROM donations")
echo "sqlite3 .import:        ${base_ms} ms ($(( rows * 1000 / (base_ms + 1) )) rows/s)"
echo "solidarnist import:     ${ours_ms} ms ($(( rows * 1000 / (ours_ms + 1) )) rows/s), $count rows stored"
python3 -c "print(f'ratio (ours/baseline rows/s): {${base_ms}/${ours_ms}:.2f}x')"
echo "kept totals, 100 reads through the sqlite3 shell: ${kept_ms} ms"
echo "solidarnist check (recount of every donation):   ${check_ms} ms"
