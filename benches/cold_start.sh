#!/usr/bin/env bash
# Whole-process time and peak memory for validating ONE invoice from a cold process start:
# konform (release build, artefacts already in the store = warm cache) against the KoSIT-style
# pipeline on the JVM (JDK XSD validator + Saxon-HE running each Schematron stage compiled to
# XSLT; benches/schematron/JvmPipeline.java), on the same artefacts and document.
#
# Two pipelines: en16931 (UBL XSD + CEN EN 16931 Schematron) and xrechnung (UBL XSD + CEN
# + XRechnung Schematron). Prints median wall time and median peak RSS over RUNS runs.
#
# usage: benches/cold_start.sh [RUNS]
# needs: ../shared/corpora; java, javac and /usr/share/java/Saxon-HE.jar
#        (../shared/peers/install.sh installs libsaxonhe-java), GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-10}
C=$(cd ../shared/corpora && pwd)
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
SAXON=/usr/share/java/Saxon-HE.jar
cargo build -q --release --locked
K=target/release/konform
export KONFORM_HOME=$T/store
$K standards fetch en16931@1.3.16 --from "$C" >/dev/null 2>&1
$K standards fetch xrechnung@3.0.2 --from "$C" >/dev/null 2>&1

EN_DOC=$C/en16931-cen/ubl/examples/ubl-tc434-example1.xml
# An unmutated XRechnung 3.0 UBL instance of the XRechnung test suite.
XR_DOC=$C/xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-1-test.xml
XSD=$C/ubl-2.1-xsd/xsd/maindoc/UBL-Invoice-2.1.xsd
[ -f "$XSD" ] || XSD=$(find "$C" -name UBL-Invoice-2.1.xsd | head -1)

python3 benches/schematron/sch2xslt.py "$C/en16931-cen/ubl/schematron/EN16931-UBL-validation.sch" >"$T/en.xsl"
python3 benches/schematron/sch2xslt.py "$C/xrechnung-schematron/src/validation/schematron/ubl/XRechnung-UBL-validation.sch" >"$T/xr.xsl"
javac -d "$T" -cp "$SAXON" benches/schematron/JvmPipeline.java

# median "seconds MB" of RUNS runs of a command
measure() {
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$T/t" "$@" >/dev/null 2>&1 || true
    cat "$T/t"
  done | python3 -c '
import statistics, sys
rows = [l.split() for l in sys.stdin if l.strip()]
print("%.3f s  %.0f MB" % (statistics.median(float(r[0]) for r in rows),
                           statistics.median(int(r[1]) for r in rows) / 1024))'
}

printf "%-44s %s\n" "pipeline / tool" "median wall, median peak RSS ($RUNS runs)"
printf "%-44s %s\n" "en16931 (XSD + CEN) konform" "$(measure $K validate --standard en16931@1.3.16 "$EN_DOC")"
printf "%-44s %s\n" "en16931 (XSD + CEN) JVM Saxon-HE" \
  "$(measure java -cp "$SAXON:$T" JvmPipeline "$XSD" "$EN_DOC" "$T/en.xsl")"
printf "%-44s %s\n" "xrechnung (XSD + CEN + XR) konform" "$(measure $K validate "$XR_DOC")"
printf "%-44s %s\n" "xrechnung (XSD + CEN + XR) JVM Saxon-HE" \
  "$(measure java -cp "$SAXON:$T" JvmPipeline "$XSD" "$XR_DOC" "$T/en.xsl" "$T/xr.xsl")"
echo "(konform's verdicts and the JVM's fired rules for the same runs:)"
$K validate "$XR_DOC" | tail -1
java -cp "$SAXON:$T" JvmPipeline "$XSD" "$XR_DOC" "$T/en.xsl" "$T/xr.xsl"
