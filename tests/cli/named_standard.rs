//! A named standard always gives a verdict (fallback profiles), a general standard evaluates
//! the documents of its family (claims), and a document nothing evaluates is rejected.

use super::einvoice::fetched;
use super::*;

const SOAP_HEADER: &str = r#"<soap:Header>
    <xrd:client iden:objectType="SUBSYSTEM">
      <iden:xRoadInstance>EE</iden:xRoadInstance>
      <iden:memberClass>GOV</iden:memberClass>
      <iden:memberCode>MEMBER1</iden:memberCode>
      <iden:subsystemCode>SUBSYSTEM1</iden:subsystemCode>
    </xrd:client>
    <xrd:service iden:objectType="SERVICE">
      <iden:xRoadInstance>EE</iden:xRoadInstance>
      <iden:memberClass>GOV</iden:memberClass>
      <iden:memberCode>MEMBER2</iden:memberCode>
      <iden:serviceCode>exampleService</iden:serviceCode>
    </xrd:service>
    <xrd:id>4894e35d-bf0f-44a6-867a-8e51f1daa7e0</xrd:id>
    <xrd:protocolVersion>4.0</xrd:protocolVersion>
  </soap:Header>"#;

fn soap(body: &str) -> String {
    format!(
        "<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:xrd=\"http://x-road.eu/xsd/xroad.xsd\" xmlns:iden=\"http://x-road.eu/xsd/identifiers\">\n  {SOAP_HEADER}\n  {body}\n</soap:Envelope>\n"
    )
}

#[test]
fn a_soap_message_without_a_usable_body_breaks_envelope_rules_under_the_named_standard() {
    let d = tmp();
    let cases = [
        ("no-body.xml", soap(""), "XRD-SOAP-030"),
        ("empty-body.xml", soap("<soap:Body/>"), "XRD-SOAP-015"),
        (
            "blank-body.xml",
            soap("<soap:Body>\n  </soap:Body>"),
            "XRD-SOAP-015",
        ),
    ];
    for (name, text, rule) in &cases {
        std::fs::write(d.path().join(name), text).expect("write");
        let (code, out, err) = run(konform(d.path()).args([
            "validate",
            "--standard",
            "xroad-soap@4.0.0",
            "--format",
            "json",
            name,
        ]));
        assert_eq!(code, 1, "{name}: {err}\n{out}");
        let r = checked_report(&out);
        let x = &r["results"][0];
        assert_eq!(x["profile"], "envelope", "{name}");
        assert_eq!(fired(&r), [*rule], "{name}");
        let f = &x["findings"][0];
        assert!(
            f["clause"].as_str().unwrap_or("").contains("IMPL")
                || f["clause"].as_str().unwrap_or("").contains("PR-MESS"),
            "{f}"
        );
        assert!(f["location"]["line"].as_u64().is_some(), "{f}");
        // Without --standard it stays a detection failure (exit 2), rejected.
        let (code, out, _) = run(konform(d.path()).args(["validate", "--format", "json", name]));
        assert_eq!(code, 2, "{name}");
        let r = checked_report(&out);
        assert_eq!(r["results"][0]["verdict"], "error");
        assert_eq!(r["results"][0]["acceptance"], "reject");
    }
    // The human report says the standard rejects it, and why.
    let (code, _, err) = run(konform(d.path()).args([
        "validate",
        "--standard",
        "xroad-soap@4.0.0",
        "empty-body.xml",
    ]));
    assert_eq!(code, 1);
    assert!(err.contains("XRD-SOAP-015"), "{err}");
    assert!(err.contains("rejected"), "{err}");
}

#[test]
fn a_document_nothing_evaluates_is_rejected_in_every_text_report() {
    let d = tmp();
    std::fs::write(d.path().join("a.xml"), "<note xmlns=\"urn:x\"/>").expect("write");
    let (code, _, err) = run(konform(d.path()).args(["validate", "a.xml"]));
    assert_eq!(code, 2);
    assert!(err.contains("rejected"), "{err}");
    let (code, md, _) = run(konform(d.path()).args(["validate", "--format", "markdown", "a.xml"]));
    assert_eq!(code, 2);
    assert!(md.contains("rejected"), "{md}");
    // Every other format carries the acceptance as well (issue #15 item 1).
    for (format, shows) in [
        ("junit", "<property name=\"acceptance\" value=\"reject\"/>"),
        ("sarif", "(rejected)"),
        ("gitlab", "(rejected)"),
        ("svrl", "(rejected)"),
        ("earl", "konform:acceptance \"reject\""),
        ("html", "\"a\":\"rejected\""),
    ] {
        let (code, out, _) = run(konform(d.path()).args(["validate", "--format", format, "a.xml"]));
        assert_eq!(code, 2, "{format}");
        assert!(
            out.contains(shows),
            "{format} does not show the rejection: {out}"
        );
    }
    // A file that cannot be read at all is rejected too.
    let (code, out, _) =
        run(konform(d.path()).args(["validate", "--format", "json", "missing.xml"]));
    assert_eq!(code, 3, "{out}");
    assert_eq!(checked_report(&out)["results"][0]["acceptance"], "reject");
}

#[test]
fn a_non_invoice_under_a_named_einvoicing_standard_is_non_conformant_and_rejected() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    std::fs::write(
        d.path().join("order.xml"),
        "<Order xmlns=\"urn:oasis:names:specification:ubl:schema:xsd:Order-2\"><ID>1</ID></Order>",
    )
    .expect("write");
    for (standard, rule) in [
        ("xrechnung@3.0.2", "XR-SCENARIO"),
        ("en16931", "EN16931-DOCUMENT"),
    ] {
        let (code, out, err) = run(konform(d.path())
            .env("KONFORM_HOME", d.path().join("store"))
            .args([
                "validate",
                "--format",
                "json",
                "--standard",
                standard,
                "order.xml",
            ]));
        assert_eq!(code, 1, "{standard}: {err}");
        let r = checked_report(&out);
        let x = &r["results"][0];
        assert_eq!(fired(&r), [rule], "{standard}");
        assert_eq!(x["verdict"], "non-conformant");
        assert_eq!(x["acceptance"], "reject");
        let msg = x["findings"][0]["message"].as_str().unwrap_or("");
        assert!(
            msg.contains(
                "root element is {urn:oasis:names:specification:ubl:schema:xsd:Order-2}Order"
            ),
            "{msg}"
        );
        assert_eq!(
            x["findings"][0]["location"]["path"],
            "/Q{urn:oasis:names:specification:ubl:schema:xsd:Order-2}Order[1]"
        );
    }
    // A JSON document: neither standard has a JSON syntax, so it breaks the same rules.
    std::fs::write(d.path().join("invoice.json"), "{\"invoice\": {}}").expect("write");
    for (standard, rule) in [
        ("xrechnung@3.0.2", "XR-SCENARIO"),
        ("en16931", "EN16931-DOCUMENT"),
    ] {
        let (code, out, err) = run(konform(d.path())
            .env("KONFORM_HOME", d.path().join("store"))
            .args([
                "validate",
                "--format",
                "json",
                "--standard",
                standard,
                "invoice.json",
            ]));
        assert_eq!(code, 1, "{standard}: {err}");
        let r = checked_report(&out);
        assert_eq!(fired(&r), [rule], "{standard}");
        assert_eq!(r["results"][0]["acceptance"], "reject");
    }
    // A Peppol invoice claims EN 16931 but matches no XRechnung scenario: KoSIT's configuration
    // rejects it, and so does --standard xrechnung.
    let peppol = std::fs::read_to_string(
        shared.join("corpora/en16931-cen/ubl/examples/ubl-tc434-example1.xml"),
    )
    .expect("example")
    .replacen(
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>",
        "<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>",
        1,
    );
    assert!(
        peppol.contains("peppol.eu"),
        "example1 has the plain CustomizationID"
    );
    std::fs::write(d.path().join("peppol.xml"), peppol).expect("write");
    let (code, out, _) = run(konform(d.path())
        .env("KONFORM_HOME", d.path().join("store"))
        .args([
            "validate",
            "--format",
            "json",
            "--standard",
            "xrechnung",
            "peppol.xml",
        ]));
    assert_eq!(code, 1);
    let r = checked_report(&out);
    assert_eq!(fired(&r), ["XR-SCENARIO"]);
    assert_eq!(r["results"][0]["acceptance"], "reject");
}

#[test]
fn en16931_named_evaluates_every_invoice_that_claims_en16931() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    fetched(&shared, d.path());
    let instances = shared.join("corpora/xrechnung-schematron/test/instances");
    let ubl = instances.join("ubl-inv/ubl-inv-br-de-1-test.xml");
    let cii = instances.join("cii/cii-br-de-1-test.xml");
    let validate = |args: &[&str], doc: &Path| {
        let (code, out, err) = run(konform(d.path())
            .env("KONFORM_HOME", d.path().join("store"))
            .args(["validate", "--format", "json"])
            .args(args)
            .arg(doc));
        assert!(!out.is_empty(), "{err}");
        (code, checked_report(&out)["results"][0].clone())
    };
    // Detected: the most specific standard, naming the general one that also applies.
    let (_, x) = validate(&[], &ubl);
    assert_eq!(x["standard"], "xrechnung@3.0.2");
    assert_eq!(
        x["general_standards"],
        serde_json::json!(["en16931@1.3.16"])
    );
    // Named: EN 16931's rules, no XRechnung rule.
    for (doc, profile) in [(&ubl, "invoice-ubl"), (&cii, "invoice-cii")] {
        let (code, x) = validate(&["--standard", "en16931"], doc);
        assert_eq!(x["standard"], "en16931@1.3.16", "{}", x["error"]);
        assert_eq!(x["profile"], profile);
        assert!(
            x["rules_checked"]
                .as_array()
                .expect("checked")
                .iter()
                .all(|r| !r.as_str().unwrap_or("").starts_with("BR-DE-")),
            "XRechnung rules ran"
        );
        assert!(
            x["rules_checked"]
                .as_array()
                .expect("checked")
                .iter()
                .any(|r| r == "BR-01"),
            "EN 16931 rules did not run"
        );
        assert!(code == 0 || code == 1, "{code}");
        // With --profile too: the CustomizationID exclusion does not overrule the profile.
        let (_, x) = validate(&["--standard", "en16931", "--profile", profile], doc);
        assert_eq!(x["profile"], profile, "{}", x["error"]);
    }
    // A wrong root element stays an error.
    let (code, x) = validate(&["--standard", "en16931", "--profile", "invoice-ubl"], &cii);
    assert_eq!(code, 2);
    assert!(
        x["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("does not match profile invoice-ubl"),
        "{x}"
    );
    // An EN 16931 example keeps going to en16931, with nothing more general to name.
    let (code, x) = validate(
        &[],
        &shared.join("corpora/en16931-cen/ubl/examples/ubl-tc434-example1.xml"),
    );
    assert_eq!(code, 0);
    assert_eq!(x["standard"], "en16931@1.3.16");
    assert!(x.get("general_standards").is_none(), "{x}");
}

#[test]
fn a_fallback_profile_that_finds_nothing_still_fails_the_document() {
    let d = tmp();
    let pkg = d.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    let manifest = r#"id = "tiny"
version = "1.0.0"
title = "Orders"

[[profiles]]
name = "order"
format = "xml"
[profiles.match]
root = "{urn:t}Order"

[[profiles]]
name = "anything-else"
format = "xml"
fallback = true
"#;
    std::fs::write(pkg.join("standard.toml"), manifest).expect("write");
    std::fs::write(d.path().join("order.xml"), "<Order xmlns=\"urn:t\"/>").expect("write");
    std::fs::write(d.path().join("note.xml"), "<Note xmlns=\"urn:t\"/>").expect("write");
    let validate = |args: &[&str]| {
        run(konform(d.path())
            .args(["validate", "--standards", "pkg", "--format", "json"])
            .args(args))
    };
    let (code, out, err) = validate(&["--standard", "tiny", "order.xml"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(checked_report(&out)["results"][0]["profile"], "order");
    // Named: the fallback profile has no rule of its own, so the built-in one fails the note.
    let (code, out, err) = validate(&["--standard", "tiny", "note.xml"]);
    assert_eq!(code, 1, "{err}");
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["profile"], "anything-else");
    assert_eq!(fired(&r), ["KONFORM-PROFILE-001"]);
    assert!(
        r["results"][0]["findings"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("tiny@1.0.0 profile order: root element is {urn:t}Note"),
        "{out}"
    );
    // Detected, never: the note matches no standard (exit 2) and the order still goes to `order`.
    let (code, _, _) = validate(&["note.xml"]);
    assert_eq!(code, 2);
    // Two fallback profiles for one syntax is a manifest error.
    std::fs::write(
        pkg.join("standard.toml"),
        format!("{manifest}\n[[profiles]]\nname = \"second\"\nformat = \"xml\"\nfallback = true\n"),
    )
    .expect("write");
    let (code, _, err) = validate(&["--standard", "tiny", "note.xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("both fallback profiles"), "{err}");
}

/// Issue #15 item 3 for the X-Road standards: a document of another syntax than the standard's
/// messages (a SOAP message or a JSON file under xroad-rest, a JSON file under xroad-soap) is
/// non-conformant with KONFORM-PROFILE-001 when the standard is named, and a detection error
/// (exit 2) when it is not.
#[test]
fn a_document_of_another_syntax_under_a_named_xroad_standard_is_non_conformant() {
    let d = tmp();
    std::fs::write(d.path().join("a.json"), "{\"service\": 1}").expect("write");
    let soap = root().join("test-vectors/xroad-soap/4.0.0/request-conformant.xml");
    let json = d.path().join("a.json");
    for (standard, doc, profile) in [
        ("xroad-rest@1.0.4", &soap, "not-http-xml"),
        ("xroad-rest@1.0.4", &json, "not-http-json"),
        ("xroad-soap@4.0.0", &json, "not-xml"),
    ] {
        let (code, out, err) = run(konform(d.path())
            .args(["validate", "--format", "json", "--standard", standard])
            .arg(doc));
        assert_eq!(code, 1, "{standard} {}: {err}", doc.display());
        let r = checked_report(&out);
        let x = &r["results"][0];
        assert_eq!(x["profile"], profile, "{standard}");
        assert_eq!(fired(&r), ["KONFORM-PROFILE-001"], "{standard}");
        assert_eq!(x["acceptance"], "reject");
    }
    let (code, _, _) = run(konform(d.path()).args(["validate", "a.json"]));
    assert_eq!(
        code, 2,
        "without --standard a JSON file nothing matches is a detection error"
    );
}
