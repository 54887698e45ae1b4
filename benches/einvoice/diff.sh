#!/usr/bin/env bash
# Differential harness: konform `--standard en16931@1.3.16` against Saxon (saxonche) on CEN's
# official compiled XSLT (../shared/corpora/en16931-cen/xslt) plus xmllint on the syntax's XML
# Schema, over any files and folders of invoices. Lists every document whose fired EN 16931
# rules or decision differ, and why (benches/einvoice/diff.py). Exit 1 when any differs.
#
# usage: benches/einvoice/diff.sh FILE_OR_DIR...
#   KONFORM_DIFF_STANDARD: the standard konform is told (default en16931@1.3.16; `-`: detection)
# needs: ../shared/corpora, xmllint, saxonche ($PEERS_DIR/venv). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -gt 0 ] || { echo "usage: $0 FILE_OR_DIR..." >&2; exit 2; }
CORPORA=$(cd ../shared/corpora && pwd)
PY=${PEERS_DIR:-$HOME/.cache/konform-peers}/venv/bin/python
STANDARD=${KONFORM_DIFF_STANDARD:-en16931@1.3.16}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cargo build --locked -q
export KONFORM_HOME=$OUT/store
target/debug/konform standards fetch en16931@1.3.16 --from "$CORPORA" >/dev/null
target/debug/konform standards fetch xrechnung@3.0.2 --from "$CORPORA" >/dev/null
args=()
[ "$STANDARD" = - ] || args=(--standard "$STANDARD")
target/debug/konform validate --format json "${args[@]}" "$@" >"$OUT/konform.json" || true
"$PY" benches/einvoice/diff.py "$CORPORA" "$OUT/konform.json" "$@"
