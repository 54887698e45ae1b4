#!/usr/bin/env python3
"""Differential: konform against Saxon on the official compiled CEN XSLT, document by document.

For every UBL / CII invoice among the given files and folders: the EN 16931 rule ids Saxon
fires with CEN's own compiled XSLT (cen_saxon.py) and its decision (non-conformant when a
fatal-flagged rule fires or xmllint finds the document invalid against the UBL 2.1 / CII D16B
schema), beside the Schematron rule ids and the verdict in konform's JSON report. Lists every
document whose fired rules or decision differ, with what differs: rules only one side fires,
rules konform could not evaluate (with the engine's reason), a document konform gave no
verdict for (with its error), the decisions.

usage: diff.py CORPORA KONFORM_REPORT.json FILE_OR_DIR...   (run through diff.sh)
"""
import json
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cen_saxon  # noqa: E402

CII_XSD = "en16931-cen/cii/schema/D16B SCRDM (Subset)/uncoupled clm/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd"


def xsd_valid(corpora, path, syntax):
    if syntax == "cii":
        xsd = corpora / CII_XSD
    else:
        head = path.read_bytes()[:4000]
        main = "UBL-CreditNote-2.1.xsd" if b"CreditNote-2" in head else "UBL-Invoice-2.1.xsd"
        xsd = corpora / "ubl-2.1-xsd/xsd/maindoc" / main
    r = subprocess.run(["xmllint", "--noout", "--nonet", "--schema", str(xsd), str(path)],
                       capture_output=True, text=True)
    return r.returncode == 0


def konform_results(report):
    out = {}
    for r in json.load(open(report))["results"]:
        name = str(Path(r["document"]["name"]).resolve())
        findings = r.get("findings", [])
        # Only the rules of CEN's Schematron: a refining standard (XRechnung) adds its own.
        sch = [f for f in findings if f.get("engine") == "schematron"
               and "EN16931" in (f.get("artefact") or "EN16931")]
        errors = {f["rule"]: f["message"] for f in sch
                  if f["message"].startswith("could not evaluate") and not f.get("schematron")}
        fired = sorted({f["rule"] for f in sch if f["rule"] not in errors})
        err = (r.get("error") or {}).get("message")
        out[name] = {"verdict": r.get("verdict"), "fired": fired, "errors": errors, "error": err,
                     "standard": r.get("standard"), "profile": r.get("profile")}
    return out


def main():
    corpora, report, targets = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
    saxon = cen_saxon.CenSaxon(corpora)
    k = konform_results(report)
    docs = agree = skipped = other_standard = 0
    differ = []
    for f in cen_saxon.files(targets):
        res = saxon.check(f)
        if res is None:
            skipped += 1
            continue
        docs += 1
        s_ids, fatal = res
        syntax = cen_saxon.syntax_of(f)
        s_decision = "non-conformant" if fatal or not xsd_valid(corpora, f, syntax) else "conformant"
        kr = k.get(str(f.resolve()))
        causes = []
        if kr is None:
            causes.append("missing from konform's report")
        else:
            if kr["error"]:
                causes.append("konform gave no verdict: %s" % kr["error"])
            for rule, msg in sorted(kr["errors"].items()):
                causes.append("konform could not evaluate %s: %s" % (rule, msg))
            only_s = sorted(set(s_ids) - set(kr["fired"]) - set(kr["errors"]))
            only_k = sorted(set(kr["fired"]) - set(s_ids))
            if only_s:
                causes.append("only Saxon fires %s" % " ".join(only_s))
            if only_k:
                causes.append("only konform fires %s" % " ".join(only_k))
            general = (kr["standard"] or "en16931").startswith("en16931")
            if not general:
                other_standard += 1
            if kr["verdict"] != s_decision and (general or kr["error"]):
                causes.append("decision: Saxon+xmllint %s, konform %s" % (s_decision, kr["verdict"]))
        if causes:
            differ.append((f, causes))
        else:
            agree += 1
    print("documents: %d (UBL/CII invoices; %d other files skipped)" % (docs, skipped))
    print("agree (same fired rules and decision): %d" % agree)
    print("differ: %d" % len(differ))
    if other_standard:
        print("(%d documents konform checked as a refining standard: their EN 16931 rules are compared,"
              " their decision is not)" % other_standard)
    for f, causes in differ:
        print("  %s" % f)
        for c in causes:
            print("    %s" % c)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
