#!/usr/bin/env bash
# konform's Schematron engine against Saxon (saxonche, the engine behind the official
# validators) on the same schema and documents: fired rule ids per document (differential)
# and timing (compile, cold first document, warm per document, batch).
#
# usage: benches/schematron/run.sh [SCHEMA.sch] [DOCS_DIR] [N]
#   defaults: the EN 16931 UBL rules, the EN 16931 UBL examples, 1000
#   DOCS_DIR=vefa-ubl / vefa-cii: the VEFA UBL / CII test fragments, extracted to a temporary folder
# needs: ../shared/corpora, and saxonche (benches use $PEERS_DIR/venv from
# ../shared/peers/install.sh). Builds konform in release mode; KONFORM_BENCH_PROFILE=debug
# skips the release build when only the differential matters (timings are then meaningless).
set -euo pipefail
cd "$(dirname "$0")/../.."
SHARED=../shared/corpora
SCH=${1:-$SHARED/en16931-cen/ubl/schematron/EN16931-UBL-validation.sch}
DOCS=${2:-$SHARED/en16931-cen/ubl/examples}
N=${3:-1000}
PY=${PEERS_DIR:-$HOME/.cache/konform-peers}/venv/bin/python
OUT=$(mktemp -d)
if [ "$DOCS" = vefa-ubl ]; then
  DOCS=$OUT/docs
  python3 benches/schematron/extract_vefa.py "$SHARED/en16931-cen/test/Invoice-unit-UBL" "$DOCS"
  python3 benches/schematron/extract_vefa.py "$SHARED/en16931-cen/test/CreditNote-unit-UBL" "$DOCS"
elif [ "$DOCS" = vefa-cii ]; then
  DOCS=$OUT/docs
  python3 benches/schematron/extract_vefa.py "$SHARED/en16931-cen/test/cii" "$DOCS"
fi
echo "== konform"
KONFORM_BENCH_SCH=$SCH KONFORM_BENCH_DOCS=$DOCS KONFORM_BENCH_N=$N KONFORM_BENCH_OUT=$OUT/konform.tsv \
  cargo test -q $([ "${KONFORM_BENCH_PROFILE:-release}" = debug ] || echo --release) --test schematron_bench -- --ignored --nocapture 2>&1 | grep -v '^ *[0-9.]*[mµn]s cold' || true
echo "== saxon"
"$PY" benches/schematron/saxon_run.py "$SCH" "$DOCS" "$OUT/saxon.tsv" "$N"
echo "== differential (fired rule ids per document)"
python3 - "$OUT/konform.tsv" "$OUT/saxon.tsv" <<'PY'
import sys
read = lambda p: dict(l.rstrip("\n").split("\t", 1) for l in open(p) if "\t" in l)
k, s = read(sys.argv[1]), read(sys.argv[2])
same = [d for d in s if k.get(d) == s[d]]
print("%d of %d documents: same fired rules" % (len(same), len(s)))
for d in sorted(s):
    if k.get(d) != s[d]:
        print("  %s\n    konform: %s\n    saxon:   %s" % (d, k.get(d), s[d]))
PY
