#!/usr/bin/env bash
# Proof that a refactor kept behaviour: runs two konform binaries ("before" and "after") over the
# same documents with `validate --format json` (SOURCE_DATE_EPOCH set, so reports are
# reproducible) and compares the reports, whole and document by document.
#
# usage: benches/report_identity.sh BEFORE_BINARY [AFTER_BINARY]
#   AFTER_BINARY defaults to target/debug/konform (built here with `cargo build --locked`).
#   Build BEFORE_BINARY from the old commit first, e.g. `cargo build && cp target/debug/konform
#   /tmp/konform-before` before the change.
#
# Documents: every vector under test-vectors/ (by detection, and with its standard in each of the
# standard's variants), and the XML/JSON/HTTP documents under ../shared/corpora (when present):
# the EN 16931 examples and XRechnung test instances with their artefacts fetched into a scratch
# store through `standards fetch --from` (by detection and with --standard en16931), the X-Road
# documents with each X-Road standard, and the remaining corpora by detection. Two runs add a
# project waiver file (one waiver in force, one expired) and `--fail-on warning`.
#
# Prints the number of runs, documents and identical documents, and every difference (the reports
# stay in a scratch folder that is removed on exit: nothing made from ../shared is kept).
# Not part of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BEFORE=$(realpath "${1:?usage: $0 BEFORE_BINARY [AFTER_BINARY]}")
if [ -n "${2:-}" ]; then
  AFTER=$(realpath "$2")
else
  cargo build --locked -q
  AFTER=$REPO/target/debug/konform
fi
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
export SOURCE_DATE_EPOCH=1765000000
CORPORA=
if [ -d ../shared/corpora ]; then
  CORPORA=$(cd ../shared/corpora && pwd)
else
  echo "note: ../shared/corpora is absent; comparing over test-vectors/ only" >&2
fi

# A waiver file of the script's own: one waiver in force, one expired (judged on SOURCE_DATE_EPOCH).
cat >"$OUT/konform.toml" <<'EOF'
[[waivers]]
rule = "XRD-SOAP-010"
reason = "identity check: a waiver in force"
owner = "report_identity.sh"
expires = 2099-12-31

[[waivers]]
rule = "BR-DE-15"
reason = "identity check: an expired waiver"
owner = "report_identity.sh"
expires = 2000-01-01
EOF

mkdir -p "$OUT/bin" "$OUT/before/reports" "$OUT/after/reports"

# One run: a name, then the arguments after `validate --format json`.
runs=()
add_run() { runs+=("$*"); }

vectors=()
while IFS= read -r f; do vectors+=("$f"); done < <(find "$REPO/test-vectors" -type f \
  \( -name '*.xml' -o -name '*.json' -o -name '*.http' \) | sort)
add_run vectors-detected "${vectors[@]}"
for dir in "$REPO"/test-vectors/*/*/; do
  id=$(basename "$(dirname "$dir")")
  ver=$(basename "$dir")
  for variant in strict runtime; do
    add_run "vectors-$id-$ver-$variant" --standard "$id@$ver" --variant "$variant" "$dir"
  done
done
if [ -n "$CORPORA" ]; then
  einvoice=("$CORPORA/en16931-cen/ubl/examples" "$CORPORA/en16931-cen/cii/examples"
    "$CORPORA/xrechnung-schematron/test/instances")
  add_run einvoice-detected "${einvoice[@]}"
  add_run einvoice-en16931 --standard en16931 "${einvoice[@]}"
  add_run einvoice-waivers --config "$OUT/konform.toml" --fail-on warning "${einvoice[@]}"
  for s in xroad-soap xroad-rest; do
    add_run "xroad-protocol-$s" --standard "$s" "$CORPORA/xroad-protocol"
  done
  add_run xroad-protocol-detected "$CORPORA/xroad-protocol"
  add_run xroad-waivers --config "$OUT/konform.toml" --fail-on warning "$CORPORA/xroad-protocol"
  for c in "$CORPORA"/*/; do
    case "$(basename "$c")" in en16931-cen | xrechnung-schematron | xroad-protocol) continue ;; esac
    if [ -n "$(find "$c" -type f \( -name '*.xml' -o -name '*.json' -o -name '*.http' \) -print -quit)" ]; then
      add_run "corpus-$(basename "$c")" "$c"
    fi
  done
fi

# Each binary runs under the same path (argv[0] is in the report) with its own artefact store.
for side in before after; do
  if [ $side = before ]; then bin=$BEFORE; else bin=$AFTER; fi
  cp "$bin" "$OUT/bin/konform"
  export KONFORM_HOME=$OUT/$side/store
  if [ -n "$CORPORA" ]; then
    for s in en16931@1.3.16 xrechnung@3.0.2; do
      "$OUT/bin/konform" standards fetch "$s" --from "$CORPORA" >/dev/null 2>&1
    done
  fi
  for run in "${runs[@]}"; do
    read -r -a words <<<"$run"
    name=${words[0]}
    # From a scratch folder, so that no konform.toml or konform.lock of the caller applies.
    (cd "$OUT" && "$OUT/bin/konform" validate --no-lock --format json "${words[@]:1}" \
      >"$OUT/$side/reports/$name.json" 2>"$OUT/$side/reports/$name.stderr") || true
  done
done

python3 - "$OUT" "${#runs[@]}" <<'EOF'
import json, sys
out, nruns = sys.argv[1], int(sys.argv[2])
import os
names = sorted(f[:-5] for f in os.listdir(f"{out}/before/reports") if f.endswith(".json"))
docs = same = reports_same = 0
for name in names:
    raw = {s: open(f"{out}/{s}/reports/{name}.json", "rb").read() for s in ("before", "after")}
    err = {s: open(f"{out}/{s}/reports/{name}.stderr", "rb").read() for s in ("before", "after")}
    if raw["before"] == raw["after"] and err["before"] == err["after"]:
        reports_same += 1
    elif err["before"] != err["after"]:
        print(f"{name}: stderr differs")
    try:
        rep = {s: json.loads(raw[s]) for s in raw}
    except ValueError as e:
        print(f"{name}: not a JSON report ({e}); stderr: {err['before'][:300]!r}")
        continue
    before, after = rep["before"]["results"], rep["after"]["results"]
    if len(before) != len(after):
        print(f"{name}: {len(before)} documents before, {len(after)} after")
    for b, a in zip(before, after):
        docs += 1
        if b == a:
            same += 1
        else:
            print(f"{name}: {b['document']['name']} differs")
    for key in rep["before"]:
        if key != "results" and rep["before"][key] != rep["after"].get(key):
            print(f"{name}: report field `{key}` differs: {rep['before'][key]!r} / {rep['after'].get(key)!r}")
print(f"{len(names)} runs ({reports_same} byte-identical reports), "
      f"{docs} documents, {same} identical")
sys.exit(0 if same == docs and reports_same == len(names) == nruns else 1)
EOF
