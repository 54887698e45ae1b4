//! The jsonschema engine: package-only `$ref`, formats, bounded regexes.

use super::*;
use sha2::{Digest, Sha256};

/// Writes a one-schema JSON package into `dir/pkg` and returns its folder name.
fn package(dir: &Path, schema: &str) -> String {
    let pkg = dir.join("pkg");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    std::fs::write(pkg.join("s.json"), schema).expect("write");
    let digest = hex::encode(Sha256::digest(schema.as_bytes()));
    let toml = format!(
        "id = \"t\"\nversion = \"1.0.0\"\ntitle = \"t\"\n[[artefacts]]\nname = \"s\"\nfile = \"s.json\"\nsha256 = \"{digest}\"\nkind = \"jsonschema\"\n[[profiles]]\nname = \"p\"\nformat = \"json\"\nartefacts = [\"s\"]\n[[rules]]\nid = \"T-1\"\nlevel = \"MUST\"\nseverity = \"error\"\ntitle = \"t\"\nclause = \"§1\"\nengine = \"jsonschema\"\n"
    );
    std::fs::write(pkg.join("standard.toml"), toml).expect("write");
    "pkg".into()
}

#[test]
fn remote_ref_is_a_configuration_error_without_a_connection() {
    let wire = Tripwire::start();
    let d = tmp();
    let pkg = package(
        d.path(),
        &format!(
            "{{\"$ref\": \"http://127.0.0.1:{}/other.json\"}}",
            wire.port
        ),
    );
    std::fs::write(d.path().join("a.json"), "{}").expect("write");
    let (code, _, err) =
        run(konform(d.path()).args(["validate", "--standards", &pkg, "--standard", "t", "a.json"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("does not resolve inside the package"), "{err}");
    assert!(!wire.tripped(), "konform fetched a remote $ref");
}

#[test]
fn file_ref_outside_the_package_is_refused() {
    let d = tmp();
    let pkg = package(d.path(), "{\"$ref\": \"file:///etc/passwd\"}");
    std::fs::write(d.path().join("a.json"), "{}").expect("write");
    let (code, _, err) =
        run(konform(d.path()).args(["validate", "--standards", &pkg, "--standard", "t", "a.json"]));
    assert_eq!(code, 2, "{err}");
}

#[test]
fn ref_inside_the_package_and_formats_are_checked() {
    let fixture = root().join("tests/fixtures/json-demo");
    let d = tmp();
    std::fs::write(
        d.path().join("ok.json"),
        r#"{"name": "A", "email": "a@example.org", "address": {"city": "Kiel", "zip": "24103"}}"#,
    )
    .expect("w");
    std::fs::write(
        d.path().join("bad.json"),
        "{\"name\": \"A\",\n \"email\": \"no at sign\", \"address\": {\"zip\": \"1\"}}",
    )
    .expect("w");
    let fx = fixture.to_str().expect("utf8");
    let (code, out, _) =
        run(konform(d.path()).args(["validate", "--standards", fx, "--format", "json", "ok.json"]));
    assert_eq!(code, 0, "{out}");
    checked_report(&out);
    let (code, out, _) = run(konform(d.path()).args([
        "validate",
        "--standards",
        fx,
        "--format",
        "json",
        "bad.json",
    ]));
    assert_eq!(code, 1);
    let r = checked_report(&out);
    let pointers: Vec<&str> = r["results"][0]["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter_map(|f| f["location"]["path"].as_str())
        .collect();
    assert_eq!(pointers, ["/email", "/address", "/address/zip"]);
    assert_eq!(r["results"][0]["findings"][0]["location"]["line"], 2);
}

#[test]
fn a_pattern_that_cannot_be_evaluated_is_an_error_verdict() {
    let d = tmp();
    // A back-reference forces the backtracking engine; the ambiguous repetition makes it explode.
    let pkg = package(
        d.path(),
        r#"{"properties": {"v": {"type": "string", "pattern": "^((a|aa)+)\\1c$"}}}"#,
    );
    let evil = format!("{{\"v\": \"{}b\"}}", "a".repeat(40));
    std::fs::write(d.path().join("e.json"), evil).expect("write");
    let (code, out, err) = run(konform(d.path()).args([
        "validate",
        "--standards",
        &pkg,
        "--standard",
        "t",
        "--format",
        "json",
        "e.json",
    ]));
    assert_eq!(code, 3, "{err}");
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["verdict"], "error");
    assert!(
        r["results"][0]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("could not be evaluated")
    );
}
