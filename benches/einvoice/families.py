#!/usr/bin/env python3
"""Invoices of every EN 16931 customization family, made from the official CEN examples.

Each base document (UBL Invoice, UBL CreditNote, CII) is written once per specification
identifier a family uses — the UBL cbc:CustomizationID or the CII guideline ID — with the rest
of the invoice unchanged: EN 16931 itself, XRechnung 3.0 CIUS, Extension and CVD, Peppol BIS
Billing 3.0, and the Factur-X / ZUGFeRD profiles beyond EN 16931 itself (EXTENDED, BASIC; CII
only, as those profiles are; their EN 16931 profile uses the plain CEN identifier). The namespace layouts are added afterwards by
tests/schematron_namespaces.rs (`write_layouts`), see benches/einvoice/generated.sh.

usage: families.py CORPORA OUT_DIR
"""
import re
import sys
from pathlib import Path

CEN = "urn:cen.eu:en16931:2017"
XR = CEN + "#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0"
FAMILIES = {
    "en16931": CEN,
    "xrechnung-cius": XR,
    "xrechnung-extension": XR + "#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
    "xrechnung-cvd": XR + "#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9",
    "peppol-bis3": CEN + "#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0",
}
CII_ONLY = {
    "facturx-extended": CEN + "#conformant#urn:factur-x.eu:1p0:extended",
    "facturx-basic": CEN + "#compliant#urn:factur-x.eu:1p0:basic",
}
BASES = [
    "ubl/examples/ubl-tc434-example1.xml",
    "ubl/examples/ubl-tc434-example2.xml",
    "ubl/examples/ubl-tc434-creditnote1.xml",
    "cii/examples/CII_example1.xml",
    "cii/examples/CII_example4.xml",
    "cii/examples/CII_business_example_01.xml",
]
UBL_ID = re.compile(r"(<(\w+:)?CustomizationID\b[^>]*>)([^<]*)(</)")
CII_ID = re.compile(r"(<(\w+:)?GuidelineSpecifiedDocumentContextParameter>\s*<(\w+:)?ID\b[^>]*>)([^<]*)(</)")


def main():
    corpora, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    n = 0
    for rel in BASES:
        src = corpora / "en16931-cen" / rel
        text = src.read_text(encoding="utf-8")
        cii = "CrossIndustryInvoice:100" in text
        families = dict(FAMILIES, **(CII_ONLY if cii else {}))
        for name, ident in families.items():
            if cii:
                new, k = CII_ID.subn(lambda m: m.group(1) + ident + m.group(5), text, count=1)
            else:
                new, k = UBL_ID.subn(lambda m: m.group(1) + ident + m.group(4), text, count=1)
            if k != 1:
                sys.exit("%s: no specification identifier to replace" % src)
            (out / ("%s.%s.xml" % (src.stem, name))).write_text(new, encoding="utf-8")
            n += 1
    print("%d invoices in %s" % (n, out), file=sys.stderr)


if __name__ == "__main__":
    main()
