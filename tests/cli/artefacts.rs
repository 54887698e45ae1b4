//! Artefact store, offline mirror, lock file, --at selection and deprecation.

use super::*;
use sha2::{Digest, Sha256};

const SCHEMA: &str = r#"{"type": "object", "required": ["name"]}"#;

/// A package whose schema is published, not contained; plus a mirror holding the schema.
fn setup(dir: &Path, version: &str, status: &str) {
    let pkg = dir.join("pkgs/ext").join(version);
    std::fs::create_dir_all(&pkg).expect("mkdir");
    let digest = hex::encode(Sha256::digest(SCHEMA.as_bytes()));
    std::fs::write(
        pkg.join("standard.toml"),
        format!(
            "id = \"ext\"\nversion = \"{version}\"\ntitle = \"t\"\n[status]\n{status}\n[[artefacts]]\nname = \"s\"\nfile = \"schemas/s.json\"\nsha256 = \"{digest}\"\nkind = \"jsonschema\"\nurl = \"https://publisher.invalid/s.json\"\n[[profiles]]\nname = \"p\"\nformat = \"json\"\nartefacts = [\"s\"]\n[[rules]]\nid = \"E-1\"\nlevel = \"MUST\"\nseverity = \"error\"\ntitle = \"t\"\nclause = \"§1\"\nengine = \"jsonschema\"\n"
        ),
    )
    .expect("write");
    let mirror = dir.join("mirror/deep/er");
    std::fs::create_dir_all(&mirror).expect("mkdir");
    std::fs::write(mirror.join("s.json"), SCHEMA).expect("write");
    std::fs::write(dir.join("ok.json"), r#"{"name": "x"}"#).expect("write");
    std::fs::write(dir.join("bad.json"), r#"{"nom": "x"}"#).expect("write");
}

fn k(dir: &Path) -> Command {
    let mut c = konform(dir);
    c.env("KONFORM_HOME", dir.join("home"))
        .env("KONFORM_STANDARDS", dir.join("pkgs"));
    c
}

#[test]
fn fetch_from_mirror_then_validate_and_lock() {
    let d = tmp();
    setup(d.path(), "1.0.0", "state = \"active\"");
    // Before fetching: listed, but validation says what is missing and how to get it.
    let (code, out, _) =
        run(k(d.path()).args(["validate", "-s", "ext", "--format", "json", "ok.json"]));
    assert_eq!(code, 2);
    let r = checked_report(&out);
    let msg = r["results"][0]["error"]["message"].as_str().unwrap_or("");
    assert_eq!(
        msg,
        "ext@1.0.0: 1 of its 1 published artefacts is not in the artefact store; run `konform standards fetch ext@1.0.0` to download them (`--from DIR` copies them from a mirror)"
    );
    // --verbose names the file.
    let (code, _, err) = run(k(d.path()).args(["validate", "-s", "ext", "-v", "ok.json"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("ext@1.0.0: 1 artefact(s) not in the artefact store")
            && err.contains("schemas/s.json"),
        "{err}"
    );
    // Offline and without a mirror, fetch refuses in one line saying what to run.
    let (code, _, err) = run(k(d.path()).args(["standards", "fetch", "ext", "--offline"]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(
        err,
        "error: ext@1.0.0: 1 of 1 missing artefact(s) could not be fetched (0 fetched); first: schemas/s.json: not in the store, and --offline forbids downloading; run `konform standards fetch ext@1.0.0` to download them from their publishers"
    );
    let (code, _, err) = run(k(d.path()).args(["standards", "fetch", "ext", "--from", "mirror"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 artefact(s) fetched"), "{err}");
    let (code, out, _) = run(k(d.path()).args([
        "validate", "-s", "ext", "--format", "json", "ok.json", "bad.json",
    ]));
    assert_eq!(code, 1);
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["verdict"], "conformant");
    assert_eq!(r["results"][1]["verdict"], "non-conformant");
    let (code, out, _) = run(k(d.path()).args(["standards", "verify"]));
    assert_eq!(code, 0);
    assert!(
        out.contains("1 artefact(s)") && out.contains("0 damaged"),
        "{out}"
    );
    // Lock, then validation honours the lock.
    let (code, _, err) = run(k(d.path()).args(["lock", "--standard", "ext"]));
    assert_eq!(code, 0, "{err}");
    let lock = std::fs::read_to_string(d.path().join("konform.lock")).expect("lock written");
    assert!(
        lock.contains("id = \"ext\"") && lock.contains("schemas/s.json"),
        "{lock}"
    );
    let (code, _, _) = run(k(d.path()).args(["validate", "ok.json"]));
    assert_eq!(code, 0);
    // A lost store: the locked validation fails clearly.
    std::fs::remove_dir_all(d.path().join("home")).expect("rm");
    let (code, _, err) = run(k(d.path()).args(["validate", "ok.json"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("konform.lock: ext@1.0.0: 1 of its 1 published artefacts is not in the artefact store; run `konform standards fetch ext@1.0.0`"),
        "{err}"
    );
    let (code, _, err) = run(k(d.path()).args(["validate", "-v", "ok.json"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("schemas/s.json"),
        "--verbose lists the file: {err}"
    );
    // A changed package no longer matches the lock.
    run(k(d.path()).args(["standards", "fetch", "ext", "--from", "mirror"]));
    let toml = d.path().join("pkgs/ext/1.0.0/standard.toml");
    let text = std::fs::read_to_string(&toml).expect("read");
    std::fs::write(&toml, text.replace("title = \"t\"", "title = \"changed\"")).expect("write");
    let (code, _, err) = run(k(d.path()).args(["validate", "ok.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("has changed since it was locked"), "{err}");
    let (code, _, _) = run(k(d.path()).args(["validate", "--no-lock", "-s", "ext", "ok.json"]));
    assert_eq!(code, 0);
}

#[test]
fn mirror_with_a_wrong_file_is_refused_and_nothing_is_written() {
    let d = tmp();
    setup(d.path(), "1.0.0", "state = \"active\"");
    std::fs::write(d.path().join("mirror/deep/er/s.json"), "{}").expect("write");
    let (code, _, err) = run(k(d.path()).args(["standards", "fetch", "ext", "--from", "mirror"]));
    assert_eq!(code, 2);
    assert!(err.contains("refused, nothing written"), "{err}");
    let stored = walk_files(&d.path().join("home"));
    assert!(stored.is_empty(), "{stored:?}");
}

fn walk_files(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.filter_map(Result::ok) {
            if e.path().is_dir() {
                out.extend(walk_files(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn at_selects_what_was_in_force_and_deprecation_warns() {
    let d = tmp();
    setup(
        d.path(),
        "1.0.0",
        "state = \"deprecated\"\nvalid_from = 2020-01-01\nvalid_until = 2023-12-31\nreplaced_by = \"ext@2.0.0\"",
    );
    setup(
        d.path(),
        "2.0.0",
        "state = \"active\"\nvalid_from = 2024-01-01",
    );
    run(k(d.path()).args(["standards", "fetch", "ext@1.0.0", "--from", "mirror"]));
    let (code, out, err) =
        run(k(d.path()).args(["validate", "-s", "ext", "--format", "json", "ok.json"]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(checked_report(&out)["results"][0]["standard"], "ext@2.0.0");
    let (code, out, err) = run(k(d.path()).args([
        "validate",
        "-s",
        "ext",
        "--at",
        "2022-06-01",
        "--format",
        "json",
        "ok.json",
    ]));
    assert_eq!(code, 0, "{err}");
    assert_eq!(checked_report(&out)["results"][0]["standard"], "ext@1.0.0");
    assert!(
        err.contains("warning: ext@1.0.0 is deprecated; it is replaced by ext@2.0.0"),
        "{err}"
    );
    // Detection with --at also sees only what was in force.
    let (code, out, _) = run(k(d.path()).args([
        "validate",
        "--at",
        "2022-06-01",
        "--format",
        "json",
        "ok.json",
    ]));
    assert_eq!(code, 0);
    assert_eq!(checked_report(&out)["results"][0]["standard"], "ext@1.0.0");
    let (code, _, err) =
        run(k(d.path()).args(["validate", "--at", "1999-01-01", "-s", "ext", "ok.json"]));
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(k(d.path()).args(["validate", "--at", "June", "ok.json"]));
    assert_eq!(code, 2);
    assert!(err.contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn kosit_configuration_imports_into_a_working_package() {
    let d = tmp();
    let scenarios = root().join("tests/fixtures/kosit/scenarios.xml");
    let (code, _, err) = run(konform(d.path())
        .args(["standards", "import", "kosit"])
        .arg(&scenarios)
        .args(["--out", "pkg", "--id", "orders"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("order-rules.xsl is compiled XSLT; the package uses the Schematron source resources/sch/order-rules.sch"), "{err}");
    // The XSD's xs:import and the Schematron's include come along.
    assert!(
        err.contains("2 profile(s), 4 artefact(s), 1 override(s)"),
        "{err}"
    );
    let manifest = std::fs::read_to_string(d.path().join("pkg/standard.toml")).expect("manifest");
    assert!(
        manifest.contains("file = \"resources/common/types.xsd\"")
            && manifest.contains("file = \"resources/sch/rules/profile.sch\""),
        "{manifest}"
    );
    assert!(
        manifest.contains("# Orders of profile 1.0: schema and business rules.\n[[profiles]]"),
        "the scenario description is kept: {manifest}"
    );
    assert!(
        manifest.contains("rules = [\"ORD-2\"]") && manifest.contains("severity = \"warning\""),
        "{manifest}"
    );
    assert!(manifest.contains("kosit_accept_match"), "{manifest}");
    std::fs::write(
        d.path().join("o1.xml"),
        "<Order xmlns=\"urn:konform:test:order\"><Profile>urn:order:1.0</Profile><Number>1</Number><Amount>-1</Amount></Order>",
    )
    .expect("write");
    std::fs::write(
        d.path().join("o2.xml"),
        "<Order xmlns=\"urn:konform:test:order\"><Profile>urn:order:2.0</Profile><Number>1</Number><Amount>x</Amount></Order>",
    )
    .expect("write");
    let (code, out, _) = run(konform(d.path()).args([
        "validate",
        "--standards",
        "pkg",
        "--format",
        "json",
        "o1.xml",
        "o2.xml",
    ]));
    assert_eq!(code, 1);
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["profile"], "order-1-0");
    assert!(fired(&r).contains(&"ORD-1".to_string()), "{out}");
    assert_eq!(r["results"][1]["profile"], "any-order");
    // A bare file name, from inside the configuration folder, works too.
    let (code, _, err) = run(konform(&root().join("tests/fixtures/kosit"))
        .args(["standards", "import", "kosit", "scenarios.xml", "--out"])
        .arg(d.path().join("pkg-bare")));
    assert_eq!(code, 0, "{err}");
    // Importing twice into the same folder is refused.
    let (code, _, _) = run(konform(d.path())
        .args(["standards", "import", "kosit"])
        .arg(&scenarios)
        .args(["--out", "pkg"]));
    assert_eq!(code, 2);
}

#[test]
fn overrides_and_waivers_shape_verdict_and_acceptance() {
    let d = tmp();
    let scenarios = root().join("tests/fixtures/kosit/scenarios.xml");
    run(konform(d.path())
        .args(["standards", "import", "kosit"])
        .arg(&scenarios)
        .args(["--out", "pkg", "--id", "orders"]));
    // Only ORD-2 is violated; the package lowers it to a warning (KoSIT customLevel).
    std::fs::write(
        d.path().join("o.xml"),
        "<Order xmlns=\"urn:konform:test:order\"><Profile>urn:order:1.0</Profile><Number>123456789</Number><Amount>5</Amount></Order>",
    )
    .expect("write");
    let (code, out, _) = run(konform(d.path()).args([
        "validate",
        "--standards",
        "pkg",
        "--format",
        "json",
        "o.xml",
    ]));
    assert_eq!(code, 0, "{out}");
    let r = checked_report(&out);
    let f = &r["results"][0]["findings"][0];
    assert_eq!(
        (
            f["rule"].as_str(),
            f["severity"].as_str(),
            f["standard_severity"].as_str()
        ),
        (Some("ORD-2"), Some("warning"), Some("error"))
    );
    assert_eq!(
        f["override_reason"],
        "customLevel warning in scenario 'Order 1.0' of scenarios.xml"
    );
    assert_eq!(r["results"][0]["acceptance"], "accept");

    // A waiver accepts a finding of an error rule, which stays in the report marked.
    let v = root().join("test-vectors/xroad-soap/4.0.0/request-client-missing-membercode.xml");
    std::fs::copy(&v, d.path().join("m.xml")).expect("copy");
    std::fs::write(
        d.path().join("konform.toml"),
        "[[waivers]]\nrule = \"XRD-SOAP-003\"\ndocuments = \"m.xml\"\nreason = \"legacy client, fixed in release 7\"\nowner = \"team-a\"\nexpires = 2099-12-31\n",
    )
    .expect("write");
    let (code, out, _) = run(konform(d.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["validate", "--format", "json", "m.xml"]));
    assert_eq!(code, 0, "{out}");
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["verdict"], "conformant");
    assert_eq!(r["results"][0]["findings"][0]["waiver"]["owner"], "team-a");
    // Expired: the finding applies again and the expiry is reported.
    std::fs::write(
        d.path().join("konform.toml"),
        "[[waivers]]\nrule = \"XRD-SOAP-003\"\nreason = \"legacy\"\nowner = \"team-a\"\nexpires = 2020-01-01\n",
    )
    .expect("write");
    let (code, out, _) = run(konform(d.path())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .args(["validate", "--format", "json", "m.xml"]));
    assert_eq!(code, 1);
    let r = checked_report(&out);
    let rules = fired(&r);
    assert!(
        rules.contains(&"XRD-SOAP-003".to_string())
            && rules.contains(&"KONFORM-WAIVER-001".to_string()),
        "{rules:?}"
    );
    assert_eq!(r["results"][0]["acceptance"], "reject");
    // A broken konform.toml is a configuration error.
    std::fs::write(d.path().join("konform.toml"), "[[waivers]]\nrule = \"X\"\n").expect("write");
    let (code, _, _) = run(konform(d.path()).args(["validate", "m.xml"]));
    assert_eq!(code, 2);
}

/// Copies the KoSIT fixture into `dir` with its first scenario's `acceptMatch` replaced (and,
/// when given, one more namespace declared in that scenario).
fn kosit_fixture_with(dir: &Path, accept_match: &str, namespace: Option<(&str, &str)>) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).expect("mkdir");
        for e in std::fs::read_dir(from).expect("read fixture") {
            let e = e.expect("entry");
            if e.path().is_dir() {
                copy(&e.path(), &to.join(e.file_name()));
            } else {
                std::fs::copy(e.path(), to.join(e.file_name())).expect("copy");
            }
        }
    }
    copy(&root().join("tests/fixtures/kosit"), dir);
    let path = dir.join("scenarios.xml");
    let text = std::fs::read_to_string(&path).expect("scenarios");
    let old = "<acceptMatch>count(//rep:message[@level = 'error']) = 0</acceptMatch>";
    assert!(text.contains(old), "the fixture's acceptMatch changed");
    let mut text = text.replacen(
        old,
        &format!("<acceptMatch>{accept_match}</acceptMatch>"),
        1,
    );
    if let Some((prefix, uri)) = namespace {
        text = text.replacen(
            "<namespace prefix=\"o\">",
            &format!(
                "<namespace prefix=\"{prefix}\">{uri}</namespace>\n    <namespace prefix=\"o\">"
            ),
            1,
        );
    }
    std::fs::write(&path, text).expect("write");
    path
}

#[test]
fn kosit_accept_match_is_evaluated_on_the_kosit_shaped_report() {
    let d = tmp();
    // Only ORD-2 is violated, which the scenario lowers to a warning; ORD-1 is an error.
    std::fs::write(
        d.path().join("long-number.xml"),
        "<Order xmlns=\"urn:konform:test:order\"><Profile>urn:order:1.0</Profile><Number>123456789</Number><Amount>5</Amount></Order>",
    )
    .expect("write");
    std::fs::write(
        d.path().join("negative.xml"),
        "<Order xmlns=\"urn:konform:test:order\"><Profile>urn:order:1.0</Profile><Number>1</Number><Amount>-1</Amount></Order>",
    )
    .expect("write");
    let svrl = ("svrl", "http://purl.oclc.org/dsdl/svrl");
    // (name, acceptMatch, extra namespace, acceptance of long-number.xml and negative.xml)
    type Case<'a> = (&'a str, &'a str, Option<(&'a str, &'a str)>, [&'a str; 2]);
    let cases: [Case<'_>; 4] = [
        // XRechnung's: the assessment konform wrote (reject_at = error, after overrides).
        (
            "xrechnung-style",
            "/rep:report/rep:assessment[1]/rep:accept[1]",
            None,
            ["accept", "reject"],
        ),
        // The messages' levels (after customLevel).
        (
            "messages",
            "count(//rep:message[@level = 'error']) = 0",
            None,
            ["accept", "reject"],
        ),
        // The SVRL of the Schematron step still says fatal for ORD-2: customLevel does not
        // change the Schematron's own flag.
        (
            "svrl",
            "count(//svrl:failed-assert[@flag='fatal']) = 0",
            Some(svrl),
            ["reject", "reject"],
        ),
        // Only ORD-1 counts.
        (
            "svrl-ord-1",
            "not(//rep:validationStepResult/svrl:schematron-output/svrl:failed-assert[@id = 'ORD-1'])",
            Some(svrl),
            ["accept", "reject"],
        ),
    ];
    for (name, xpath, ns, want) in cases {
        let scenarios = kosit_fixture_with(&d.path().join(format!("cfg-{name}")), xpath, ns);
        let (code, _, err) = run(konform(d.path())
            .args(["standards", "import", "kosit"])
            .arg(&scenarios)
            .args(["--out", &format!("pkg-{name}"), "--id", "orders"]));
        assert_eq!(code, 0, "{name}: {err}");
        let manifest = std::fs::read_to_string(d.path().join(format!("pkg-{name}/standard.toml")))
            .expect("manifest");
        assert!(
            manifest.contains("[acceptance.namespaces]")
                && manifest.contains("rep = \"http://www.xoev.de/de/validator/varl/1\""),
            "{manifest}"
        );
        let (code, out, err) = run(konform(d.path()).args([
            "validate",
            "--standards",
            &format!("pkg-{name}"),
            "--format",
            "json",
            "long-number.xml",
            "negative.xml",
        ]));
        assert_eq!(code, 1, "{name}: {err}");
        let r = checked_report(&out);
        let got: Vec<(&str, &str)> = r["results"]
            .as_array()
            .expect("results")
            .iter()
            .map(|x| {
                (
                    x["verdict"].as_str().unwrap_or(""),
                    x["acceptance"].as_str().unwrap_or(""),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![("conformant", want[0]), ("non-conformant", want[1])],
            "{name}: {xpath}"
        );
    }

    // An acceptMatch that does not compile is a configuration error.
    let scenarios = kosit_fixture_with(&d.path().join("cfg-bad"), "count(//rep:message[", None);
    let (code, _, err) = run(konform(d.path())
        .args(["standards", "import", "kosit"])
        .arg(&scenarios)
        .args(["--out", "pkg-bad", "--id", "orders"]));
    if code == 0 {
        let (code, _, err) =
            run(konform(d.path()).args(["validate", "--standards", "pkg-bad", "long-number.xml"]));
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("kosit_accept_match"), "{err}");
    } else {
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("kosit_accept_match"), "{err}");
    }

    // One that fails while evaluating makes the document "could not evaluate".
    let scenarios = kosit_fixture_with(
        &d.path().join("cfg-dyn"),
        "xs:integer(/rep:report/rep:engine/rep:name) = 1",
        None,
    );
    let (code, _, err) = run(konform(d.path())
        .args(["standards", "import", "kosit"])
        .arg(&scenarios)
        .args(["--out", "pkg-dyn", "--id", "orders"]));
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = run(konform(d.path()).args([
        "validate",
        "--standards",
        "pkg-dyn",
        "--format",
        "json",
        "long-number.xml",
    ]));
    assert_eq!(code, 3, "{err}");
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["verdict"], "error");
    assert_eq!(r["results"][0]["acceptance"], "reject");
    let msg = r["results"][0]["error"]["message"].as_str().unwrap_or("");
    assert!(msg.contains("acceptMatch"), "{msg}");
}

/// A one-file HTTP server on 127.0.0.1 that answers every GET with the current `body`;
/// returns its port and the number of requests served.
fn serve(
    body: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counter = hits.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let body = body.lock().expect("body").clone();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    (port, hits)
}

/// `cmd` without any proxy settings, so that loopback requests go straight to the test server.
fn no_proxy(mut c: Command) -> Command {
    for v in [
        "http_proxy",
        "HTTP_PROXY",
        "https_proxy",
        "HTTPS_PROXY",
        "all_proxy",
        "ALL_PROXY",
        "KONFORM_FETCH_BASE_URL",
    ] {
        c.env_remove(v);
    }
    c
}

#[test]
fn fetch_downloads_from_the_published_url_by_default_and_checks_the_digest() {
    let d = tmp();
    setup(d.path(), "1.0.0", "state = \"active\"");
    let body = std::sync::Arc::new(std::sync::Mutex::new(b"{}".to_vec()));
    let (port, hits) = serve(body.clone());
    let toml = d.path().join("pkgs/ext/1.0.0/standard.toml");
    let text = std::fs::read_to_string(&toml).expect("read");
    std::fs::write(
        &toml,
        text.replace(
            "https://publisher.invalid/s.json",
            &format!("http://127.0.0.1:{port}/schemas/s.json"),
        ),
    )
    .expect("write");
    let net = |d: &Path| no_proxy(k(d));
    // --offline: refused, and the server is never asked.
    let (code, _, err) = run(net(d.path()).args(["standards", "fetch", "ext", "--offline"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--offline forbids downloading"), "{err}");
    // A mirror alone is not a licence to download what it lacks.
    std::fs::create_dir_all(d.path().join("empty-mirror")).expect("mkdir");
    let (code, _, err) =
        run(net(d.path()).args(["standards", "fetch", "ext", "--from", "empty-mirror"]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("schemas/s.json: not found in empty-mirror")
            && err.contains("add `--allow-net` to download what the mirror lacks"),
        "{err}"
    );
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0);
    // No flags: downloaded; the server answers with the wrong bytes: refused, nothing written.
    let (code, _, err) = run(net(d.path()).args(["standards", "fetch", "ext"]));
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("refused, nothing written"), "{err}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 1);
    let stored = walk_files(&d.path().join("home"));
    assert!(stored.is_empty(), "{stored:?}");
    let (code, _, _) = run(net(d.path()).args(["validate", "-s", "ext", "ok.json"]));
    assert_eq!(code, 2);
    // The right bytes: stored under their digest, and validation works offline from the store.
    *body.lock().expect("body") = SCHEMA.as_bytes().to_vec();
    let (code, _, err) = run(net(d.path()).args(["standards", "fetch", "ext"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 artefact(s) fetched"), "{err}");
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2);
    let digest = hex::encode(Sha256::digest(SCHEMA.as_bytes()));
    let stored = walk_files(&d.path().join("home"));
    assert_eq!(stored.len(), 1, "{stored:?}");
    assert_eq!(
        std::fs::read(&stored[0]).expect("stored"),
        SCHEMA.as_bytes()
    );
    assert!(
        stored[0].to_string_lossy().contains(&digest[..16]),
        "{}",
        stored[0].display()
    );
    let (code, _, err) = run(net(d.path()).args(["validate", "-s", "ext", "ok.json", "bad.json"]));
    assert_eq!(code, 1, "{err}");
    // Already stored: a second fetch does not download again; --allow-net is still accepted.
    let (code, _, err) = run(net(d.path()).args(["standards", "fetch", "ext", "--allow-net"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("0 artefact(s) fetched") && err.contains("1 already there"),
        "{err}"
    );
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 2);
}

/// An HTTP server on 127.0.0.1 serving `files` by path (404 for others); returns its port and
/// the paths asked for.
fn serve_files(
    files: Vec<(String, Vec<u8>)>,
) -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let asked = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = asked.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            let mut req = Vec::new();
            let mut buf = [0u8; 1024];
            while !req.windows(4).any(|w| w == b"\r\n\r\n") {
                match s.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => req.extend_from_slice(&buf[..n]),
                }
            }
            let head = String::from_utf8_lossy(&req).into_owned();
            let path = head.split(' ').nth(1).unwrap_or("").to_string();
            log.lock().expect("log").push(path.clone());
            let (status, body) = match files.iter().find(|(p, _)| *p == path) {
                Some((_, b)) => ("200 OK", b.clone()),
                None => ("404 Not Found", b"not here".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    (port, asked)
}

#[test]
fn base_url_fetches_from_an_http_mirror_laid_out_like_the_package() {
    let d = tmp();
    setup(d.path(), "1.0.0", "state = \"active\"");
    let (port, asked) = serve_files(vec![(
        "/mirror/schemas/s.json".into(),
        SCHEMA.as_bytes().to_vec(),
    )]);
    // The publisher's address (https://publisher.invalid/...) is never used.
    let (code, _, err) = run(no_proxy(k(d.path()))
        .env(
            "KONFORM_FETCH_BASE_URL",
            format!("http://127.0.0.1:{port}/mirror/"),
        )
        .args(["standards", "fetch", "ext"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 artefact(s) fetched"), "{err}");
    assert_eq!(*asked.lock().expect("log"), vec!["/mirror/schemas/s.json"]);
    let (code, _, err) = run(no_proxy(k(d.path())).args(["validate", "-s", "ext", "ok.json"]));
    assert_eq!(code, 0, "{err}");
    // The flag form, on a fresh store, against a mirror without the file: one line.
    std::fs::remove_dir_all(d.path().join("home")).expect("rm");
    let base = format!("http://127.0.0.1:{port}/elsewhere");
    let (code, _, err) =
        run(no_proxy(k(d.path())).args(["standards", "fetch", "ext", "--base-url", &base]));
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!(
            "first: schemas/s.json: download from {base}/schemas/s.json failed"
        )) && err.contains("check the network"),
        "{err}"
    );
}

/// A package `many@1.0.0` with three published JSON Schemas, none in the store.
fn three_published(dir: &Path) {
    let pkg = dir.join("pkgs/many/1.0.0");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    let mut toml = String::from("id = \"many\"\nversion = \"1.0.0\"\ntitle = \"t\"\n");
    for n in ["a", "b", "c"] {
        let schema = format!(r#"{{"title": "{n}"}}"#);
        toml.push_str(&format!(
            "[[artefacts]]\nname = \"{n}\"\nfile = \"schemas/{n}.json\"\nsha256 = \"{}\"\nkind = \"jsonschema\"\nurl = \"https://publisher.invalid/{n}.json\"\n",
            hex::encode(Sha256::digest(schema.as_bytes()))
        ));
    }
    toml.push_str("[[profiles]]\nname = \"p\"\nformat = \"json\"\nartefacts = [\"a\", \"b\", \"c\"]\n[[rules]]\nid = \"M-1\"\nlevel = \"MUST\"\nseverity = \"error\"\ntitle = \"t\"\nclause = \"§1\"\nengine = \"jsonschema\"\n");
    std::fs::write(pkg.join("standard.toml"), toml).expect("write");
    std::fs::write(dir.join("doc.json"), "{}").expect("write");
}

/// Raw (exit code, stderr) of a command, without the flattening `run` does.
fn raw_stderr(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("run konform");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn missing_artefacts_are_one_line_and_verbose_lists_them() {
    let d = tmp();
    three_published(d.path());
    let (code, err) =
        raw_stderr(no_proxy(k(d.path())).args(["standards", "fetch", "many", "--from", "."]));
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: many@1.0.0: 3 of 3 missing artefact(s) could not be fetched (0 fetched); first: schemas/a.json: not found in .;")
            && err.trim_end().ends_with("(`--verbose` lists every file)"),
        "{err}"
    );
    let (code, err) = raw_stderr(no_proxy(k(d.path())).args([
        "standards",
        "fetch",
        "many",
        "--from",
        ".",
        "--verbose",
    ]));
    assert_eq!(code, 2, "{err}");
    for n in ["a", "b", "c"] {
        assert!(
            err.contains(&format!("\n  schemas/{n}.json: not found in .")),
            "{err}"
        );
    }
    // Validation before fetching: the document's error is one line; -v adds the three files.
    let (code, err) = raw_stderr(k(d.path()).args(["validate", "-s", "many", "doc.json"]));
    assert_eq!(code, 2, "{err}");
    let problem: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("could not evaluate"))
        .collect();
    assert_eq!(
        problem,
        vec![
            "  could not evaluate: many@1.0.0: 3 of its 3 published artefacts are not in the artefact store; run `konform standards fetch many@1.0.0` to download them (`--from DIR` copies them from a mirror)"
        ]
    );
    assert!(!err.contains("schemas/a.json"), "{err}");
    let (_, err) = raw_stderr(k(d.path()).args(["validate", "-s", "many", "-v", "doc.json"]));
    assert!(
        err.contains("many@1.0.0: 3 artefact(s) not in the artefact store")
            && ["a", "b", "c"]
                .iter()
                .all(|n| err.contains(&format!("  schemas/{n}.json\n"))),
        "{err}"
    );
}

/// A package `multi@1.0.0` whose profiles `general` and `special` both recognise `<Doc
/// xmlns="urn:konform:test:multi">`, with the given precedences (None: not declared).
fn two_matching_profiles(dir: &Path, general: Option<i32>, special: Option<i32>) {
    const XSD: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:konform:test:multi" elementFormDefault="qualified"><xs:element name="Doc" type="xs:string"/></xs:schema>"#;
    let pkg = dir.join("multi/multi/1.0.0");
    std::fs::create_dir_all(&pkg).expect("mkdir");
    std::fs::write(pkg.join("doc.xsd"), XSD).expect("write");
    let digest = hex::encode(Sha256::digest(XSD.as_bytes()));
    let profile = |name: &str, precedence: Option<i32>| {
        format!(
            "[[profiles]]\nname = \"{name}\"\nformat = \"xml\"\nartefacts = [\"doc\"]\n{}[profiles.match]\nroot = \"{{urn:konform:test:multi}}Doc\"\n",
            precedence.map_or(String::new(), |p| format!("precedence = {p}\n"))
        )
    };
    std::fs::write(
        pkg.join("standard.toml"),
        format!(
            "id = \"multi\"\nversion = \"1.0.0\"\ntitle = \"t\"\n[[artefacts]]\nname = \"doc\"\nfile = \"doc.xsd\"\nsha256 = \"{digest}\"\nkind = \"xsd\"\n{}{}[[rules]]\nid = \"M-XSD\"\nlevel = \"MUST\"\nseverity = \"error\"\ntitle = \"t\"\nclause = \"§1\"\nengine = \"xsd\"\n",
            profile("general", general),
            profile("special", special)
        ),
    )
    .expect("write");
    std::fs::write(
        dir.join("doc.xml"),
        "<Doc xmlns=\"urn:konform:test:multi\">x</Doc>",
    )
    .expect("write");
}

#[test]
fn when_two_profiles_match_a_unique_highest_precedence_wins_else_both_are_named() {
    let cases = [
        (None, None, None),
        (None, Some(1), Some("special")),
        (Some(2), Some(1), Some("general")),
        (Some(-1), None, Some("special")),
        (Some(1), Some(1), None),
    ];
    for (general, special, want) in cases {
        let d = tmp();
        two_matching_profiles(d.path(), general, special);
        let (code, out, err) = run(konform(d.path()).args([
            "validate",
            "--standards",
            "multi",
            "--format",
            "json",
            "doc.xml",
        ]));
        let r = checked_report(&out);
        let x = &r["results"][0];
        match want {
            Some(p) => {
                assert_eq!(code, 0, "{general:?}/{special:?}: {err}\n{out}");
                assert_eq!(x["standard"], "multi@1.0.0");
                assert_eq!(x["profile"], p, "{general:?}/{special:?}");
            }
            None => {
                assert_eq!(code, 2, "{general:?}/{special:?}: {out}");
                assert_eq!(x["error"]["kind"], "detection");
                let msg = x["error"]["message"].as_str().unwrap_or("");
                assert!(
                    msg.contains("several standard profiles match")
                        && msg.contains("multi@1.0.0 profile general")
                        && msg.contains("multi@1.0.0 profile special"),
                    "{msg}"
                );
            }
        }
    }
}
