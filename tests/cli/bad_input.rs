//! Bad input: each a clear message, the right exit code, no panic, no network.

use super::*;
use std::io::Write;

fn validate_xroad(dir: &Path, file: &str) -> (i32, String, String) {
    run(konform(dir).args([
        "validate",
        "--standard",
        "xroad-soap@4.0.0",
        "--format",
        "json",
        file,
    ]))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) {
    std::fs::write(dir.join(name), bytes).expect("write");
}

#[test]
fn non_xml_is_non_conformant_with_a_located_finding() {
    let d = tmp();
    write(d.path(), "a.xml", b"this is not XML at all\n");
    let (code, out, err) = validate_xroad(d.path(), "a.xml");
    assert_eq!(code, 1, "{err}");
    let r = checked_report(&out);
    assert_eq!(fired(&r), ["KONFORM-XML-001"]);
    assert_eq!(r["results"][0]["findings"][0]["location"]["line"], 1);
}

#[test]
fn truncated_xml_points_at_the_end() {
    let d = tmp();
    write(d.path(), "t.xml", b"<a>\n  <b>text</b>\n  <c>");
    let (code, out, _) = validate_xroad(d.path(), "t.xml");
    assert_eq!(code, 1);
    let r = checked_report(&out);
    assert_eq!(fired(&r), ["KONFORM-XML-001"]);
    assert_eq!(r["results"][0]["findings"][0]["location"]["line"], 3);
}

#[test]
fn invalid_utf8_is_an_encoding_finding() {
    let d = tmp();
    write(
        d.path(),
        "u.xml",
        b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a>caf\xe9</a>",
    );
    let (code, out, _) = validate_xroad(d.path(), "u.xml");
    assert_eq!(code, 1);
    let r = checked_report(&out);
    assert_eq!(fired(&r), ["KONFORM-XML-003"]);
    assert_eq!(r["results"][0]["findings"][0]["location"]["line"], 2);
    assert_eq!(r["results"][0]["findings"][0]["location"]["column"], 7);
}

#[test]
fn xxe_file_entity_is_refused_and_nothing_is_read() {
    let d = tmp();
    write(
        d.path(),
        "x.xml",
        b"<?xml version=\"1.0\"?>\n<!DOCTYPE e [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>\n<e>&x;</e>",
    );
    let (code, out, _) = validate_xroad(d.path(), "x.xml");
    assert_eq!(code, 1);
    assert!(
        !out.contains("root:"),
        "file content leaked into the report"
    );
    assert_eq!(fired(&checked_report(&out)), ["KONFORM-XML-002"]);
}

#[test]
fn external_http_entity_dtd_and_schema_hints_make_no_connection() {
    let wire = Tripwire::start();
    let p = wire.port;
    let d = tmp();
    write(
        d.path(),
        "e.xml",
        format!("<!DOCTYPE e SYSTEM \"http://127.0.0.1:{p}/evil.dtd\"><e/>").as_bytes(),
    );
    write(
        d.path(),
        "f.xml",
        format!("<!DOCTYPE e [<!ENTITY % r SYSTEM \"http://127.0.0.1:{p}/r\"> %r;]><e/>")
            .as_bytes(),
    );
    // A conformant message carrying a schemaLocation hint that points at the tripwire.
    let e1 = std::fs::read_to_string(
        root().join("test-vectors/xroad-soap/4.0.0/request-conformant.xml"),
    )
    .expect("vector");
    let hinted = e1.replacen(
        "<SOAP-ENV:Body>",
        &format!("<SOAP-ENV:Body xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"urn:x http://127.0.0.1:{p}/x.xsd\">"),
        1,
    );
    write(d.path(), "g.xml", hinted.as_bytes());
    for f in ["e.xml", "f.xml"] {
        let (code, out, _) = validate_xroad(d.path(), f);
        assert_eq!(code, 1, "{f}");
        assert_eq!(fired(&checked_report(&out)), ["KONFORM-XML-002"], "{f}");
    }
    let (code, _, err) = validate_xroad(d.path(), "g.xml");
    assert!(code == 0 || code == 1, "{err}");
    assert!(!wire.tripped(), "konform connected to the network");
}

#[test]
fn billion_laughs_is_refused_quickly() {
    let d = tmp();
    let mut doc =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for i in 1..10 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        doc.push_str(&format!(
            "<!ENTITY lol{i} \"{}\">\n",
            format!("&{prev};").repeat(10)
        ));
    }
    doc.push_str("]>\n<lolz>&lol9;</lolz>");
    write(d.path(), "b.xml", doc.as_bytes());
    let (code, out, _) = validate_xroad(d.path(), "b.xml");
    assert_eq!(code, 1);
    assert_eq!(fired(&checked_report(&out)), ["KONFORM-XML-002"]);
}

#[test]
fn gzip_input_is_not_decompressed() {
    let d = tmp();
    write(
        d.path(),
        "z.xml",
        &[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3],
    );
    let (code, out, _) = validate_xroad(d.path(), "z.xml");
    assert_eq!(code, 3);
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["verdict"], "error");
    assert!(
        r["results"][0]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("gzip")
    );
}

#[test]
fn a_200_mb_file_is_refused_without_reading_it() {
    let d = tmp();
    let f = std::fs::File::create(d.path().join("big.xml")).expect("create");
    f.set_len(200 * 1024 * 1024).expect("sparse file");
    let (code, out, _) = validate_xroad(d.path(), "big.xml");
    assert_eq!(code, 3);
    let r = checked_report(&out);
    assert!(
        r["results"][0]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("larger than the limit")
    );
}

#[test]
fn deep_nesting_is_refused() {
    let d = tmp();
    let mut f = std::fs::File::create(d.path().join("deep.xml")).expect("create");
    f.write_all("<a>".repeat(100_000).as_bytes())
        .expect("write");
    f.write_all("</a>".repeat(100_000).as_bytes())
        .expect("write");
    drop(f);
    let (code, out, _) = validate_xroad(d.path(), "deep.xml");
    assert_eq!(code, 3);
    let r = checked_report(&out);
    assert!(
        r["results"][0]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("nests deeper")
    );
}

#[test]
fn missing_file_is_could_not_evaluate() {
    let d = tmp();
    let (code, out, _) = validate_xroad(d.path(), "nope.xml");
    assert_eq!(code, 3);
    let r = checked_report(&out);
    assert!(
        r["results"][0]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("nope.xml")
    );
}

#[test]
fn glob_matching_nothing_is_a_usage_error() {
    let d = tmp();
    let (code, _, err) = validate_xroad(d.path(), "*.nothing");
    assert_eq!(code, 2);
    assert!(err.contains("matches no file"), "{err}");
}

#[test]
fn unknown_standard_lists_what_is_installed() {
    let d = tmp();
    write(d.path(), "a.xml", b"<a/>");
    let (code, _, err) =
        run(konform(d.path()).args(["validate", "--standard", "nosuch@1", "a.xml"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("unknown standard `nosuch@1`") && err.contains("xroad-soap@4.0.0"),
        "{err}"
    );
}

#[test]
fn a_misspelt_standard_is_one_line_with_the_command_that_works() {
    let d = tmp();
    std::fs::copy(
        root().join("test-vectors/xroad-soap/4.0.0/request-conformant.xml"),
        d.path().join("a.xml"),
    )
    .expect("copy");
    let out = konform(d.path())
        .args(["validate", "--standard", "xroad-sop@4", "a.xml"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let n = konform::standard::Registry::load(&[], true)
        .expect("built-in standards")
        .packages()
        .len();
    assert_eq!(
        err,
        format!(
            "error: unknown standard `xroad-sop@4` ({n} standards are installed); did you mean xroad-soap? run: `konform validate --standard xroad-soap@4 a.xml`\n"
        )
    );
    // The suggested command works.
    let (code, _, err) =
        run(konform(d.path()).args(["validate", "--standard", "xroad-soap@4", "a.xml"]));
    assert_eq!(code, 0, "{err}");
    // A version that is not installed: the installed ones, and the command with the newest.
    let (code, _, err) = run(konform(d.path()).args(["standards", "show", "xroad-soap@7"]));
    assert_eq!(code, 2);
    assert_eq!(
        err,
        "error: no installed version of xroad-soap matches `xroad-soap@7` (1 installed: 4.0.0 (active)); run: `konform standards show xroad-soap@4.0.0`"
    );
}

fn copy_package(to: &Path) -> PathBuf {
    let src = root().join("tests/fixtures/json-demo/1.0.0");
    let dst = to.join("pkg");
    std::fs::create_dir_all(&dst).expect("mkdir");
    for e in std::fs::read_dir(&src).expect("read") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, dst.join(p.file_name().expect("name"))).expect("copy");
    }
    dst
}

#[test]
fn broken_standard_toml_is_a_configuration_error() {
    let d = tmp();
    let pkg = copy_package(d.path());
    std::fs::write(
        pkg.join("standard.toml"),
        "id = \"x\"\nversion = \"not semver\"\ntitel = 1\n",
    )
    .expect("write");
    let (code, _, err) = run(konform(d.path()).args(["standards", "list", "--standards", "pkg"]));
    assert_eq!(code, 2);
    assert!(err.contains("invalid package manifest"), "{err}");
}

#[test]
fn artefact_digest_mismatch_is_a_configuration_error() {
    let d = tmp();
    let pkg = copy_package(d.path());
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(pkg.join("address.schema.json"))
        .expect("open");
    f.write_all(b"\n").expect("append");
    let (code, _, err) = run(konform(d.path()).args(["standards", "list", "--standards", "pkg"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("digest mismatch") && err.contains("address.schema.json"),
        "{err}"
    );
}

#[test]
fn malformed_and_duplicate_json() {
    let d = tmp();
    write(d.path(), "m.json", b"{\"name\": \"x\",\n \"email\": }");
    write(d.path(), "dup.json", b"{\"name\": \"x\", \"email\": \"a@b.de\", \"address\": {\"city\": \"B\", \"city\": \"C\"}}");
    let fixture = root().join("tests/fixtures/json-demo");
    let fx = fixture.to_str().expect("utf8");
    let (code, out, _) =
        run(konform(d.path()).args(["validate", "--standards", fx, "--format", "json", "m.json"]));
    assert_eq!(code, 1);
    let r = checked_report(&out);
    assert_eq!(fired(&r), ["KONFORM-JSON-001"]);
    assert_eq!(r["results"][0]["findings"][0]["location"]["line"], 2);
    let (code, out, _) = run(konform(d.path()).args([
        "validate",
        "--standards",
        fx,
        "--format",
        "json",
        "dup.json",
    ]));
    assert_eq!(code, 1);
    let r = checked_report(&out);
    assert_eq!(fired(&r), ["KONFORM-JSON-002"]);
    assert_eq!(
        r["results"][0]["findings"][0]["location"]["path"],
        "/address/city"
    );
}

#[test]
fn a_closed_standard_output_ends_quietly() {
    // `konform ... | head`: the reader goes away; konform must stop without a panic.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("konform"))
        .args(["vectors", "run", "--standard", "xroad-soap@4.0.0"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_ne!(out.status.code(), Some(101), "{err}");
}
