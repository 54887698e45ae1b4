//! xrechnung@3.0.2 as KoSIT's validator-configuration-xrechnung configures it: the shipped
//! package is that configuration imported with its recipe, every scenario is a profile with the
//! scenario's customLevel list, and documents of our own making (derived in a temp folder from
//! the corpus's CIUS test instances) get the acceptance the scenario gives them.

use super::einvoice::fetched;
use super::*;
use std::collections::BTreeMap;

const CIUS: &str = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0";
const EXTENSION: &str = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0";
const CVD: &str = "urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0#compliant#urn:xeinkauf.de:kosit:xrechnung:cvd_0.9";

fn scenarios_xml(shared: &Path) -> PathBuf {
    shared.join("corpora/kosit-validator-configuration-xrechnung/scenarios.xml")
}

#[test]
fn the_shipped_xrechnung_package_is_the_kosit_configuration_imported_with_its_recipe() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    let (code, _, err) = run(konform(d.path())
        .args(["standards", "import", "kosit"])
        .arg(scenarios_xml(&shared))
        .arg("--recipe")
        .arg(root().join("standards/tools/xrechnung-3.0.2.kosit.toml"))
        .args(["--out", "pkg"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("13 profile(s)"), "{err}");
    let generated = std::fs::read_to_string(d.path().join("pkg/standard.toml")).expect("import");
    let shipped = std::fs::read_to_string(root().join("standards/xrechnung/3.0.2/standard.toml"))
        .expect("shipped");
    assert!(
        generated == shipped,
        "standards/xrechnung/3.0.2/standard.toml differs from the import of the configuration; regenerate it:\n  konform standards import kosit {} --recipe standards/tools/xrechnung-3.0.2.kosit.toml --out DIR",
        scenarios_xml(&shared).display()
    );
    assert!(
        shipped.contains("release = \"v2026-01-31\"")
            && shipped
                .contains("configuration = \"itplr-kosit/validator-configuration-xrechnung\""),
        "the package records the configuration release"
    );
    assert!(shipped.contains("refines = \"en16931@1.3\""));
    let (code, out, _) = run(konform(d.path()).args(["standards", "show", "xrechnung@3.0.2"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("refines: en16931@1.3")
            && out.contains("generated from: kosit configuration itplr-kosit/validator-configuration-xrechnung release v2026-01-31")
            && out.contains("(fallback)"),
        "{out}"
    );
    // The upstream file is a build template: without the recipe's placeholder values the
    // import refuses rather than matching on `@xrechnung.spec.id@`.
    let (code, _, err) = run(konform(d.path())
        .args(["standards", "import", "kosit"])
        .arg(scenarios_xml(&shared))
        .args(["--out", "pkg2", "--id", "xr"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("build placeholder @xrechnung.spec.id@"),
        "{err}"
    );
}

/// Each scenario's (match identifier, customLevel list), read from scenarios.xml without konform.
fn kosit_scenarios(shared: &Path) -> Vec<(String, String, String, BTreeMap<String, String>)> {
    const NS: &str = "http://www.xoev.de/de/validator/framework/1/scenarios";
    let text = std::fs::read_to_string(scenarios_xml(shared)).expect("scenarios.xml");
    let text = text
        .replace("@xrechnung.spec.id@", CIUS)
        .replace("@xrechnung.extension.id@", EXTENSION)
        .replace("@xrechnung.cvd.id@", CVD);
    let doc = roxmltree::Document::parse(&text).expect("parses");
    fn el<'a, 'i>(n: roxmltree::Node<'a, 'i>, local: &str) -> Option<roxmltree::Node<'a, 'i>> {
        n.children()
            .find(|c| c.tag_name().name() == local && c.tag_name().namespace() == Some(NS))
    }
    let mut out = Vec::new();
    for sc in doc
        .root_element()
        .children()
        .filter(|c| c.tag_name().name() == "scenario")
    {
        let name = el(sc, "name")
            .and_then(|n| n.text())
            .unwrap_or("")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        let m = el(sc, "match").and_then(|n| n.text()).unwrap_or("");
        let ident = m.split('\'').nth(1).unwrap_or("").to_string();
        let root = if m.contains("invoice:Invoice") {
            "Invoice"
        } else if m.contains("creditnote:CreditNote") {
            "CreditNote"
        } else {
            "CrossIndustryInvoice"
        };
        let levels: BTreeMap<String, String> = sc
            .descendants()
            .filter(|n| n.tag_name().name() == "customLevel")
            .map(|n| {
                let level = match n.attribute("level") {
                    Some("information") => "info",
                    Some(l) => l,
                    None => "error",
                };
                (n.text().unwrap_or("").trim().to_string(), level.to_string())
            })
            .collect();
        out.push((name, root.to_string(), ident, levels));
    }
    out
}

#[test]
fn every_scenario_is_a_profile_with_the_scenarios_identifier_and_severity_overrides() {
    let Some(shared) = shared() else { return };
    let manifest: toml::Table = toml::from_str(
        &std::fs::read_to_string(root().join("standards/xrechnung/3.0.2/standard.toml"))
            .expect("shipped"),
    )
    .expect("TOML");
    let profiles = manifest["profiles"].as_array().expect("profiles");
    let overrides = manifest["overrides"].as_array().expect("overrides");
    let scenarios = kosit_scenarios(&shared);
    assert_eq!(scenarios.len(), 11, "the release has 11 scenarios");
    for (name, root_local, ident, levels) in &scenarios {
        let p = profiles
            .iter()
            .find(|p| p["title"].as_str() == Some(name.as_str()))
            .unwrap_or_else(|| panic!("no profile for scenario {name}"));
        let pname = p["name"].as_str().expect("name");
        let m = &p["match"];
        assert!(
            m["root"]
                .as_str()
                .expect("root")
                .ends_with(&format!("}}{root_local}")),
            "{name}: {m}"
        );
        let values = m["values"].as_array().expect("values");
        assert_eq!(values.len(), 1, "{name}");
        assert_eq!(values[0]["equals"].as_str(), Some(ident.as_str()), "{name}");
        let mut got: BTreeMap<String, String> = BTreeMap::new();
        for o in overrides.iter().filter(|o| {
            o["profiles"]
                .as_array()
                .expect("p")
                .iter()
                .any(|x| x.as_str() == Some(pname))
        }) {
            for r in o["rules"].as_array().expect("rules") {
                got.insert(
                    r.as_str().expect("id").to_string(),
                    o["severity"].as_str().expect("severity").to_string(),
                );
            }
        }
        assert_eq!(&got, levels, "scenario {name} (profile {pname})");
    }
    // BR-CL-01 is no longer lowered anywhere (removed upstream with CEN 1.3.8).
    assert!(!overrides.iter().any(|o| {
        o["rules"]
            .as_array()
            .expect("r")
            .iter()
            .any(|r| r.as_str() == Some("BR-CL-01"))
    }));
}

/// `text` with `from` replaced (which must occur) by `to`.
fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "the instance has no `{from}`");
    text.replacen(from, to, 1)
}

/// One document validated with JSON output: (exit code, result).
fn validate(home: &Path, doc: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let (code, out, err) = run(konform(home)
        .env("KONFORM_HOME", home.join("store"))
        .args(["validate", "--format", "json"])
        .args(extra)
        .arg(doc));
    assert!(!out.is_empty(), "{err}");
    (code, checked_report(&out)["results"][0].clone())
}

fn severities_of(result: &serde_json::Value, rule: &str) -> Vec<String> {
    result["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["severity"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn extension_and_cvd_invoices_get_their_scenarios_levels_and_acceptance() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let cius = std::fs::read_to_string(
        shared.join("corpora/xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-1-test.xml"),
    )
    .expect("instance");
    let id = |to: &str| format!("<cbc:CustomizationID>{to}</cbc:CustomizationID>");
    // A seller identifier scheme outside ISO 6523 but on XRechnung's DIGA list, XR01 (BR-CL-10):
    // the Extension scenario lowers it to information (BR-DEX-04 checks the extended list), the
    // CIUS scenario keeps it fatal.
    let bad_scheme = edit(&cius, "schemeID=\"0013\"", "schemeID=\"XR01\"");
    let ext = d.path().join("extension-br-cl-10.xml");
    std::fs::write(&ext, edit(&bad_scheme, &id(CIUS), &id(EXTENSION))).expect("write");
    let cius_bad = d.path().join("cius-br-cl-10.xml");
    std::fs::write(&cius_bad, &bad_scheme).expect("write");
    let (code, x) = validate(d.path(), &ext, &[]);
    assert_eq!(x["profile"], "invoice-ubl-extension");
    assert_eq!(severities_of(&x, "BR-CL-10"), ["info"], "{}", x["findings"]);
    assert_eq!(code, 0, "{}", x["findings"]);
    assert_eq!(x["acceptance"], "accept");
    let (code, x) = validate(d.path(), &cius_bad, &[]);
    assert_eq!(x["profile"], "invoice-ubl");
    assert_eq!(severities_of(&x, "BR-CL-10"), ["error"]);
    assert_eq!((code, &x["acceptance"]), (1, &serde_json::json!("reject")));

    // KoSIT's own CVD test invoice classifies its item with the scheme `CVD`, outside UNTDID
    // 7143 (BR-CL-13): the CVD scenario lowers it to information and accepts the invoice; the
    // same invoice declared CIUS is rejected on it.
    let cvd_path = shared
        .join("corpora/xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-cvd-01-test.xml");
    let cvd_text = std::fs::read_to_string(&cvd_path).expect("instance");
    let (code, x) = validate(d.path(), &cvd_path, &[]);
    assert_eq!(x["profile"], "invoice-ubl-cvd");
    assert_eq!(severities_of(&x, "BR-CL-13"), ["info"], "{}", x["findings"]);
    assert_eq!(
        (code, &x["acceptance"]),
        (0, &serde_json::json!("accept")),
        "{}",
        x["findings"]
    );
    let cius_class = d.path().join("cvd-declared-cius.xml");
    std::fs::write(&cius_class, edit(&cvd_text, &id(CVD), &id(CIUS))).expect("write");
    let (code, x) = validate(d.path(), &cius_class, &[]);
    assert_eq!(x["profile"], "invoice-ubl");
    assert_eq!(severities_of(&x, "BR-CL-13"), ["error"]);
    assert_eq!((code, &x["acceptance"]), (1, &serde_json::json!("reject")));
}

#[test]
fn sub_invoice_lines_are_an_error_in_cius_and_information_in_the_extension() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let cius = std::fs::read_to_string(
        shared.join("corpora/xrechnung-schematron/test/instances/ubl-inv/ubl-inv-br-de-1-test.xml"),
    )
    .expect("instance");
    // A sub-invoice line (BG-DEX-01) under the second line, after its price (UBL 2.1 order).
    let sub = "<cac:Price>\n      <cbc:PriceAmount currencyID=\"EUR\">143.75</cbc:PriceAmount>\n    </cac:Price>";
    let with_sub = edit(
        &cius,
        sub,
        &format!(
            "{sub}\n    <cac:SubInvoiceLine><cbc:ID>2.1</cbc:ID><cbc:InvoicedQuantity unitCode=\"XPP\">42</cbc:InvoicedQuantity><cbc:LineExtensionAmount currencyID=\"EUR\">6037.5</cbc:LineExtensionAmount><cac:Item><cbc:Name>Teil</cbc:Name></cac:Item><cac:Price><cbc:PriceAmount currencyID=\"EUR\">143.75</cbc:PriceAmount></cac:Price></cac:SubInvoiceLine>"
        ),
    );
    let cius_doc = d.path().join("cius-sub-line.xml");
    std::fs::write(&cius_doc, &with_sub).expect("write");
    let ext_doc = d.path().join("extension-sub-line.xml");
    std::fs::write(
        &ext_doc,
        with_sub.replacen(&format!(">{CIUS}<"), &format!(">{EXTENSION}<"), 1),
    )
    .expect("write");
    let (code, x) = validate(d.path(), &cius_doc, &[]);
    assert_eq!(x["profile"], "invoice-ubl");
    assert_eq!(
        severities_of(&x, "UBL-CR-646"),
        ["error"],
        "{}",
        x["findings"]
    );
    let f = x["findings"]
        .as_array()
        .expect("f")
        .iter()
        .find(|f| f["rule"] == "UBL-CR-646")
        .expect("UBL-CR-646");
    assert_eq!(f["standard_severity"], "warning");
    assert!(
        f["override_reason"]
            .as_str()
            .unwrap_or("")
            .contains("customLevel error in scenario 'EN16931 XRechnung (UBL Invoice)' of itplr-kosit/validator-configuration-xrechnung v2026-01-31"),
        "{f}"
    );
    assert_eq!((code, &x["acceptance"]), (1, &serde_json::json!("reject")));
    let (_, x) = validate(d.path(), &ext_doc, &[]);
    assert_eq!(x["profile"], "invoice-ubl-extension");
    assert_eq!(
        severities_of(&x, "UBL-CR-646"),
        ["info"],
        "{}",
        x["findings"]
    );
}

#[test]
fn cii_structure_warnings_reject_in_the_xrechnung_cii_scenarios_only() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let cius = std::fs::read_to_string(
        shared.join("corpora/xrechnung-schematron/test/instances/cii/cii-br-de-1-test.xml"),
    )
    .expect("instance");
    // Payment terms given twice: CEN's CII-SR-452 is a warning, KoSIT's CII scenarios raise it.
    let start = cius
        .find("<ram:SpecifiedTradePaymentTerms>")
        .expect("terms");
    let end = cius[start..]
        .find("</ram:SpecifiedTradePaymentTerms>")
        .expect("closed")
        + start
        + "</ram:SpecifiedTradePaymentTerms>".len();
    let twice = format!("{}{}{}", &cius[..end], &cius[start..end], &cius[end..]);
    let doc = d.path().join("cii-two-payment-terms.xml");
    std::fs::write(&doc, &twice).expect("write");
    let (code, x) = validate(d.path(), &doc, &[]);
    assert_eq!(x["profile"], "invoice-cii");
    assert_eq!(
        severities_of(&x, "CII-SR-452"),
        ["error"],
        "{}",
        x["findings"]
    );
    assert_eq!((code, &x["acceptance"]), (1, &serde_json::json!("reject")));
    let ext = d.path().join("cii-extension-two-payment-terms.xml");
    std::fs::write(
        &ext,
        twice.replacen(&format!(">{CIUS}<"), &format!(">{EXTENSION}<"), 1),
    )
    .expect("write");
    let (code, x) = validate(d.path(), &ext, &[]);
    assert_eq!(x["profile"], "invoice-cii-extension");
    assert_eq!(severities_of(&x, "CII-SR-452"), ["error"]);
    assert_eq!(code, 1);
    // EN 16931 itself only warns: named, en16931 evaluates the XRechnung invoice (its family)
    // with the CEN rules and their own severities.
    let (_, x) = validate(d.path(), &doc, &["--standard", "en16931"]);
    assert_eq!(x["standard"], "en16931@1.3.16");
    assert_eq!(x["profile"], "invoice-cii");
    assert_eq!(
        severities_of(&x, "CII-SR-452"),
        ["warning"],
        "{}",
        x["findings"]
    );
}
