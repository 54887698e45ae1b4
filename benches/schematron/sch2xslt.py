#!/usr/bin/env python3
"""Compile an ISO Schematron schema to an XSLT 2.0 stylesheet for Saxon (the peer oracle).

Not a full ISO skeleton: just what the differential comparison needs. It follows the skeleton's
semantics where they matter for which rules fire: includes are inlined, abstract patterns are
instantiated by textual parameter substitution, pattern and schema lets become global
variables, each pattern is one mode whose rules are templates with priority by document order
(first matching rule fires), the walk visits the document node, elements and attributes,
xsl:function definitions are copied. The output is one line per failed assert / successful
report: the rule id.

usage: sch2xslt.py SCHEMA.sch > schema.xsl
"""
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

SCH = "http://purl.oclc.org/dsdl/schematron"
XSL = "http://www.w3.org/1999/XSL/Transform"


def q(local):
    return "{%s}%s" % (SCH, local)


def load(path, prefixes):
    """Parse a file, collecting namespace declarations, and inline includes."""
    events = ET.iterparse(path, events=("start-ns",))
    for _, (prefix, uri) in events:
        if prefix and uri not in (SCH,):
            prefixes.setdefault(prefix, uri)
    root = events.root
    expand(root, Path(path).parent, prefixes)
    return root


def expand(el, base, prefixes):
    for i, child in enumerate(list(el)):
        if child.tag == q("include"):
            inc = load(base / child.get("href").split("#")[0], prefixes)
            el.remove(child)
            el.insert(i, inc)
        else:
            expand(child, base, prefixes)


def substitute(text, params):
    if not text or not params:
        return text
    for name in sorted(params, key=len, reverse=True):
        text = re.sub(r"\$" + re.escape(name) + r"(?![\w.\-])", lambda _m, v=params[name]: v, text)
    return text


def main():
    prefixes = {}
    root = load(sys.argv[1], prefixes)
    for ns in root.iter(q("ns")):
        prefixes[ns.get("prefix")] = ns.get("uri")
    prefixes.pop("xsl", None)
    prefixes.setdefault("xs", "http://www.w3.org/2001/XMLSchema")
    patterns = [p for p in root.iter(q("pattern"))]
    abstract = {p.get("id"): p for p in patterns if p.get("abstract") == "true"}
    abstract_rules = {r.get("id"): r for r in root.iter(q("rule")) if r.get("abstract") == "true"}
    concrete = []
    for p in patterns:
        if p.get("abstract") == "true":
            continue
        if p.get("is-a"):
            params = {x.get("name").strip(): x.get("value") for x in p.findall(q("param"))}
            concrete.append((p.get("id"), abstract[p.get("is-a")], params))
        else:
            concrete.append((p.get("id"), p, {}))

    out = []
    ns_decls = " ".join('xmlns:%s="%s"' % (k, escape(v)) for k, v in prefixes.items())
    out.append('<xsl:stylesheet version="2.0" xmlns:xsl="%s" %s>' % (XSL, ns_decls))
    out.append('<xsl:output method="text"/>')
    for f in root.iter("{%s}function" % XSL):
        out.append(ET.tostring(f, encoding="unicode"))
    seen = set()
    lets = list(root.findall(q("let")))
    for _, p, params in concrete:
        lets += [(l, params) for l in p.findall(q("let"))]
    for item in lets:
        l, params = item if isinstance(item, tuple) else (item, {})
        if l.get("name") in seen:
            continue
        seen.add(l.get("name"))
        out.append('<xsl:variable name="%s" select=%s/>' % (l.get("name").strip(), quoteattr(substitute(l.get("value"), params))))
    out.append('<xsl:template match="/">')
    for i in range(len(concrete)):
        out.append('<xsl:apply-templates select="." mode="M%d"/>' % i)
    out.append("</xsl:template>")
    for i, (pid, p, params) in enumerate(concrete):
        rules = [r for r in p.findall(q("rule")) if r.get("abstract") != "true"]
        for j, r in enumerate(rules):
            items = []
            for c in r:
                if c.tag == q("extends"):
                    items += list(abstract_rules[c.get("rule")])
                else:
                    items.append(c)
            ctx = substitute(r.get("context"), params)
            out.append('<xsl:template match=%s priority="%d" mode="M%d">' % (quoteattr(ctx), 1000 - j, i))
            for c in items:
                if c.tag == q("let"):
                    out.append('<xsl:variable name="%s" select=%s/>' % (c.get("name").strip(), quoteattr(substitute(c.get("value"), params))))
            n = 0
            for c in items:
                if c.tag in (q("assert"), q("report")):
                    n += 1
                    rid = c.get("id") or "%s-%d" % (pid, n)
                    test = substitute(c.get("test"), params)
                    cond = "not(%s)" % test if c.tag == q("assert") else test
                    out.append("<xsl:if test=%s><xsl:text>%s&#10;</xsl:text></xsl:if>" % (quoteattr(cond), escape(rid)))
            out.append('<xsl:apply-templates select="@*|*" mode="M%d"/>' % i)
            out.append("</xsl:template>")
        out.append('<xsl:template match="text()" priority="-1" mode="M%d"/>' % i)
        out.append('<xsl:template match="@*|node()" priority="-2" mode="M%d"><xsl:apply-templates select="@*|*" mode="M%d"/></xsl:template>' % (i, i))
    out.append("</xsl:stylesheet>")
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
