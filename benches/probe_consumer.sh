#!/bin/sh
# Cases per second of `konform probe` in consumer mode against a trivial command (`true`),
# release build: generation, konform's validation of every case, and running the command.
# Usage: benches/probe_consumer.sh [CASES] [STANDARD] [extra probe args...]
#   benches/probe_consumer.sh 2000 xroad-soap@4.0.0
#   KONFORM_HOME=... benches/probe_consumer.sh 200 xrechnung@3.0.2 --seeds path/to/invoice.xml
set -eu
cases=${1:-2000}
standard=${2:-xroad-soap@4.0.0}
[ $# -ge 2 ] && shift 2 || shift $#
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=${CARGO_TARGET_DIR:-target}/release/konform
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$(date +%s.%N)
"$bin" probe --standard "$standard" --consumer true --cases "$cases" --seed 1 \
  --out "$out/found" --format json "$@" > "$out/report.json" || true
end=$(date +%s.%N)
python3 - "$out/report.json" "$start" "$end" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["probe"]
wall = float(sys.argv[3]) - float(sys.argv[2])
c = r["coverage"]
print(f"{r['standard']}: {r['cases']} cases ({r['valid_cases']} valid, {r['mutant_cases']} mutants)")
print(f"case loop: {r['cases_per_second']} cases/s; whole run incl. calibration and shrinking: {r['cases'] / wall:.1f} cases/s ({wall:.1f} s)")
print(f"rule coverage: {len(c['covered'])}/{c['applicable']}")
PY
