#!/usr/bin/env bash
# Optional: konform endpoint against the public X-Road OpenAPI descriptions of
# ../shared/corpora/openapi-gov, each served by a Prism mock (an independent server that
# answers from the description and validates requests). Prints, per description, the cases run,
# cases per second and the rules that fired. Findings here are about the descriptions as Prism
# serves them (e.g. Prism's 422 for invalid input is rarely documented: KONFORM-OAS-002), not
# about konform; the run shows konform loads real government descriptions and stays bounded.
#
# Usage: benches/endpoint_prism.sh [CASES]    (needs Prism: shared/peers/install.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${1:-200}
CORPUS=${CORPUS:-../shared/corpora/openapi-gov}
PRISM=${PRISM:-${PEERS_DIR:-$HOME/.cache/konform-peers}/node_modules/.bin/prism}
[ -d "$CORPUS" ] || { echo "skipped: $CORPUS is not present" >&2; exit 0; }
[ -x "$PRISM" ] || { echo "skipped: Prism not found at $PRISM (run shared/peers/install.sh)" >&2; exit 0; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet --bin konform
bin=$(realpath "$CARGO_TARGET_DIR/release/konform")
OUT=${OUT:-$(mktemp -d)}
port=$((40000 + RANDOM % 10000))
echo "| description | operations | cases | cases/s | rules fired |"
echo "|---|---|---|---|---|"
for spec in "$CORPUS"/*.yaml; do
  spec=$(realpath "$spec")
  port=$((port + 1))
  name=$(basename "$spec")
  SCARF_ANALYTICS=false "$PRISM" mock -h 127.0.0.1 -p "$port" "$spec" > "$OUT/$name.prism.log" 2>&1 &
  pid=$!
  up=""
  for _ in $(seq 150); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  if [ -z "$up" ]; then
    echo "| $name | - | - | - | Prism did not start (see $OUT/$name.prism.log) |"
    kill "$pid" 2>/dev/null || true
    continue
  fi
  (cd "$OUT" && "$bin" endpoint --url "http://127.0.0.1:$port" --openapi "$spec" \
     --cases "$CASES" --seed 1 --timeout 5000 --max-duration 120 --format json \
     --cases-dir "$OUT/cases-$name" > "$OUT/$name.json" 2>"$OUT/$name.err") || true
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  python3 - "$OUT/$name.json" "$name" <<'PY'
import json, sys
try:
    r = json.load(open(sys.argv[1]))
except Exception as e:
    print(f"| {sys.argv[2]} | - | - | - | konform did not run: {e} |")
    sys.exit()
e = r["endpoint"]
rules = sorted({f["rule"] for f in e["failures"]})
print(f"| {sys.argv[2]} | {len(r['results'])} | {e['cases']} | {round(e['cases'] / max(e['seconds'], 1e-9))} | {', '.join(rules) or '-'} |")
PY
done
echo
echo "raw outputs: $OUT"
