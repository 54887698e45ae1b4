#!/usr/bin/env bash
# konform endpoint vs Schemathesis on the same local server, description and checks.
#
# For the conforming reference provider and each OpenAPI-observable seeded defect (see
# tests/support/refserver), starts `examples/refserver rest DEFECT PORT`, then runs
#   konform endpoint --openapi pets.openapi.yaml --checks <the seven OpenAPI checks>
#   schemathesis run pets.openapi.yaml -c <the same seven checks>
# both single-worker, with the X-Road-Client header, and records cases per second (konform:
# median of KRUNS=5 runs; its time includes shrinking) and the failures each reported. Output: a Markdown table on stdout (and the raw outputs in $OUT).
#
# Usage: benches/endpoint_vs_schemathesis.sh [KONFORM_CASES] [SCHEMATHESIS_EXAMPLES]
# Needs Schemathesis (shared/peers/install.sh, or PEERS_DIR/venv/bin/schemathesis); it is a
# yardstick only, never a dependency of konform.
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${1:-3000}
EXAMPLES=${2:-100}
ST=${SCHEMATHESIS:-${PEERS_DIR:-$HOME/.cache/konform-peers}/venv/bin/schemathesis}
[ -x "$ST" ] || { echo "schemathesis not found at $ST (run shared/peers/install.sh)" >&2; exit 2; }
OUT=${OUT:-$(mktemp -d)}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin konform --example refserver
bin=$(realpath "$CARGO_TARGET_DIR/release/konform")
srv=$(realpath "$CARGO_TARGET_DIR/release/examples/refserver")
spec=$(realpath tests/fixtures/endpoint/pets.openapi.yaml)
checks=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection,positive_data_acceptance
port=$((20000 + RANDOM % 20000))
echo "| server | konform cases | konform cases/s | konform failures | Schemathesis cases | Schemathesis cases/s | Schemathesis failures |"
echo "|---|---|---|---|---|---|---|"
for defect in good server-error-on-invalid accepts-invalid schema-violating-body wrong-content-type \
              undocumented-status missing-response-header rejects-valid; do
  port=$((port + 1))
  "$srv" rest "$defect" "$port" > "$OUT/$defect.url" &
  pid=$!
  for _ in $(seq 50); do [ -s "$OUT/$defect.url" ] && break; sleep 0.1; done
  url=$(cat "$OUT/$defect.url")
  # konform is fast enough to run KRUNS times; the median cases/s is reported (noisy machines).
  for run in $(seq "${KRUNS:-5}"); do
    (cd "$OUT" && "$bin" endpoint --url "$url" --openapi "$spec" \
        --header "X-Road-Client: DEV/COM/5678/CLIENT" --checks "$checks" --cases "$CASES" \
        --seed 1 --format json --cases-dir "$OUT/cases-$defect" > "$OUT/$defect.konform.$run.json" 2>/dev/null) || true
  done
  read -r kc ks kf < <(python3 - "$OUT/$defect".konform.*.json <<'PY'
import json, statistics, sys
runs = [json.load(open(f))["endpoint"] for f in sys.argv[1:]]
e = runs[0]
rate = statistics.median(r["cases"] / max(r["seconds"], 1e-9) for r in runs)
rules = sorted({f["rule"] for f in e["failures"]})
print(e["cases"], round(rate), ",".join(rules) or "-")
PY
)
  start=$(date +%s.%N)
  "$ST" run "$spec" --url "$url" -H "X-Road-Client: DEV/COM/5678/CLIENT" -c "$checks" \
      -n "$EXAMPLES" --seed 1 -w 1 > "$OUT/$defect.schemathesis.txt" 2>&1 || true
  end=$(date +%s.%N)
  kill "$pid" 2>/dev/null || true
  read -r sc ss sf < <(python3 - "$OUT/$defect.schemathesis.txt" "$start" "$end" <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8", errors="replace").read()
m = re.search(r"Test cases:\s*\n\s*(\d+) generated", t)
n = int(m.group(1)) if m else 0
d = re.search(r" in ([0-9.]+)s =", t)
secs = float(d.group(1)) if d else float(sys.argv[3]) - float(sys.argv[2])
fails = re.findall(r"❌ (ST\d+ [^:\n]+):", t)
print(n, round(n / max(secs, 1e-9)), ";".join(fails).replace(" ", "_") or "-")
PY
)
  echo "| $defect | $kc | $ks | $kf | $sc | $ss | ${sf//_/ } |"
done
echo
echo "raw outputs: $OUT"
