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

/// The verdict of every document of one `konform validate` run, by document name.
fn verdicts(
    dir: &Path,
    variant: &str,
    request: Option<&Path>,
    inputs: &[PathBuf],
) -> std::collections::BTreeMap<String, String> {
    verdicts_under(dir, "xroad-soap@4.0.0", variant, request, inputs)
}

fn verdicts_under(
    dir: &Path,
    standard: &str,
    variant: &str,
    request: Option<&Path>,
    inputs: &[PathBuf],
) -> std::collections::BTreeMap<String, String> {
    let mut cmd = konform(dir);
    cmd.args([
        "validate",
        "--standard",
        standard,
        "--variant",
        variant,
        "--format",
        "json",
    ]);
    if let Some(r) = request {
        cmd.arg("--request").arg(r);
    }
    let (_, out, err) = run(cmd.args(inputs));
    let r: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    r["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|x| {
            (
                x["document"]["name"].as_str().unwrap_or("").to_string(),
                x["verdict"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// Issues #15 and #23: `strict` is the text plus every check `runtime` makes, so it never
/// accepts a message `runtime` (the Security Server) rejects. Checked over every xroad-soap
/// vector input (the shown ones and those written for #23), alone and, where the vector names
/// one, with its paired request.
#[test]
fn issue_23_strict_rejects_every_message_runtime_rejects() {
    let d = tmp();
    let dir = root().join("test-vectors/xroad-soap/4.0.0");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("vectors")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "xml" || x == "http"))
        .collect();
    inputs.sort();
    let runtime = verdicts(d.path(), "runtime", None, &inputs);
    let strict = verdicts(d.path(), "strict", None, &inputs);
    assert_eq!(runtime.len(), inputs.len());
    let rejected: Vec<&String> = runtime
        .iter()
        .filter(|(_, v)| *v == "non-conformant")
        .map(|(k, _)| k)
        .collect();
    assert!(rejected.len() > 30, "runtime rejects only {rejected:?}");
    for doc in &rejected {
        assert_eq!(
            strict.get(*doc).map(String::as_str),
            Some("non-conformant"),
            "runtime rejects {doc}, strict does not"
        );
    }
    // Pairs: responses checked against the request their vector names.
    let mut pairs = 0;
    for e in std::fs::read_dir(&dir).expect("vectors").flatten() {
        let path = e.path();
        let Some(stem) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".expected.toml"))
        else {
            continue;
        };
        let exp: toml::Value =
            toml::from_str(&std::fs::read_to_string(&path).expect("read")).expect("toml");
        let Some(req) = exp.get("request").and_then(|r| r.as_str()) else {
            continue;
        };
        let input = dir.join(format!("{stem}.xml"));
        let request = dir.join(req);
        let rt = verdicts(
            d.path(),
            "runtime",
            Some(&request),
            std::slice::from_ref(&input),
        );
        let st = verdicts(
            d.path(),
            "strict",
            Some(&request),
            std::slice::from_ref(&input),
        );
        for (doc, v) in &rt {
            if v == "non-conformant" {
                assert_eq!(
                    st.get(doc).map(String::as_str),
                    Some("non-conformant"),
                    "paired with {req}: runtime rejects {doc}, strict does not"
                );
            }
        }
        pairs += 1;
    }
    assert!(pairs >= 5, "only {pairs} paired vectors");
}

/// Issue #23 item 2 for REST: every request or response that the runtime variant of
/// xroad-rest@1.0.4 rejects, strict rejects too (a member-level service path among them).
#[test]
fn issue_23_rest_strict_rejects_every_message_runtime_rejects() {
    let d = tmp();
    let dir = root().join("test-vectors/xroad-rest/1.0.4");
    let mut inputs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("vectors")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "http"))
        .collect();
    inputs.sort();
    let runtime = verdicts_under(d.path(), "xroad-rest@1.0.4", "runtime", None, &inputs);
    let strict = verdicts_under(d.path(), "xroad-rest@1.0.4", "strict", None, &inputs);
    assert_eq!(runtime.len(), inputs.len());
    let rejected: Vec<&String> = runtime
        .iter()
        .filter(|(_, v)| *v == "non-conformant")
        .map(|(k, _)| k)
        .collect();
    assert!(
        rejected
            .iter()
            .any(|d| d.contains("request-member-service")),
        "runtime should reject the member-level service: {rejected:?}"
    );
    for doc in &rejected {
        assert_eq!(
            strict.get(*doc).map(String::as_str),
            Some("non-conformant"),
            "runtime rejects {doc}, strict does not"
        );
    }
}

/// Issue #23 class 1: X-Road's own metaservice test queries send listMethods and
/// allowedMethods requests with bodies; the Security Server never reads them
/// (MetadataServiceHandlerImpl.handleListMethods), so runtime accepts them with XRD-META-004
/// as information, and strict rejects them on PR-META §3.
#[test]
fn issue_23_metaservice_requests_with_bodies_from_xroad_tests() {
    let Some(shared) = shared() else { return };
    let d = tmp();
    let queries = shared.join("corpora/xroad-protocol/metaservice-test-queries");
    for q in ["listMethods.query", "allowedMethods.query"] {
        let path = queries.join(q);
        let file = d.path().join(q.replace(".query", ".xml"));
        std::fs::copy(&path, &file).expect("copy");
        for (variant, verdict, severity) in [
            ("runtime", "conformant", "info"),
            ("strict", "non-conformant", "error"),
        ] {
            let (_, out, err) = run(konform(d.path())
                .args([
                    "validate",
                    "--standard",
                    "xroad-soap@4.0.0",
                    "--variant",
                    variant,
                    "--format",
                    "json",
                ])
                .arg(&file));
            let r = checked_report(&out);
            assert_eq!(
                r["results"][0]["verdict"], verdict,
                "{q} {variant}: {out}\n{err}"
            );
            let meta: Vec<&serde_json::Value> = r["results"][0]["findings"]
                .as_array()
                .expect("findings")
                .iter()
                .filter(|f| f["rule"] == "XRD-META-004")
                .collect();
            assert_eq!(meta.len(), 1, "{q} {variant}: {out}");
            assert_eq!(meta[0]["severity"], severity, "{q} {variant}");
            if variant == "runtime" {
                let msg = meta[0]["message"].as_str().unwrap_or("");
                assert!(
                    msg.starts_with("not enforced by the Security Server"),
                    "{msg}"
                );
            }
        }
    }
}

/// Issue #23 deliverable 3: `konform rule ID` shows what the Security Server does and the
/// class and method that decide it.
#[test]
fn issue_23_rule_shows_the_runtime_behaviour_and_its_citation() {
    let d = tmp();
    let (code, out, err) = run(konform(d.path()).args(["rule", "XRD-SOAP-010"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("runtime variant: enforced differently"),
        "{out}"
    );
    assert!(out.contains("SoapUtils.checkConsistency"), "{out}");
    let (code, out, _) = run(konform(d.path()).args(["rule", "XRD-SOAP-026"]));
    assert_eq!(code, 0);
    assert!(out.contains("runtime variant: not enforced"), "{out}");
    assert!(
        out.contains("MessageProcessorBase.checkIdentifier"),
        "{out}"
    );
}
