#!/usr/bin/env python3
"""Writes the manifest of en16931@1.3.16 and the KoSIT import recipe of xrechnung@3.0.2.

The packages reference their artefacts (official XSDs and Schematron, published by their
owners) by path, sha256 and publication URL; the files themselves are not in this repository.
This script reads the artefacts from an offline mirror (../shared/corpora) to compute the
digests and writes standards/en16931/1.3.16/standard.toml and
standards/tools/xrechnung-3.0.2.kosit.toml. The xrechnung package itself is generated from KoSIT's
configuration with that recipe:
  konform standards import kosit ../shared/corpora/kosit-validator-configuration-xrechnung/scenarios.xml \
      --recipe standards/tools/xrechnung-3.0.2.kosit.toml --out DIR
(tests/cli/artefacts.rs regenerates it and compares). Run both again when the mirror is updated;
review the diff.

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


def profile(name, title, artefacts, root, values, claims=None):
    lines = ["[[profiles]]", f'name = "{name}"', f'title = "{title}"', 'format = "xml"',
             "artefacts = [" + ", ".join(f'"{a}"' for a in artefacts) + "]", "[profiles.match]", f'root = "{root}"']
    for v in values:
        lines.append("[[profiles.match.values]]")
        lines += [f'{k} = "{val}"' for k, val in v.items()]
    if claims:
        lines += ["[profiles.claims]", f'root = "{root}"']
        for v in claims:
            lines.append("[[profiles.claims.values]]")
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

XR_MARK = "xeinkauf\\\\.de:kosit:xrechnung"
# A document claims EN 16931 when its specification identifier's first component is EN 16931's.
EN_CLAIM = "^urn:cen\\\\.eu:en16931:2017(#.*)?$"

EN_FALLBACK = """
# Envelope level: with --standard en16931, a document that is none of the invoice kinds above
# (and claims no EN 16931 specification identifier) is evaluated here and breaks EN16931-DOCUMENT.
[[profiles]]
name = "not-an-invoice"
title = "A document that is not an EN 16931 invoice or credit note"
format = "xml"
artefacts = []
fallback = true
fallback_rule = "EN16931-DOCUMENT"

[[profiles]]
name = "not-an-invoice-json"
title = "A JSON document: EN 16931 has no JSON syntax binding"
format = "json"
artefacts = []
fallback = true
fallback_rule = "EN16931-DOCUMENT"
"""

EN_DOCUMENT_RULE = """
[[rules]]
id = "EN16931-DOCUMENT"
level = "MUST"
severity = "error"
title = "The document is an invoice or credit note in a syntax of EN 16931 (UBL 2.1 Invoice or CreditNote, UN/CEFACT CII D16B CrossIndustryInvoice)"
clause = "EN 16931-1:2017 §1 (scope) with CEN/TS 16931-3-1:2017 (syntax bindings: UBL 2.1, UN/CEFACT CII D16B)"
engine = "input"
profiles = ["not-an-invoice", "not-an-invoice-json"]
"""


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
# Documents declaring an XRechnung CustomizationID belong to the xrechnung package, not here,
# unless en16931 is named (--standard en16931): a document whose specification identifier claims
# EN 16931 (first component urn:cen.eu:en16931:2017) is then evaluated here ([profiles.claims]).
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
                "{" + UBL_NS + "Invoice-2}Invoice", [{"path": f"{CBC}CustomizationID", "not_matches": XR_MARK}],
                [{"path": f"{CBC}CustomizationID", "matches": EN_CLAIM}]),
        profile("creditnote-ubl", "EN 16931 credit note in UBL 2.1", ["ubl-creditnote", "en16931-ubl"],
                "{" + UBL_NS + "CreditNote-2}CreditNote", [{"path": f"{CBC}CustomizationID", "not_matches": XR_MARK}],
                [{"path": f"{CBC}CustomizationID", "matches": EN_CLAIM}]),
        profile("invoice-cii", "EN 16931 invoice in UN/CEFACT CII D16B", ["cii-invoice", "en16931-cii"],
                f"{RSM}CrossIndustryInvoice", [{"path": CII_GUIDELINE, "not_matches": XR_MARK}],
                [{"path": CII_GUIDELINE, "matches": EN_CLAIM}]),
    ])
    text = (head + artefacts_toml(ubl + cii + ubl_sch + cii_sch, main) + "\n" + profiles + EN_FALLBACK + "\n"
            + XSD_RULE.format(id="EN16931-XSD") + EN_DOCUMENT_RULE)
    write(os.path.join(ROOT, "standards", "en16931", "1.3.16"), text)


# What KoSIT's scenarios.xml does not say: its build's placeholder values (SOURCE.txt of the
# mirror), where each scenario resource is published, stable profile names.
XR_SOURCE = {"kind": "kosit", "configuration": "itplr-kosit/validator-configuration-xrechnung",
             "release": "v2026-01-31", "commit": "6faac15d697acfecb660b955962d90cd0d6ff4be"}
XR_PROPERTIES = {
    "xrechnung.version": "3.0.2",
    "cen.spec.id": "urn:cen.eu:en16931:2017",
    "xrechnung.spec.id": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
    "xrechnung.extension.id": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
    "xrechnung.cvd.id": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9",
    "xrechnung.cvd.version.major.minor": "0.9",
    "ubl.version": "2.1",
    "cii.version": "D16B",
    "cen.rules.version": "1.3.15",
    "xrechnung.rules.version.full": "2.5.0",
}
XR_RESOURCES = {
    "resources/ubl/2.1/xsd/maindoc/UBL-Invoice-2.1.xsd": "ubl-invoice",
    "resources/ubl/2.1/xsd/maindoc/UBL-CreditNote-2.1.xsd": "ubl-creditnote",
    "resources/ubl/2.1/xsl/EN16931-UBL-validation.xsl": "en16931-ubl",
    "resources/xrechnung/3.0.2/xsl/XRechnung-UBL-validation.xsl": "xrechnung-ubl",
    "resources/cii/16b/xsd/CrossIndustryInvoice_100pD16B.xsd": "cii-invoice",
    "resources/cii/16b/xsl/EN16931-CII-validation.xsl": "en16931-cii",
    "resources/xrechnung/3.0.2/xsl/XRechnung-CII-validation.xsl": "xrechnung-cii",
}
# Scenario -> (profile, precedence). The three EN 16931-only scenarios rank below the en16931
# package's profiles, so detection keeps giving a plain EN 16931 invoice to en16931 when both are
# installed.
XR_PROFILES = {
    "EN16931 XRechnung (UBL Invoice)": ("invoice-ubl", 0),
    "EN16931 XRechnung Extension (UBL Invoice)": ("invoice-ubl-extension", 0),
    "EN16931 XRechnung CVD (UBL Invoice)": ("invoice-ubl-cvd", 0),
    "EN16931 XRechnung (UBL CreditNote)": ("creditnote-ubl", 0),
    "EN16931 XRechnung CVD (UBL CreditNote)": ("creditnote-ubl-cvd", 0),
    "EN16931 XRechnung (CII)": ("invoice-cii", 0),
    "EN16931 XRechnung Extension (CII)": ("invoice-cii-extension", 0),
    "EN16931 XRechnung CVD (CII)": ("invoice-cii-cvd", 0),
    "EN16931 (UBL Invoice)": ("en16931-invoice-ubl", -1),
    "EN16931 (UBL CreditNote)": ("en16931-creditnote-ubl", -1),
    "EN16931 (CII)": ("en16931-invoice-cii", -1),
}
XR_APPEND = """# Envelope level: with --standard xrechnung, a document that no scenario matches (KoSIT's
# validator answers it with its noScenarioReport: rejected) is evaluated here.
[[profiles]]
name = "no-scenario"
title = "A document that no scenario of the XRechnung configuration matches"
format = "xml"
artefacts = []
fallback = true
fallback_rule = "XR-SCENARIO"

[[profiles]]
name = "no-scenario-json"
title = "A JSON document: no scenario of the XRechnung configuration takes JSON"
format = "json"
artefacts = []
fallback = true
fallback_rule = "XR-SCENARIO"

""" + XSD_RULE.format(id="XR-XSD") + """
[[rules]]
id = "XR-SCENARIO"
level = "MUST"
severity = "error"
title = "The document is a UBL 2.1 Invoice or CreditNote or a CII CrossIndustryInvoice with a specification identifier (BT-24) that a scenario of the XRechnung configuration accepts"
clause = "XRechnung 3.0.2 BT-24 (Specification identifier); KoSIT validator-configuration-xrechnung scenarios.xml: scenario match, noScenarioReport"
engine = "input"
profiles = ["no-scenario", "no-scenario-json"]
"""


def toml_value(v):
    if isinstance(v, int):
        return str(v)
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
    comment = [
        "XRechnung 3.0.x: the German CIUS of EN 16931 with its extension and CVD, as KoSIT's",
        "validator configuration checks it: one profile per scenario (matched by root element and",
        "specification identifier), with the scenario's customLevel as [[overrides]] and its acceptMatch.",
        f"Artefacts: UBL 2.1 / CII D16B XSD, the CEN EN 16931 Schematron (1.3.16; the configuration's",
        f"build names 1.3.15) and the XRechnung Schematron (xrechnung-schematron {XR_COMMIT[:12]}, after v2.5.0),",
        "fetched into the artefact store (`konform standards fetch xrechnung@3.0.2 --from MIRROR`).",
        "konform runs the Schematron sources where the configuration names their compiled XSLT.",
    ]
    lines = [
        "# Recipe for `konform standards import kosit`: what KoSIT's validator-configuration-xrechnung",
        "# scenarios.xml does not say. Written by standards/tools/einvoice_manifests.py.",
        "comment = [\n  " + ",\n  ".join(toml_value(c) for c in comment) + ",\n]",
        'id = "xrechnung"', 'version = "3.0.2"',
        'title = "XRechnung 3.0.2 (CIUS, extension and CVD of EN 16931)"',
        'publisher = "KoSIT (Koordinierungsstelle für IT-Standards)"',
        'spec_url = "https://xeinkauf.de/xrechnung/"',
        'refines = "en16931@1.3"',
        'append = """',
        XR_APPEND.strip().replace("\\", "\\\\"),
        '"""', "",
        "[source]", *[f"{k} = {toml_value(v)}" for k, v in XR_SOURCE.items()], "",
        "[status]", 'state = "active"', "valid_from = 2024-02-01", "",
        "[properties]", *[f'"{k}" = {toml_value(v)}' for k, v in XR_PROPERTIES.items()], "",
        "[resources]", *[f'"{k}" = {toml_value(v)}' for k, v in XR_RESOURCES.items()], "",
    ]
    for scenario, (name, prec) in XR_PROFILES.items():
        lines += [f"[profiles.{toml_value(scenario)}]", f"name = {toml_value(name)}"]
        if prec:
            lines.append(f"precedence = {prec}")
        lines.append("")
    for pkg_path, src, url in ubl + cii + ubl_sch + cii_sch + xr:
        kind = "schematron" if pkg_path.endswith(".sch") else "xsd"
        name = main.get(pkg_path, artefact_name(pkg_path))
        lines += ["[[artefacts]]", f'name = "{name}"', f'file = "{pkg_path}"', f'sha256 = "{sha(src)}"',
                  f'kind = "{kind}"', f'url = "{url}"', ""]
    target = os.path.join(HERE, "xrechnung-3.0.2.kosit.toml")
    with open(target, "w") as f:
        f.write("\n".join(lines))
    print("wrote", os.path.relpath(target, ROOT))


if __name__ == "__main__":
    en16931()
    xrechnung()
