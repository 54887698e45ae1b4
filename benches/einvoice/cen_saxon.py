#!/usr/bin/env python3
"""Saxon (saxonche) on the official compiled EN 16931 XSLT: the rule ids each document fires.

The stylesheets are CEN's own (../shared/corpora/en16931-cen/xslt/{ubl,cii}/*.xslt), run as
published; the fired ids are the @id of every svrl:failed-assert and svrl:successful-report in
the SVRL they produce. The syntax is chosen from the root element (UBL Invoice or CreditNote:
UBL; CrossIndustryInvoice: CII); any other document is listed as `-` (no reference verdict).
A dynamic error in Saxon is recorded as `!saxon-error <code>`.

usage: cen_saxon.py CORPORA OUT.tsv FILE_OR_DIR...
writes `path<TAB>sorted fired ids` lines (paths as given, files of a folder in sorted order).
Also importable: `CenSaxon(corpora).fired(path)`.
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from saxonche import PySaxonProcessor, PySaxonApiError

SVRL = "{http://purl.oclc.org/dsdl/svrl}"
ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": "ubl",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": "ubl",
    "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice": "cii",
}


def syntax_of(path):
    try:
        for _, el in ET.iterparse(str(path), events=("start",)):
            return ROOTS.get(el.tag)
    except ET.ParseError:
        return None
    return None


class CenSaxon:
    def __init__(self, corpora):
        self.corpora = Path(corpora)
        self.proc = PySaxonProcessor(license=False)
        self.exes = {}

    def exe(self, syntax):
        if syntax not in self.exes:
            xslt = self.corpora / "en16931-cen/xslt" / syntax / ("EN16931-%s-validation.xslt" % syntax.upper())
            self.exes[syntax] = self.proc.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(xslt))
        return self.exes[syntax]

    def check(self, path):
        """(sorted fired rule ids, whether a fatal-flagged one fired), or None when the
        document is not a UBL/CII invoice. A dynamic error gives (["!saxon-error", text], True)."""
        syntax = syntax_of(path)
        if syntax is None:
            return None
        try:
            svrl = self.exe(syntax).transform_to_string(source_file=str(Path(path).resolve()))
        except PySaxonApiError as e:
            return ["!saxon-error", " ".join(str(e).split())[:200]], True
        root = ET.fromstring(svrl.encode("utf-8"))
        fired = [el for el in root.iter() if el.tag in (SVRL + "failed-assert", SVRL + "successful-report")]
        ids = sorted({el.get("id") for el in fired if el.get("id")})
        fatal = any((el.get("flag") or "fatal") in ("fatal", "error") for el in fired)
        return ids, fatal

    def fired(self, path):
        """Sorted fired rule ids, or None when the document is not a UBL/CII invoice."""
        r = self.check(path)
        return None if r is None else r[0]


def files(args):
    for a in args:
        p = Path(a)
        if p.is_dir():
            yield from sorted(q for q in p.rglob("*") if q.suffix.lower() == ".xml")
        else:
            yield p


def main():
    corpora, out = sys.argv[1], sys.argv[2]
    s = CenSaxon(corpora)
    lines = []
    for f in files(sys.argv[3:]):
        ids = s.fired(f)
        lines.append("%s\t%s" % (f, "-" if ids is None else " ".join(ids)))
    Path(out).write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
