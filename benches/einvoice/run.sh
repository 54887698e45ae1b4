#!/usr/bin/env bash
# konform against an independent oracle on every EN 16931 example and every XRechnung Schematron
# test instance, as they are (no mutation): detection (standard@version, profile), XSD verdict
# (xmllint), fired Schematron rules (Saxon-HE via saxonche) and verdict. Prints agreement counts
# and every difference. With --write, records the oracle's detection and verdicts in
# tests/fixtures/einvoice/oracle-verdicts.tsv, which tests/cli/einvoice.rs asserts.
#
# usage: benches/einvoice/run.sh [--write | --standard en16931]
# With --standard en16931, konform runs with `--standard en16931` and the oracle evaluates every
# invoice with the CEN rules only (EN 16931's family: XRechnung, extension and CVD included).
# needs: ../shared/corpora, xmllint, saxonche ($PEERS_DIR/venv from ../shared/peers/install.sh).
# Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPORA=$(cd ../shared/corpora && pwd)
PY=${PEERS_DIR:-$HOME/.cache/konform-peers}/venv/bin/python
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cargo build --locked -q
export KONFORM_HOME=$OUT/store
for s in en16931@1.3.16 xrechnung@3.0.2; do
  target/debug/konform standards fetch "$s" --from "$CORPORA" >/dev/null
done
named=()
if [ "${1:-}" = --standard ]; then
  named=(--standard "$2")
fi
target/debug/konform validate --format json "${named[@]}" \
  "$CORPORA/en16931-cen/ubl/examples" "$CORPORA/en16931-cen/cii/examples" \
  "$CORPORA/xrechnung-schematron/test/instances/ubl-inv" "$CORPORA/xrechnung-schematron/test/instances/cii" \
  >"$OUT/konform.json" || true
args=()
if [ "${1:-}" = --write ]; then
  mkdir -p tests/fixtures/einvoice
  args=(--write tests/fixtures/einvoice/oracle-verdicts.tsv)
fi
"$PY" benches/einvoice/oracle.py "$CORPORA" "$OUT/konform.json" "${args[@]}" "${named[@]}"
