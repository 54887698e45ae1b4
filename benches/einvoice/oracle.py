#!/usr/bin/env python3
"""Independent oracle for the e-invoicing corpora: which standard and profile each invoice is,
which Schematron rules fire (Saxon), whether it is XSD-valid (xmllint) and the resulting verdict;
then the same facts from a konform JSON report, and the agreement counts.

The oracle does not use konform: the scenario comes from KoSIT's validator-configuration-xrechnung
scenarios.xml (../shared/corpora/kosit-validator-configuration-xrechnung, read here with its
build's placeholder values from that folder's SOURCE.txt): the first scenario whose root element
and specification identifier (CustomizationID / guideline ID, compared as the scenario's XPath
does) match. An XRechnung scenario is konform's xrechnung@3.0.2 (profile named below); a document
that no XRechnung scenario takes is EN 16931's. Rules are run by Saxon (saxonche) from the official
.sch files through benches/schematron/sch2xslt.py; the XML Schema verdict comes from xmllint;
severities are the Schematron flags (fatal -> error, warning -> warning, information -> info; no
flag -> error) with the matched scenario's customLevel list. A document is non-conformant when it
is not XSD-valid or an error-severity rule fires.

usage: oracle.py CORPORA KONFORM_REPORT.json [--write EXPECTED.tsv | --standard en16931]
(--standard en16931: every invoice is EN 16931's, CEN rules only, no customLevel: what konform's
`--standard en16931` must do for every document of the family)
(run it through benches/einvoice/run.sh, which builds konform and produces the report)
"""
import json
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "schematron"))
import sch2xslt  # noqa: E402

from saxonche import PySaxonProcessor  # noqa: E402

UBL = "urn:oasis:names:specification:ubl:schema:xsd:"
CII = "urn:un:unece:uncefact:data:standard:"
XR_MARK = re.compile(r"xeinkauf\.de:kosit:xrechnung")
# The build's placeholder values (kosit-validator-configuration-xrechnung/SOURCE.txt).
PLACEHOLDERS = {
    "xrechnung.version": "3.0.2",
    "xrechnung.spec.id": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0",
    "xrechnung.extension.id": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0",
    "xrechnung.cvd.id": "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9",
}
# konform's profile name for each XRechnung scenario (naming only).
XR_PROFILES = {
    "EN16931 XRechnung (UBL Invoice)": "invoice-ubl",
    "EN16931 XRechnung Extension (UBL Invoice)": "invoice-ubl-extension",
    "EN16931 XRechnung CVD (UBL Invoice)": "invoice-ubl-cvd",
    "EN16931 XRechnung (UBL CreditNote)": "creditnote-ubl",
    "EN16931 XRechnung CVD (UBL CreditNote)": "creditnote-ubl-cvd",
    "EN16931 XRechnung (CII)": "invoice-cii",
    "EN16931 XRechnung Extension (CII)": "invoice-cii-extension",
    "EN16931 XRechnung CVD (CII)": "invoice-cii-cvd",
}
SCN = "{http://www.xoev.de/de/validator/framework/1/scenarios}"
LEVELS = {"information": "info", "warning": "warning", "error": "error"}


def scenarios(corpora):
    """[(name, root Clark name, identifier, {rule: severity})] in the configuration's order."""
    import xml.etree.ElementTree as ET
    text = (corpora / "kosit-validator-configuration-xrechnung/scenarios.xml").read_text()
    for k, v in PLACEHOLDERS.items():
        text = text.replace("@%s@" % k, v)
    out = []
    for sc in ET.fromstring(text).iter(SCN + "scenario"):
        name = " ".join(sc.findtext(SCN + "name").split())
        ns = {n.get("prefix"): n.text.strip() for n in sc.iter(SCN + "namespace")}
        match = " ".join(sc.findtext(SCN + "match").split())
        prefix, local = re.search(r"/(\w+):(\w+)", match).groups()
        ident = re.search(r"'([^']*)'", match).group(1)
        levels = {c.text.strip(): LEVELS[c.get("level")] for c in sc.iter(SCN + "customLevel")}
        out.append((name, "{%s}%s" % (ns[prefix], local), ident, levels))
    return out


FOLDERS = ["en16931-cen/ubl/examples", "en16931-cen/cii/examples",
           "xrechnung-schematron/test/instances/ubl-inv", "xrechnung-schematron/test/instances/cii"]


def documents(corpora):
    for folder in FOLDERS:
        for p in sorted((corpora / folder).iterdir()):
            if p.suffix.lower() == ".xml":
                yield p


def classify(path, scenarios):
    """(standard, profile, syntax, customLevel) from the root element and the specification
    identifier: the first matching XRechnung scenario, else EN 16931 by syntax."""
    import xml.etree.ElementTree as ET
    root = ET.parse(path).getroot()
    if root.tag == "{%sInvoice-2}Invoice" % UBL:
        syntax, profile = "ubl", "invoice-ubl"
        ident = root.findtext("{%sCommonBasicComponents-2}CustomizationID" % UBL)
    elif root.tag == "{%sCreditNote-2}CreditNote" % UBL:
        syntax, profile = "ubl", "creditnote-ubl"
        ident = root.findtext("{%sCommonBasicComponents-2}CustomizationID" % UBL)
    elif root.tag == "{%sCrossIndustryInvoice:100}CrossIndustryInvoice" % CII:
        syntax, profile = "cii", "invoice-cii"
        ram = "{%sReusableAggregateBusinessInformationEntity:100}" % CII
        ident = root.findtext("{%sCrossIndustryInvoice:100}ExchangedDocumentContext/%sGuidelineSpecifiedDocumentContextParameter/%sID" % (CII, ram, ram))
    else:
        return None, None, None, {}
    for name, tag, value, levels in scenarios:
        if name in XR_PROFILES and tag == root.tag and ident == value:
            return "xrechnung@3.0.2", XR_PROFILES[name], syntax, levels
    if XR_MARK.search(ident or ""):
        return None, None, syntax, {}
    return "en16931@1.3.16", profile, syntax, {}


def severities(sch):
    """Rule id -> severity from the asserts' flag (or role)."""
    out = {}
    root = sch2xslt.load(str(sch), {})
    for el in root.iter():
        if el.tag in (sch2xslt.q("assert"), sch2xslt.q("report")) and el.get("id"):
            word = (el.get("flag") or el.get("role") or "").strip().lower()
            out[el.get("id")] = {"fatal": "error", "error": "error", "warning": "warning", "warn": "warning",
                                 "information": "info", "info": "info"}.get(word, "error")
    return out


class Saxon:
    def __init__(self, proc, sch):
        xsl = subprocess.run([sys.executable, str(HERE.parent / "schematron" / "sch2xslt.py"), str(sch)],
                             check=True, capture_output=True, text=True).stdout
        self.proc = proc
        self.exe = proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=xsl)
        self.severity = severities(sch)

    def fired(self, path):
        doc = self.proc.parse_xml(xml_text=path.read_bytes().decode("utf-8", errors="replace"))
        self.exe.set_global_context_item(xdm_item=doc)
        return set((self.exe.apply_templates_returning_string(xdm_value=doc) or "").split())


def xsd_valid(corpora, path, syntax, profile):
    if syntax == "ubl":
        main = "UBL-CreditNote-2.1.xsd" if profile.startswith("creditnote") else "UBL-Invoice-2.1.xsd"
        xsd = corpora / "ubl-2.1-xsd/xsd/maindoc" / main
    else:
        xsd = corpora / sch2xslt_cii_xsd()
    r = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(xsd), str(path)],
                       capture_output=True, text=True)
    return r.returncode == 0


def sch2xslt_cii_xsd():
    return "en16931-cen/cii/schema/D16B SCRDM (Subset)/uncoupled clm/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd"


def oracle(corpora):
    out = {}
    with PySaxonProcessor(license=False) as proc:
        engines = {}

        def engine(sch):
            if sch not in engines:
                engines[sch] = Saxon(proc, sch)
            return engines[sch]

        known = scenarios(corpora)
        only_en16931 = "--standard" in sys.argv
        for p in documents(corpora):
            standard, profile, syntax, levels = classify(p, known)
            if only_en16931 and syntax is not None:
                standard, levels = "en16931@1.3.16", {}
                profile = {"ubl": "creditnote-ubl" if "creditnote" in (profile or "") else "invoice-ubl",
                           "cii": "invoice-cii"}[syntax]
            rel = str(p.relative_to(corpora))
            if standard is None:
                out[rel] = (None, None, "error", set(), True)
                continue
            schs = [corpora / f"en16931-cen/{syntax}/schematron/EN16931-{syntax.upper()}-validation.sch"]
            if standard.startswith("xrechnung"):
                schs.append(corpora / f"xrechnung-schematron/src/validation/schematron/{syntax}/XRechnung-{syntax.upper()}-validation.sch")
            fired, worst = set(), set()
            for sch in schs:
                e = engine(sch)
                ids = e.fired(p)
                fired |= ids
                for i in ids:
                    worst.add(levels.get(i, e.severity.get(i, "error")))
            valid = xsd_valid(corpora, p, syntax, profile)
            verdict = "non-conformant" if (not valid or "error" in worst) else "conformant"
            out[rel] = (standard, profile, verdict, fired, valid)
    return out


def konform_facts(corpora, report):
    out = {}
    for x in json.load(open(report))["results"]:
        name = Path(x["document"]["name"]).resolve()
        rel = str(name.relative_to(corpora.resolve()))
        findings = x.get("findings", [])
        sch = {f["rule"] for f in findings if f.get("engine") == "schematron"}
        valid = not any(f.get("engine") == "xsd" for f in findings)
        out[rel] = (x.get("standard"), x.get("profile"), x["verdict"], sch, valid)
    return out


def main():
    corpora = Path(sys.argv[1])
    o = oracle(corpora)
    k = konform_facts(corpora, sys.argv[2])
    n = len(o)
    same = lambda i: sum(1 for d in o if d in k and o[d][i] == k[d][i])  # noqa: E731
    print("documents: %d (oracle), %d (konform)" % (n, len(k)))
    print("detected as the same standard@version: %d of %d" % (same(0), n))
    print("detected as the same profile:          %d of %d" % (same(1), n))
    print("same XSD verdict (xmllint):            %d of %d" % (same(4), n))
    print("same fired Schematron rules (Saxon):   %d of %d" % (same(3), n))
    print("same verdict:                          %d of %d" % (same(2), n))
    verdicts = {}
    for d in o:
        verdicts[o[d][2]] = verdicts.get(o[d][2], 0) + 1
    print("oracle verdicts: %s" % ", ".join("%s %d" % kv for kv in sorted(verdicts.items())))
    for d in sorted(o):
        if d not in k:
            print("  %s: missing from konform's report" % d)
            continue
        if o[d] != k[d]:
            print("  %s" % d)
            for i, what in enumerate(["standard", "profile", "verdict", "schematron", "xsd-valid"]):
                if o[d][i] != k[d][i]:
                    a, b = o[d][i], k[d][i]
                    if isinstance(a, set):
                        a, b = "only oracle: %s" % sorted(a - b), "only konform: %s" % sorted(b - a)
                    print("    %s: oracle %s, konform %s" % (what, a, b))
    if "--write" in sys.argv:
        target = Path(sys.argv[sys.argv.index("--write") + 1])
        lines = ["# Expected detection and verdict per document of ../shared/corpora, from the oracle",
                 "# (Saxon-HE via saxonche for Schematron, xmllint for XSD): benches/einvoice/run.sh --write.",
                 "# document\tstandard\tprofile\tverdict\tfired Schematron rules (Saxon)"]
        for d in sorted(o):
            s, p, v, fired, _ = o[d]
            lines.append("\t".join([d, s or "-", p or "-", v, " ".join(sorted(fired))]))
        target.write_text("\n".join(lines) + "\n")
        print("wrote %s" % target)


if __name__ == "__main__":
    main()
