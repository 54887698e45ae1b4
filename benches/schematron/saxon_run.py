#!/usr/bin/env python3
"""Run a Schematron schema with Saxon (saxonche) over a folder of documents.

Prints timings (compile, cold first document, warm median per document, batch of N) to stderr
and writes `file<TAB>sorted fired rule ids` lines (the format konform's timing test writes with
KONFORM_BENCH_OUT) to the output file.

usage: saxon_run.py SCHEMA.sch DOCS_DIR OUT.tsv [N]
"""
import statistics
import subprocess
import sys
import time
from pathlib import Path

from saxonche import PySaxonProcessor


def main():
    sch, docs_dir, out_path = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 1000
    here = Path(__file__).parent
    t = time.perf_counter()
    xsl = subprocess.run([sys.executable, str(here / "sch2xslt.py"), sch], check=True, capture_output=True, text=True).stdout
    gen = time.perf_counter() - t
    files = sorted(p for p in docs_dir.iterdir() if p.suffix.lower() == ".xml")
    with PySaxonProcessor(license=False) as proc:
        x = proc.new_xslt30_processor()
        t = time.perf_counter()
        exe = x.compile_stylesheet(stylesheet_text=xsl)
        compile_s = time.perf_counter() - t

        def check(path):
            doc = proc.parse_xml(xml_text=path.read_bytes().decode("utf-8", errors="replace"))
            exe.set_global_context_item(xdm_item=doc)
            res = exe.apply_templates_returning_string(xdm_value=doc) or ""
            return sorted(set(res.split()))

        lines, warm_all = [], []
        for i, f in enumerate(files):
            t = time.perf_counter()
            ids = check(f)
            cold = time.perf_counter() - t
            warm = []
            for _ in range(5):
                t = time.perf_counter()
                check(f)
                warm.append(time.perf_counter() - t)
            warm_all.append(statistics.median(warm))
            lines.append("%s\t%s" % (f.name, " ".join(ids)))
            if i == 0:
                print("first document (cold): %.1f ms" % (cold * 1000), file=sys.stderr)
        t = time.perf_counter()
        for i in range(n):
            check(files[i % len(files)])
        batch = time.perf_counter() - t
    Path(out_path).write_text("\n".join(lines) + "\n")
    print("saxon: sch->xslt %.0f ms, compile %.0f ms, warm median %.2f ms/doc, batch of %d: %.2f s (%.2f ms/doc, 1 thread)"
          % (gen * 1000, compile_s * 1000, statistics.median(warm_all) * 1000, n, batch, batch / n * 1000), file=sys.stderr)


if __name__ == "__main__":
    main()
