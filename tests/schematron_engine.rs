//! The Schematron engine on small inline schemas: one test per feature and per xee defect the
//! engine works around. No corpus needed.

use konform::document::Limits;
use konform::document::xml::{XmlDoc, parse};
use konform::engine::schematron::{Options, Resolver, SchematronEngine, SchematronRun};
use konform::report::model::CheckKind;
use konform::standard::Severity;

struct Files(Vec<(&'static str, &'static str)>);

impl Resolver for Files {
    fn load(&self, _base: &str, href: &str) -> Result<(String, String), String> {
        self.0
            .iter()
            .find(|(n, _)| *n == href)
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .ok_or_else(|| format!("no {href}"))
    }
}

fn engine_with(sch: &str, files: Files, phase: Option<&str>) -> SchematronEngine {
    let options = Options {
        phase: phase.map(str::to_string),
        phase_optional: false,
    };
    SchematronEngine::from_text(
        sch,
        "t.sch",
        &files,
        &options,
        "test@1".into(),
        "t.sch".into(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn engine(sch: &str) -> SchematronEngine {
    engine_with(sch, Files(Vec::new()), None)
}

fn run(e: &SchematronEngine, xml: &str) -> SchematronRun {
    let tree = parse("t.xml", xml, &Limits::default()).unwrap().unwrap();
    let doc = XmlDoc::new(xml, tree, 0);
    e.run(&doc).unwrap()
}

fn fired(r: &SchematronRun) -> Vec<String> {
    let mut v: Vec<String> = r
        .records
        .iter()
        .map(|r| format!("{}:{}", r.id, r.kind))
        .collect();
    v.sort();
    v
}

const HEAD: &str = r#"<schema xmlns="http://purl.oclc.org/dsdl/schematron" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:u="urn:u" queryBinding="xslt2"><ns prefix="a" uri="urn:a"/>"#;

#[test]
fn first_matching_rule_fires_and_lets_are_shared() {
    let e = engine(&format!(
        r#"{HEAD}<let name="g" value="count(//a:i)"/>
        <pattern id="p"><let name="pl" value="2"/>
          <rule context="a:i[@x]"><let name="v" value="@x"/><assert id="A1" test="$v = 'ok'">bad <value-of select="$v"/> of <name/></assert></rule>
          <rule context="a:i"><report id="R1" test="$g = $pl">two items</report></rule>
        </pattern></schema>"#
    ));
    let r = run(&e, r#"<a:r xmlns:a="urn:a"><a:i x="no"/><a:i/></a:r>"#);
    assert_eq!(fired(&r), vec!["A1:failed-assert", "R1:successful-report"]);
    assert_eq!(r.findings[0].message, "bad no of a:i");
    assert_eq!(
        r.findings[0].location.path.as_deref(),
        Some("/a:r[1]/a:i[1]")
    );
    assert_eq!(r.fired.len(), 2);
}

#[test]
fn severities_map_from_flag_and_role() {
    let e = engine(&format!(
        r#"{HEAD}<pattern><rule context="/" flag="warning">
          <assert id="W" test="false()">w</assert>
          <assert id="F" flag="fatal" test="false()">f</assert>
          <assert id="I" role="information" test="false()">i</assert>
          <assert id="S" severity="info" flag="fatal" test="false()">ISO 2016 @severity wins</assert>
          <assert id="R" test="false()">rule flag applies</assert></rule></pattern></schema>"#
    ));
    let r = run(&e, "<x/>");
    let sev: Vec<_> = r
        .findings
        .iter()
        .map(|f| (f.rule.as_str(), f.severity))
        .collect();
    assert_eq!(
        sev,
        vec![
            ("W", Some(Severity::Warning)),
            ("F", Some(Severity::Error)),
            ("I", Some(Severity::Info)),
            ("S", Some(Severity::Info)),
            ("R", Some(Severity::Warning))
        ]
    );
}

#[test]
fn descendant_rewrite_keeps_positional_meaning() {
    // `//a:i[1]` is "every a:i that is the first a:i child of its parent" (two here), not
    // "the first a:i in the document"; the engine turns `//x` into `descendant::x` only where
    // a predicate cannot be positional.
    let e = engine(&format!(
        r#"{HEAD}<pattern><rule context="/"><let name="n" value="2"/>
          <report id="P1" test="count(//a:i[1]) = 2">p</report>
          <report id="P2" test="count(//a:i[last()]) = 2">p</report>
          <report id="P3" test="count(//a:i[$n]) = 1">p</report>
          <report id="P4" test="count(//a:i[@k = 'v']) = 2">p</report>
          <report id="P5" test="count((//a:i)[1]) = 1">p</report>
          <report id="P6" test="//a:i[2]/@k = 'v'">p</report>
          <report id="P7" test="count(//@k) = 2">p</report></rule></pattern></schema>"#
    ));
    let r = run(
        &e,
        r#"<a:r xmlns:a="urn:a"><a:g><a:i/><a:i k="v"/></a:g><a:g><a:i k="v"/></a:g></a:r>"#,
    );
    let want: Vec<String> = (1..=7).map(|i| format!("P{i}:successful-report")).collect();
    assert_eq!(fired(&r), want);
}

#[test]
fn and_or_short_circuit() {
    // xee evaluates both operands; the engine must not.
    let e = engine(&format!(
        r#"{HEAD}<pattern><rule context="/">
          <assert id="S1" test="not(false() and xs:decimal('x') = 1)">s</assert>
          <assert id="S2" test="true() or xs:decimal('x') = 1">s</assert></rule></pattern></schema>"#
    ));
    assert_eq!(fired(&run(&e, "<x/>")), Vec::<String>::new());
}

#[test]
fn decimal_casts_ignore_surrounding_whitespace() {
    let e = engine(&format!(
        r#"{HEAD}<pattern><rule context="a:v">
          <assert id="D1" test="xs:decimal(.) = 1.5">d</assert>
          <assert id="D2" test=". cast as xs:decimal = 1.5">d</assert>
          <assert id="D3" test=". castable as xs:decimal">d</assert>
          <assert id="D4" test="xs:integer(' 2 ') = 2">d</assert></rule></pattern></schema>"#
    ));
    assert_eq!(
        fired(&run(&e, "<a:v xmlns:a=\"urn:a\">\n 1.5 \n</a:v>")),
        Vec::<String>::new()
    );
}

#[test]
fn evaluation_errors_are_findings_and_the_rest_still_runs() {
    let e = engine(&format!(
        r#"{HEAD}<pattern><rule context="/">
          <assert id="E1" test="xs:decimal('79228162514264337593543950335') + 1 > 0">big</assert>
          <assert id="E2" test="xs:date('no') = xs:date('no')">date</assert>
          <assert id="OK" test="false()">runs</assert></rule></pattern></schema>"#
    ));
    let r = run(&e, "<x/>");
    assert_eq!(fired(&r), vec!["E1:error", "E2:error", "OK:failed-assert"]);
    assert!(
        r.findings
            .iter()
            .filter(|f| f.rule.starts_with('E'))
            .all(|f| f.severity == Some(Severity::Error))
    );
    assert!(
        r.findings[0].message.contains("7.9e28"),
        "{}",
        r.findings[0].message
    );
}

#[test]
fn xsl_functions_recursive_and_typed() {
    let e = engine(&format!(
        r#"{HEAD}
        <xsl:function name="u:digits" as="xs:integer">
          <xsl:param name="s" as="xs:string"/>
          <xsl:choose>
            <xsl:when test="$s = ''"><xsl:sequence select="0"/></xsl:when>
            <xsl:otherwise>
              <xsl:variable name="d" select="xs:integer(substring($s, 1, 1))"/>
              <xsl:sequence select="$d + u:digits(substring($s, 2))"/>
            </xsl:otherwise>
          </xsl:choose>
        </xsl:function>
        <xsl:function name="u:orZero" as="xs:decimal">
          <xsl:param name="e" as="xs:decimal?"/>
          <xsl:sequence select="if (exists($e)) then $e else 0"/>
        </xsl:function>
        <pattern><rule context="a:n">
          <assert id="F1" test="u:digits(string(.)) = 6">sum</assert>
          <assert id="F2" test="u:orZero(@amount) = 2.5 and u:orZero(@none) = 0">zero</assert>
        </rule></pattern></schema>"#
    ));
    assert_eq!(
        fired(&run(&e, r#"<a:n xmlns:a="urn:a" amount=" 2.5 ">123</a:n>"#)),
        Vec::<String>::new()
    );
}

#[test]
fn xsl_function_instructions_if_for_each_value_of_text() {
    let e = engine(&format!(
        r#"{HEAD}
        <xsl:function name="u:codes" as="xs:string">
          <xsl:param name="n" as="element()"/>
          <xsl:value-of select="$n/a:c" separator="|"/>
        </xsl:function>
        <xsl:function name="u:doubled" as="xs:integer*">
          <xsl:param name="n" as="element()"/>
          <xsl:for-each select="$n/a:c"><xsl:sequence select="xs:integer(.) * 2"/></xsl:for-each>
        </xsl:function>
        <xsl:function name="u:label" as="xs:string">
          <xsl:param name="v" as="xs:integer"/>
          <xsl:variable name="l"><xsl:if test="$v gt 1"><xsl:text>many</xsl:text></xsl:if></xsl:variable>
          <xsl:sequence select="if (string($l) = '') then 'one' else string($l)"/>
        </xsl:function>
        <pattern><rule context="a:n">
          <assert id="V" test="u:codes(.) = '1|2'">value-of with separator</assert>
          <assert id="FE" test="deep-equal(u:doubled(.), (2, 4))">for-each</assert>
          <assert id="IF" test="u:label(2) = 'many' and u:label(1) = 'one'">if and text</assert>
          <report id="NEG" test="u:codes(.) = '1'">a report that must not fire</report>
        </rule></pattern></schema>"#
    ));
    assert_eq!(
        fired(&run(
            &e,
            r#"<a:n xmlns:a="urn:a"><a:c>1</a:c><a:c>2</a:c></a:n>"#
        )),
        Vec::<String>::new()
    );
    // The same rules see the change when the data changes.
    assert_eq!(
        fired(&run(&e, r#"<a:n xmlns:a="urn:a"><a:c>1</a:c></a:n>"#)),
        vec![
            "FE:failed-assert",
            "NEG:successful-report",
            "V:failed-assert"
        ]
    );
}

#[test]
fn a_rule_context_that_cannot_be_evaluated_is_an_error_on_that_rule_only() {
    let e = engine(&format!(
        r#"{HEAD}<pattern>
          <rule context="a:i[xs:decimal(@v) gt 0]"><assert id="C1" test="false()">c</assert></rule></pattern>
          <pattern><rule context="a:i"><assert id="C2" test="false()">still checked</assert></rule></pattern></schema>"#
    ));
    let r = run(&e, r#"<a:r xmlns:a="urn:a"><a:i v="zz"/></a:r>"#);
    assert_eq!(fired(&r), vec!["C1:error", "C2:failed-assert"]);
}

#[test]
fn includes_abstract_patterns_and_phases() {
    let inc = r#"<pattern xmlns="http://purl.oclc.org/dsdl/schematron" abstract="true" id="abs">
        <rule context="$ctx"><assert id="P1" test="$t">p1</assert></rule></pattern>"#;
    let sch = format!(
        r#"{HEAD}<phase id="only-q"><active pattern="q"/></phase>
        <include href="inc.sch"/>
        <pattern is-a="abs" id="inst"><param name="ctx" value="a:i"/><param name="t" value="@x = 'y'"/></pattern>
        <pattern id="q"><rule context="/"><assert id="Q1" test="false()">q</assert></rule></pattern></schema>"#
    );
    let xml = r#"<a:r xmlns:a="urn:a"><a:i x="z"/></a:r>"#;
    let all = engine_with(&sch, Files(vec![("inc.sch", inc)]), None);
    assert_eq!(
        fired(&run(&all, xml)),
        vec!["P1:failed-assert", "Q1:failed-assert"]
    );
    let q = engine_with(&sch, Files(vec![("inc.sch", inc)]), Some("only-q"));
    assert_eq!(fired(&run(&q, xml)), vec!["Q1:failed-assert"]);
}

#[test]
fn findings_carry_the_check_behind_them_for_svrl() {
    let e = engine(&format!(
        r#"{HEAD}<pattern id="p"><rule context="a:i"><assert id="A" test="@ok" diagnostics="d" flag="fatal">no ok</assert>
        <report id="B" test="true()" role="info">seen</report></rule></pattern>
        <diagnostics><diagnostic id="d">value <value-of select="name()"/></diagnostic></diagnostics></schema>"#
    ));
    let r = run(&e, r#"<a:r xmlns:a="urn:a"><a:i/></a:r>"#);
    let checks: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            f.schematron
                .clone()
                .expect("a Schematron finding has its check")
        })
        .collect();
    assert_eq!(checks.len(), 2);
    assert_eq!(checks[0].kind, CheckKind::Assert);
    assert_eq!(checks[0].test, "@ok");
    assert_eq!(checks[0].context, "a:i");
    assert_eq!(checks[0].pattern.as_deref(), Some("p"));
    assert_eq!(checks[0].flag.as_deref(), Some("fatal"));
    assert_eq!(
        checks[0].diagnostics,
        vec![("d".to_string(), "value a:i".to_string())]
    );
    assert_eq!(checks[1].kind, CheckKind::Report);
    assert_eq!(checks[1].role.as_deref(), Some("info"));
    assert_eq!(
        r.findings[0].location.path.as_deref(),
        Some("/a:r[1]/a:i[1]")
    );
}

#[test]
fn bad_schemas_are_compile_errors() {
    let err = |sch: &str| {
        SchematronEngine::from_text(
            sch,
            "t.sch",
            &Files(Vec::new()),
            &Options::default(),
            "s".into(),
            "t.sch".into(),
        )
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default()
    };
    assert!(
        err(&format!(
            r#"{HEAD}<pattern><rule context="/"><assert test="(("/></rule></pattern></schema>"#
        ))
        .contains("syntax")
    );
    assert!(
        err(&format!(
            r#"{HEAD}<pattern><rule context="/"><assert test="$nope"/></rule></pattern></schema>"#
        ))
        .contains("nope")
    );
    assert!(
        err(&format!(r#"{HEAD}<include href="missing.sch"/></schema>"#)).contains("missing.sch")
    );
    assert!(err("<notschematron/>").contains("not a Schematron"));
}
