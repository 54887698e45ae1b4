//! xroad-soap@4.0.0 end to end: the specification's own examples, vectors, pairing, schema safety.

use super::*;

fn corpus(shared: &Path, name: &str) -> PathBuf {
    shared
        .join("corpora/xroad-protocol/extracted-from-docs/pr-mess")
        .join(name)
}

#[test]
fn specification_examples_give_the_intended_outcome() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    let cases = [
        ("12_E-1-Request.xml", "request", "conformant"),
        ("13_E-2-Response.xml", "response", "conformant"),
        ("10_D-1-Technical.xml", "fault", "conformant"),
    ];
    for (file, profile, verdict) in cases {
        let path = corpus(&shared, file);
        let (code, out, err) = run(konform(d.path())
            .args(["validate", "--format", "json"])
            .arg(&path));
        let r = checked_report(&out);
        assert_eq!(
            r["results"][0]["standard"], "xroad-soap@4.0.0",
            "{file}: {err}"
        );
        assert_eq!(r["results"][0]["profile"], profile, "{file}");
        assert_eq!(r["results"][0]["verdict"], verdict, "{file}: {out}");
        assert_eq!(code, 0, "{file}");
    }
    // The response paired with the request: the headers are copied in order (XRD-SOAP-010
    // checked and silent). The example's requestHash is illustrative, not the SHA-512 of the
    // example request's bytes, so the pair check XRD-SOAP-013 rightly fires.
    let (code, out, _) = run(konform(d.path())
        .args(["validate", "--format", "json", "--request"])
        .arg(corpus(&shared, "12_E-1-Request.xml"))
        .arg(corpus(&shared, "13_E-2-Response.xml")));
    assert_eq!(code, 1, "{out}");
    let r = checked_report(&out);
    let checked = r["results"][0]["rules_checked"].as_array().expect("list");
    assert!(
        checked.iter().any(|x| x == "XRD-SOAP-010") && checked.iter().any(|x| x == "XRD-SOAP-013")
    );
    let mut rules = fired(&r);
    rules.sort();
    assert_eq!(rules, ["XRD-SOAP-012", "XRD-SOAP-013"]);
}

#[test]
fn shipped_vectors_all_agree() {
    let d = tmp();
    let (code, out, err) =
        run(konform(d.path()).args(["vectors", "run", "--standard", "xroad-soap@4.0.0"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
}

#[test]
fn schema_import_outside_the_package_is_a_configuration_error_without_a_connection() {
    use sha2::{Digest, Sha256};
    let wire = Tripwire::start();
    let d = tmp();
    let pkg = d.path().join("pkg");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    let xsd = format!(
        "<xs:schema xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" targetNamespace=\"urn:a\"><xs:import namespace=\"urn:b\" schemaLocation=\"http://127.0.0.1:{}/b.xsd\"/><xs:element name=\"a\"/></xs:schema>",
        wire.port
    );
    std::fs::write(pkg.join("a.xsd"), &xsd).expect("write");
    let digest = hex::encode(Sha256::digest(xsd.as_bytes()));
    std::fs::write(
        pkg.join("standard.toml"),
        format!("id = \"imp\"\nversion = \"1.0.0\"\ntitle = \"t\"\n[[artefacts]]\nname = \"a\"\nfile = \"a.xsd\"\nsha256 = \"{digest}\"\nkind = \"xsd\"\n[[profiles]]\nname = \"p\"\nformat = \"xml\"\nartefacts = [\"a\"]\n[profiles.match]\nroot = \"{{urn:a}}a\"\n[[rules]]\nid = \"I-1\"\nlevel = \"MUST\"\nseverity = \"error\"\ntitle = \"t\"\nclause = \"§1\"\nengine = \"xsd\"\n"),
    )
    .expect("write");
    std::fs::write(d.path().join("a.xml"), "<a xmlns=\"urn:a\"/>").expect("write");
    let (code, out, err) = run(konform(d.path()).args([
        "validate",
        "--standards",
        "pkg",
        "--format",
        "json",
        "a.xml",
    ]));
    assert_eq!(code, 2, "{out}{err}");
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["error"]["kind"], "configuration");
    assert!(
        r["results"][0]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("does not resolve inside the package")
    );
    assert!(!wire.tripped(), "libxml2 fetched a schema import");
}

#[test]
fn detection_without_a_match_names_the_candidates() {
    let d = tmp();
    std::fs::write(d.path().join("a.xml"), "<invoice xmlns=\"urn:x\"/>").expect("write");
    let (code, out, _) = run(konform(d.path()).args(["validate", "--format", "json", "a.xml"]));
    assert_eq!(code, 2);
    let r = checked_report(&out);
    let msg = r["results"][0]["error"]["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("xroad-soap@4.0.0 profile request: root element is {urn:x}invoice"),
        "{msg}"
    );
}

#[test]
fn standards_show_prints_the_catalogue() {
    let d = tmp();
    let (code, out, _) = run(konform(d.path()).args(["standards", "show", "xroad-soap"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("XRD-SOAP-010") && out.contains("PR-MESS"),
        "{out}"
    );
    let (code, out, _) = run(konform(d.path()).args(["rule", "XRD-SOAP-001"]));
    assert_eq!(code, 0);
    assert!(out.contains("## What it checks"), "{out}");
}

#[test]
fn non_technical_fault_is_a_business_response() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    let (code, out, _) = run(konform(d.path())
        .args(["validate", "--format", "json"])
        .arg(corpus(&shared, "11_D-2-Non-technical.xml")));
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["profile"], "response");
    // The example's service header names serviceCode `test` while its wrapper is
    // `exampleServiceResponse`: the wrapper-name rule rightly fires on the example itself.
    assert_eq!(code, 1);
    let mut rules = fired(&r);
    rules.sort();
    assert_eq!(rules, ["XRD-SOAP-012", "XRD-SOAP-017"]);
}

#[test]
fn request_beside_response_is_paired_by_name() {
    let d = tmp();
    let v = root().join("test-vectors/xroad-soap/4.0.0");
    std::fs::copy(
        v.join("request-conformant.xml"),
        d.path().join("call.request.xml"),
    )
    .expect("copy");
    std::fs::copy(
        v.join("response-headers-reordered.xml"),
        d.path().join("call.response.xml"),
    )
    .expect("copy");
    let (code, out, _) =
        run(konform(d.path()).args(["validate", "--format", "json", "call.response.xml"]));
    assert_eq!(code, 1, "{out}");
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["request"], "call.request.xml");
    assert!(fired(&r).contains(&"XRD-SOAP-010".to_string()), "{out}");
}

#[test]
fn several_matching_standards_are_listed() {
    let d = tmp();
    // A second version of the same package, installed from a folder: both match.
    let src = root().join("standards/xroad-soap/4.0.0");
    let dst = d.path().join("pkgs/xroad-soap/4.1.0");
    std::fs::create_dir_all(dst.join("xsd")).expect("mkdir");
    for e in std::fs::read_dir(src.join("xsd")).expect("read") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, dst.join("xsd").join(p.file_name().expect("name"))).expect("copy");
    }
    let toml = std::fs::read_to_string(src.join("standard.toml")).expect("read");
    std::fs::write(
        dst.join("standard.toml"),
        toml.replacen("version = \"4.0.0\"", "version = \"4.1.0\"", 1),
    )
    .expect("write");
    std::fs::copy(
        root().join("test-vectors/xroad-soap/4.0.0/request-conformant.xml"),
        d.path().join("a.xml"),
    )
    .expect("copy");
    let (code, out, _) = run(konform(d.path()).args([
        "validate",
        "--standards",
        "pkgs",
        "--format",
        "json",
        "a.xml",
    ]));
    assert_eq!(code, 2, "{out}");
    let r = checked_report(&out);
    let msg = r["results"][0]["error"]["message"].as_str().unwrap_or("");
    assert!(
        msg.contains("xroad-soap@4.0.0 profile request")
            && msg.contains("xroad-soap@4.1.0 profile request"),
        "{msg}"
    );
    // Naming the version resolves it.
    let (code, _, err) = run(konform(d.path()).args([
        "validate",
        "--standards",
        "pkgs",
        "-s",
        "xroad-soap@4.1",
        "a.xml",
    ]));
    assert_eq!(code, 0, "{err}");
}

#[test]
fn shipped_rest_vectors_all_agree() {
    let d = tmp();
    let (code, out, err) =
        run(konform(d.path()).args(["vectors", "run", "--standard", "xroad-rest@1.0.4"]));
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
}

#[test]
fn wsdl_descriptions_are_checked_with_the_wsdl_profile() {
    let d = tmp();
    let vectors = root().join("test-vectors/xroad-soap/4.0.0");
    let check = |path: &Path| {
        let (code, out, err) = run(konform(d.path())
            .args([
                "validate",
                "--format",
                "json",
                "--standard",
                "xroad-soap@4.0.0",
            ])
            .arg(path));
        let r = checked_report(&out);
        assert_eq!(
            r["results"][0]["profile"],
            "wsdl",
            "{}: {err}",
            path.display()
        );
        (code, fired(&r))
    };
    assert_eq!(check(&vectors.join("wsdl-conformant.xml")), (0, vec![]));
    for (file, rule) in [
        ("wsdl-rpc-style.xml", "XRD-WSDL-001"),
        ("wsdl-encoded-use.xml", "XRD-WSDL-001"),
        ("wsdl-two-parts.xml", "XRD-WSDL-002"),
        ("wsdl-part-type.xml", "XRD-WSDL-003"),
        ("wsdl-input-not-sequence.xml", "XRD-WSDL-004"),
        ("wsdl-input-wrapper-name.xml", "XRD-WSDL-005"),
        ("wsdl-output-wrapper-name.xml", "XRD-WSDL-006"),
        ("wsdl-body-namespace.xml", "XRD-WSDL-007"),
    ] {
        assert_eq!(
            check(&vectors.join(file)),
            (1, vec![rule.to_string()]),
            "{file}"
        );
    }
    // Advisory rules report without making the description non-conformant.
    for (file, rule) in [
        ("wsdl-request-hash.xml", "XRD-WSDL-008"),
        ("wsdl-no-version.xml", "XRD-WSDL-009"),
        ("wsdl-mime-binding.xml", "XRD-WSDL-010"),
    ] {
        assert_eq!(
            check(&vectors.join(file)),
            (0, vec![rule.to_string()]),
            "{file}"
        );
    }
    // The specification's own example WSDL (Annex C) describes one attachment with the legacy
    // MIME binding next to swaRef and MTOM: only that advisory fires.
    if let Some(shared) = shared() {
        let annex = corpus(&shared, "09_Annex-C-Example-WSDL.xml");
        assert_eq!(check(&annex), (0, vec!["XRD-WSDL-010".to_string()]));
    }
}
