#!/usr/bin/env python3
"""Writes the manifests of the e-invoicing packages (en16931@1.3.16, xrechnung@3.0.2).

The packages reference their artefacts (official XSDs and Schematron, published by their
owners) by path, sha256 and publication URL; the files themselves are not in this repository.
This script reads the artefacts from an offline mirror (../shared/corpora) to compute the
digests and writes standards/<id>/<version>/standard.toml. Run it again when the mirror is
updated; review the diff.

Usage: standards/tools/einvoice_manifests.py [CORPORA_DIR]
"""
import hashlib
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPORA = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "corpora"))

CEN_COMMIT = "b6c9e06a59812fb1a83585da40923b3678a649ad"
XR_COMMIT = "3098f3da447b9c435c969158a576573bca09afbe"
CEN_URL = f"https://raw.githubusercontent.com/ConnectingEurope/eInvoicing-EN16931/{CEN_COMMIT}/"
XR_URL = f"https://raw.githubusercontent.com/itplr-kosit/xrechnung-schematron/{XR_COMMIT}/"
UBL_URL = "https://docs.oasis-open.org/ubl/os-UBL-2.1/xsd/"
CII_SRC = "en16931-cen/cii/schema/D16B SCRDM (Subset)/uncoupled clm/"

UBL_NS = "urn:oasis:names:specification:ubl:schema:xsd:"
CBC = "{" + UBL_NS + "CommonBasicComponents-2}"
CII_NS = "urn:un:unece:uncefact:data:standard:"
RSM = "{" + CII_NS + "CrossIndustryInvoice:100}"
RAM = "{" + CII_NS + "ReusableAggregateBusinessInformationEntity:100}"
CII_GUIDELINE = f"{RSM}ExchangedDocumentContext/{RAM}GuidelineSpecifiedDocumentContextParameter/{RAM}ID"


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def tree(src_dir, pkg_prefix, url_prefix, suffixes=(".xsd", ".sch")):
    """(package path, mirror path, url) for every artefact file below src_dir."""
    out = []
    base = os.path.join(CORPORA, src_dir)
    for d, _, files in os.walk(base):
        for f in sorted(files):
            if not f.endswith(suffixes):
                continue
            rel = os.path.relpath(os.path.join(d, f), base).replace(os.sep, "/")
            out.append((pkg_prefix + rel, os.path.join(d, f), url_prefix + rel.replace(" ", "%20")))
    return sorted(out)


def artefact_name(pkg_path):
    return pkg_path.replace("/", "-").rsplit(".", 1)[0]


def artefacts_toml(entries, main):
    lines = []
    for pkg_path, src, url in entries:
        kind = "schematron" if pkg_path.endswith(".sch") else "xsd"
        name = main.get(pkg_path, artefact_name(pkg_path))
        lines += ["[[artefacts]]", f'name = "{name}"', f'file = "{pkg_path}"', f'sha256 = "{sha(src)}"',
                  f'kind = "{kind}"', f'url = "{url}"', ""]
    return "\n".join(lines)


def profile(name, title, artefacts, root, values):
    lines = ["[[profiles]]", f'name = "{name}"', f'title = "{title}"', 'format = "xml"',
             "artefacts = [" + ", ".join(f'"{a}"' for a in artefacts) + "]", "[profiles.match]", f'root = "{root}"']
    for v in values:
        lines.append("[[profiles.match.values]]")
        lines += [f'{k} = "{val}"' for k, val in v.items()]
    return "\n".join(lines) + "\n"


def ubl_entries():
    return tree("ubl-2.1-xsd/xsd", "ubl-2.1/", UBL_URL)


def cii_entries():
    raw = tree(CII_SRC, "cii-d16b/", CEN_URL + "cii/schema/D16B%20SCRDM%20(Subset)/uncoupled%20clm/")
    return raw


def cen_sch(syntax):
    return tree(f"en16931-cen/{syntax}/schematron", f"en16931/{syntax}/", CEN_URL + f"{syntax}/schematron/", (".sch",))


def without_preprocessed(entries):
    return [e for e in entries if "/preprocessed/" not in e[0]]


XSD_RULE = """[[rules]]
id = "{id}"
level = "MUST"
severity = "error"
title = "The invoice is valid against the XML Schema of its syntax (UBL 2.1 or UN/CEFACT CII D16B)"
clause = "CEN/TS 16931-3-2:2020 (UBL binding) / CEN/TS 16931-3-3:2020 (CII binding): XML Schema"
engine = "xsd"
"""

# The acceptance policy of XRechnung's published KoSIT validator configuration
# (itplr-kosit/validator-configuration-xrechnung, release for XRechnung 3.0.2, scenarios.xml):
# the scenario "EN16931 CIUS XRechnung (UBL Invoice)" lowers three code-list rules with
# `customLevel` (the credit note and CII scenarios lower none), and every scenario accepts a
# document when the validator's own assessment is `accept`.
XR_SCENARIOS = "KoSIT validator-configuration-xrechnung (XRechnung 3.0.2) scenarios.xml"
XR_POLICY = f"""# Severity overrides and acceptance from {XR_SCENARIOS}.
[[overrides]]
rules = ["BR-CL-01"]
severity = "info"
profiles = ["invoice-ubl"]
reason = "customLevel information in scenario 'EN16931 CIUS XRechnung (UBL Invoice)' of {XR_SCENARIOS}"

[[overrides]]
rules = ["BR-CL-23", "BR-CL-21"]
severity = "warning"
profiles = ["invoice-ubl"]
reason = "customLevel warning in scenario 'EN16931 CIUS XRechnung (UBL Invoice)' of {XR_SCENARIOS}"

[acceptance]
reject_at = "error"
kosit_accept_match = "/rep:report/rep:assessment[1]/rep:accept[1]"
"""

XR_MARK = "xeinkauf\\\\.de:kosit:xrechnung"


def write(pkg_dir, text):
    os.makedirs(pkg_dir, exist_ok=True)
    with open(os.path.join(pkg_dir, "standard.toml"), "w") as f:
        f.write(text)
    print("wrote", os.path.relpath(os.path.join(pkg_dir, "standard.toml"), ROOT))


def en16931():
    ubl, cii = ubl_entries(), cii_entries()
    ubl_sch, cii_sch = without_preprocessed(cen_sch("ubl")), without_preprocessed(cen_sch("cii"))
    main = {
        "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd": "ubl-invoice",
        "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd": "ubl-creditnote",
        "cii-d16b/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd": "cii-invoice",
        "en16931/ubl/EN16931-UBL-validation.sch": "en16931-ubl",
        "en16931/cii/EN16931-CII-validation.sch": "en16931-cii",
    }
    head = f"""# EN 16931-1:2017 semantic model, UBL 2.1 and UN/CEFACT CII D16B syntax bindings, with the
# CEN/TC 434 validation artefacts (Schematron rules release 1.3.16).
# Written by standards/tools/einvoice_manifests.py from an offline mirror; the artefacts are
# published by OASIS (UBL 2.1 XSD), UN/CEFACT (CII D16B XSD) and CEN/TC 434 (Schematron) and are
# not part of this repository: `konform standards fetch en16931@1.3.16 --from MIRROR`.
# Documents declaring an XRechnung CustomizationID belong to the xrechnung package, not here.
id = "en16931"
version = "1.3.16"
title = "EN 16931 electronic invoicing (CEN validation artefacts 1.3.16)"
publisher = "CEN/TC 434"
spec_url = "https://github.com/ConnectingEurope/eInvoicing-EN16931"

[status]
state = "active"
valid_from = 2026-04-14

"""
    profiles = "\n".join([
        profile("invoice-ubl", "EN 16931 invoice in UBL 2.1", ["ubl-invoice", "en16931-ubl"],
                "{" + UBL_NS + "Invoice-2}Invoice", [{"path": f"{CBC}CustomizationID", "not_matches": XR_MARK}]),
        profile("creditnote-ubl", "EN 16931 credit note in UBL 2.1", ["ubl-creditnote", "en16931-ubl"],
                "{" + UBL_NS + "CreditNote-2}CreditNote", [{"path": f"{CBC}CustomizationID", "not_matches": XR_MARK}]),
        profile("invoice-cii", "EN 16931 invoice in UN/CEFACT CII D16B", ["cii-invoice", "en16931-cii"],
                f"{RSM}CrossIndustryInvoice", [{"path": CII_GUIDELINE, "not_matches": XR_MARK}]),
    ])
    text = head + artefacts_toml(ubl + cii + ubl_sch + cii_sch, main) + "\n" + profiles + "\n" + XSD_RULE.format(id="EN16931-XSD")
    write(os.path.join(ROOT, "standards", "en16931", "1.3.16"), text)


def xrechnung():
    ubl, cii = ubl_entries(), cii_entries()
    ubl_sch, cii_sch = without_preprocessed(cen_sch("ubl")), without_preprocessed(cen_sch("cii"))
    xr = tree("xrechnung-schematron/src/validation/schematron", "xrechnung/", XR_URL + "src/validation/schematron/", (".sch",))
    main = {
        "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd": "ubl-invoice",
        "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd": "ubl-creditnote",
        "cii-d16b/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd": "cii-invoice",
        "en16931/ubl/EN16931-UBL-validation.sch": "en16931-ubl",
        "en16931/cii/EN16931-CII-validation.sch": "en16931-cii",
        "xrechnung/ubl/XRechnung-UBL-validation.sch": "xrechnung-ubl",
        "xrechnung/cii/XRechnung-CII-validation.sch": "xrechnung-cii",
    }
    ids = "^urn:cen\\\\.eu:en16931:2017#compliant#urn:xeinkauf\\\\.de:kosit:xrechnung_3\\\\.0(#.*)?$"
    head = f"""# XRechnung 3.0.x: the German CIUS of EN 16931 with its extension and CVD
# CustomizationIDs, validated with UBL 2.1 / CII D16B XSD, the CEN EN 16931 Schematron (1.3.16)
# and the XRechnung Schematron (xrechnung-schematron, commit {XR_COMMIT[:12]}, after v2.5.0).
# Written by standards/tools/einvoice_manifests.py; artefacts are fetched into the artefact store
# (`konform standards fetch xrechnung@3.0.2 --from MIRROR`), not kept in this repository.
# Severities come from the Schematron flags (fatal -> error, warning -> warning), which is what
# XRechnung's published validator configuration reports, except for the rules its UBL invoice
# scenario lowers with customLevel ([[overrides]] at the end).
id = "xrechnung"
version = "3.0.2"
title = "XRechnung 3.0.2 (CIUS, extension and CVD of EN 16931)"
publisher = "KoSIT (Koordinierungsstelle für IT-Standards)"
spec_url = "https://xeinkauf.de/xrechnung/"

[status]
state = "active"
valid_from = 2024-02-01

"""
    profiles = "\n".join([
        profile("invoice-ubl", "XRechnung invoice in UBL 2.1", ["ubl-invoice", "en16931-ubl", "xrechnung-ubl"],
                "{" + UBL_NS + "Invoice-2}Invoice", [{"path": f"{CBC}CustomizationID", "matches": ids}]),
        profile("creditnote-ubl", "XRechnung credit note in UBL 2.1", ["ubl-creditnote", "en16931-ubl", "xrechnung-ubl"],
                "{" + UBL_NS + "CreditNote-2}CreditNote", [{"path": f"{CBC}CustomizationID", "matches": ids}]),
        profile("invoice-cii", "XRechnung invoice in UN/CEFACT CII D16B", ["cii-invoice", "en16931-cii", "xrechnung-cii"],
                f"{RSM}CrossIndustryInvoice", [{"path": CII_GUIDELINE, "matches": ids}]),
    ])
    text = (head + artefacts_toml(ubl + cii + ubl_sch + cii_sch + xr, main) + "\n" + profiles + "\n"
            + XSD_RULE.format(id="XR-XSD") + "\n" + XR_POLICY)
    write(os.path.join(ROOT, "standards", "xrechnung", "3.0.2"), text)


if __name__ == "__main__":
    en16931()
    xrechnung()
