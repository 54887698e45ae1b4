#!/usr/bin/env bash
# Saxon's side of tests/schematron_namespaces.rs: writes the generated namespace layouts of the
# EN 16931 examples (the Rust test's own generator, `write_layouts`), runs Saxon (saxonche) with
# the official compiled CEN XSLT on each, and records the fired rule ids per document in
# tests/fixtures/schematron/namespace-layouts.tsv, which the Rust test asserts.
#
# usage: benches/schematron/namespace_layouts.sh [--check]
#   --check: compare with the recorded file instead of rewriting it (exit 1 on a difference)
# needs: ../shared/corpora, saxonche ($PEERS_DIR/venv). Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPORA=$(cd ../shared/corpora && pwd)
PY=${PEERS_DIR:-$HOME/.cache/konform-peers}/venv/bin/python
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
KONFORM_LAYOUTS_OUT=$OUT/docs cargo test --locked -q --test schematron_namespaces write_layouts -- --ignored >/dev/null
"$PY" benches/einvoice/cen_saxon.py "$CORPORA" "$OUT/saxon.tsv" "$OUT/docs"
TSV=tests/fixtures/schematron/namespace-layouts.tsv
{
  echo "# Fired rule ids per generated document (tests/schematron_namespaces.rs), from Saxon-HE"
  echo "# (saxonche) on the official compiled CEN XSLT: benches/schematron/namespace_layouts.sh."
  sed "s|^$OUT/docs/[a-z]*/||" "$OUT/saxon.tsv" | sort
} >"$OUT/new.tsv"
echo "$(grep -vc '^#' "$OUT/new.tsv") documents; rule sets fired by Saxon:"
cut -f2 "$OUT/new.tsv" | grep -v '^#' | sort | uniq -c | sort -rn | head -20
if [ "${1:-}" = --check ]; then
  diff "$TSV" "$OUT/new.tsv" && echo "same as $TSV"
else
  mkdir -p "$(dirname "$TSV")"
  cp "$OUT/new.tsv" "$TSV"
  echo "wrote $TSV"
fi
