#!/usr/bin/env bash
# The differential corpus of konform's own making, through the differential harness: invoices
# of every customization family (benches/einvoice/families.py: EN 16931, XRechnung CIUS /
# Extension / CVD, Peppol BIS 3, Factur-X EXTENDED / BASIC; UBL Invoice and CreditNote, CII),
# each written in every namespace layout of tests/schematron_namespaces.rs (prefixes declared
# late, redeclared to the same or another URI, rotated, two prefixes for one namespace,
# default namespaces switched and undeclared), then benches/einvoice/diff.sh on all of them.
# Nothing is kept: the documents live in a temporary folder.
#
# usage: benches/einvoice/generated.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
CORPORA=$(cd ../shared/corpora && pwd)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
python3 benches/einvoice/families.py "$CORPORA" "$OUT/families"
KONFORM_LAYOUTS_IN=$OUT/families KONFORM_LAYOUTS_OUT=$OUT/generated \
  cargo test --locked -q --test schematron_namespaces write_layouts -- --ignored >/dev/null
echo "generated: $(find "$OUT/generated" -name '*.xml' | wc -l) documents"
benches/einvoice/diff.sh "$OUT/generated"
