#!/usr/bin/env python3
"""Write each VEFA test fragment of a folder as a standalone document (for the differential run).

usage: extract_vefa.py SUITE_DIR OUT_DIR
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

VEFA = "{http://difi.no/xsd/vefa/validator/1.0}"

out = Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
for f in sorted(Path(sys.argv[1]).rglob("*.xml")):
    root = ET.parse(f).getroot()
    if root.tag != VEFA + "testSet":
        continue
    for i, test in enumerate(root.findall(VEFA + "test")):
        doc = next((c for c in test if not c.tag.startswith(VEFA)), None)
        if doc is not None:
            name = "%s-%s-%02d.xml" % (f.parent.name, f.stem, i)
            (out / name).write_bytes(ET.tostring(doc, encoding="utf-8"))
