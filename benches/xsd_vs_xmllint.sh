#!/usr/bin/env bash
# Validates 1,000 X-Road SOAP requests with konform (one process, all rules: XSD + protocol)
# and with `xmllint --schema` (one process, the same XSD, XSD only), and reports wall time and
# peak memory of each. Usage: benches/xsd_vs_xmllint.sh [N]   (needs xmllint: libxml2-utils)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --release --quiet
bin=target/release/konform
src=test-vectors/xroad-soap/4.0.0/request-conformant.xml
mkdir -p "$work/docs"
for i in $(seq 1 "$N"); do
  uuid=$(printf '%08x-0000-4000-8000-%012x' "$i" "$i")
  sed "s/<xrd:id>[^<]*</<xrd:id>$uuid</" "$src" > "$work/docs/req-$i.xml"
done
pkg=standards/xroad-soap/4.0.0
cat > "$work/catalog.xml" <<CAT
<?xml version="1.0"?>
<catalog xmlns="urn:oasis:names:tc:entity:xmlns:xml:catalog">
$(grep -E '^"http' "$pkg/standard.toml" | sed -E "s#^\"([^\"]+)\" = \"([^\"]+)\"#  <uri name=\"\1\" uri=\"file://$PWD/$pkg/\2\"/>\n  <system systemId=\"\1\" uri=\"file://$PWD/$pkg/\2\"/>#")
</catalog>
CAT
measure() { # label, command...
  local label=$1; shift
  local best=""
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || true
    read -r secs kb < "$work/t"
    if [ -z "$best" ] || awk "BEGIN{exit !($secs < ${best%% *})}"; then best="$secs $kb"; fi
  done
  echo "$label: ${best%% *} s wall (best of 3), peak RSS $(( ${best##* } / 1024 )) MiB"
  echo "$best" > "$work/$label"
}
measure konform "$bin" validate --standard xroad-soap@4.0.0 --format json "$work/docs"
XML_CATALOG_FILES="$work/catalog.xml" measure xmllint xmllint --nonet --noout --schema "$pkg/xsd/soap-envelope.xsd" "$work"/docs/*.xml
k=$(cut -d' ' -f1 "$work/konform"); x=$(cut -d' ' -f1 "$work/xmllint")
awk -v k="$k" -v x="$x" -v n="$N" 'BEGIN{printf "documents: %d; konform/xmllint wall-time ratio: %.2f (below 1 = konform faster)\n", n, k/x}'
"$bin" validate --standard xroad-soap@4.0.0 --format json "$work/docs" | python3 -c 'import json,sys; s=json.load(sys.stdin)["summary"]; print("konform summary:", s["conformant"], "conformant,", s["non_conformant"], "non-conformant,", s["errors"], "errors")'
