#!/usr/bin/env python3
"""Saxon's outcomes for konform's XSLT-semantics conformance files.

For every `NAME.sch` in tests/fixtures/schematron/xslt-semantics, compiles it to XSLT with
sch2xslt.py (xsl:functions copied as written, so Saxon applies XSLT's own rules to them), runs
Saxon (saxonche) on `NAME.xml`, and records the fired rule ids, one entry per firing, sorted.
tests/schematron_xslt_semantics.rs asserts konform fires exactly these.

usage: xslt_semantics.py [--check]   (run from the repository root)
"""
import subprocess
import sys
from pathlib import Path

from saxonche import PySaxonProcessor

HERE = Path(__file__).resolve().parent
DIR = HERE.parent.parent / "tests/fixtures/schematron/xslt-semantics"
TSV = DIR / "expected.tsv"


def main():
    lines = ["# Rule ids Saxon-HE (saxonche) fires, one per firing, for each NAME.sch on NAME.xml",
             "# (the schema compiled by benches/schematron/sch2xslt.py): benches/schematron/xslt_semantics.py"]
    with PySaxonProcessor(license=False) as proc:
        for sch in sorted(DIR.glob("*.sch")):
            xsl = subprocess.run([sys.executable, str(HERE / "sch2xslt.py"), str(sch)],
                                 check=True, capture_output=True, text=True).stdout
            exe = proc.new_xslt30_processor().compile_stylesheet(stylesheet_text=xsl)
            doc = proc.parse_xml(xml_file_name=str(sch.with_suffix(".xml")))
            exe.set_global_context_item(xdm_item=doc)
            out = exe.apply_templates_returning_string(xdm_value=doc) or ""
            ids = sorted(out.split())
            lines.append("%s\t%s" % (sch.stem, " ".join(ids)))
            print("%-24s %s" % (sch.stem, " ".join(ids)))
    text = "\n".join(lines) + "\n"
    if "--check" in sys.argv:
        same = TSV.exists() and TSV.read_text() == text
        print("same as %s" % TSV if same else "differs from %s" % TSV)
        sys.exit(0 if same else 1)
    TSV.write_text(text)
    print("wrote %s" % TSV)


if __name__ == "__main__":
    main()
