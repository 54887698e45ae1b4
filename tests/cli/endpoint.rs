//! `konform endpoint` and `konform replay` against the reference servers of
//! `tests/support/refserver`: conforming providers pass, every seeded defect is found with its
//! rule and shrunk, seeds reproduce, replay re-checks, hostile servers end in bounded time.

use super::refserver::{self, Hostile, Mode, Rest, Soap};
use super::*;
use std::time::{Duration, Instant};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/endpoint").join(name)
}

/// Runs `konform endpoint` on the REST reference server; returns (code, report, stderr).
fn rest(
    server: &refserver::Server,
    dir: &Path,
    extra: &[&str],
) -> (i32, serde_json::Value, String) {
    let cases = if extra.contains(&"--cases") {
        &[][..]
    } else {
        &["--cases", "120"][..]
    };
    let (code, out, err) = run(konform(dir)
        .args([
            "endpoint",
            "--standard",
            "xroad-rest@1.0.4",
            "--format",
            "json",
            "--url",
        ])
        .arg(server.rest_url())
        .arg("--openapi")
        .arg(fixture("pets.openapi.yaml"))
        .args(["--client", "DEV/COM/5678/CLIENT"])
        .args(cases)
        .args(if extra.contains(&"--concurrency") {
            &[][..]
        } else {
            &["--concurrency", "4"][..]
        })
        .args(extra));
    let report = checked_report(&out);
    (code, report, err)
}

fn failures(r: &serde_json::Value) -> Vec<serde_json::Value> {
    r["endpoint"]["failures"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

fn rules(r: &serde_json::Value) -> Vec<String> {
    failures(r)
        .iter()
        .filter_map(|f| f["rule"].as_str().map(String::from))
        .collect()
}

#[test]
fn conforming_rest_provider_passes_every_check() {
    let server = refserver::start(Mode::Rest(Rest::Good));
    let d = tmp();
    let (code, r, err) = rest(&server, d.path(), &["--seed", "7", "--cases", "300"]);
    assert_eq!(rules(&r), Vec::<String>::new(), "{err}\n{}", r["endpoint"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["endpoint"]["cases"], 300);
    assert_eq!(r["run"]["seed"], 7);
    // The X-Road request itself, getPet, addPet, and the three metaservices.
    assert_eq!(r["results"].as_array().map(Vec::len), Some(6));
    let checked = r["results"][5]["rules_checked"].as_array().unwrap().clone();
    assert!(
        r["results"][5]["document"]["name"]
            .as_str()
            .unwrap()
            .contains("/PETS/getOpenAPI?serviceCode=register")
    );
    assert!(checked.iter().any(|x| x == "XRD-REST-011"), "{checked:?}");
    assert!(
        r["results"][1]["rules_checked"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x == "XRD-REST-010")
    );
}

#[test]
fn every_rest_defect_is_found_with_its_rule_and_shrunk() {
    let cases = [
        (Rest::NoXroadId, "XRD-REST-010"),
        (Rest::BadRequestHash, "XRD-REST-011"),
        (Rest::NoServiceHeader, "XRD-RESTX-001"),
        (Rest::ErrorWithoutHeader, "XRD-REST-030"),
        (Rest::WrongErrorBody, "XRD-REST-031"),
        (Rest::ServerErrorOnInvalid, "KONFORM-OAS-001"),
        (Rest::AcceptsInvalid, "KONFORM-OAS-006"),
        (Rest::SchemaViolatingBody, "KONFORM-OAS-005"),
        (Rest::WrongContentType, "KONFORM-OAS-003"),
        (Rest::UndocumentedStatus, "KONFORM-OAS-002"),
        // 418 for a valid request: valid data rejected (Schemathesis reports it too).
        (Rest::UndocumentedStatus, "KONFORM-OAS-007"),
        (Rest::MissingResponseHeader, "KONFORM-OAS-004"),
        (Rest::RejectsValid, "KONFORM-OAS-007"),
        (Rest::ListsMetaservices, "XRD-META-012"),
        (Rest::OpenApiVersion2, "XRD-META-015"),
    ];
    for (defect, rule) in cases {
        let server = refserver::start(Mode::Rest(defect));
        let d = tmp();
        let (code, r, err) = rest(&server, d.path(), &["--seed", "11"]);
        assert_eq!(code, 1, "{defect:?}: {err}");
        let f = failures(&r)
            .into_iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("{defect:?}: {rule} not found; found {:?}", rules(&r)));
        let file = f["case_file"].as_str().expect("case file");
        assert!(d.path().join(file).is_file(), "{defect:?}: {file}");
        let fixed = f["operation"]
            .as_str()
            .is_some_and(|o| ["listMethods", "allowedMethods", "getOpenAPI"].contains(&o));
        assert!(
            fixed || f["shrink_steps"].as_u64().unwrap() > 0 || minimal(&d.path().join(file)),
            "{defect:?}: not shrunk: {f}"
        );
        // The finding is in the results too, with its clause.
        let finding = r["results"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|x| x["findings"].as_array().unwrap().clone())
            .find(|x| x["rule"] == rule)
            .expect("finding");
        assert!(!finding["clause"].as_str().unwrap().is_empty());
    }
}

/// Whether a saved case sends nothing optional: no query, no headers but the fixed ones.
fn minimal(case: &Path) -> bool {
    let c: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(case).unwrap()).unwrap();
    let fixed = ["x-road-client", "content-type"];
    !c["request"]["target"].as_str().unwrap().contains('?')
        && c["request"]["headers"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| fixed.contains(&h[0].as_str().unwrap().to_ascii_lowercase().as_str()))
}

#[test]
fn shrinking_reaches_the_boundary_of_a_data_dependent_defect() {
    // Pets above id 500 come back without a name: the minimal failing id is 501.
    for (defect, rule) in [
        (Rest::SchemaViolatingBody, "KONFORM-OAS-005"),
        (Rest::UndocumentedStatus, "KONFORM-OAS-002"),
    ] {
        let server = refserver::start(Mode::Rest(defect));
        let d = tmp();
        let (_, r, _) = rest(&server, d.path(), &["--seed", "3"]);
        let f = failures(&r)
            .into_iter()
            .find(|f| f["rule"] == rule)
            .expect("found");
        assert!(
            f["request"]
                .as_str()
                .unwrap()
                .ends_with("/register/pets/501"),
            "{defect:?}: {}",
            f["request"]
        );
    }
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let server = refserver::start(Mode::Rest(Rest::SchemaViolatingBody));
    let d = tmp();
    let strip = |mut r: serde_json::Value| {
        r["endpoint"]["seconds"] = 0.into();
        r["endpoint"].clone()
    };
    let (_, a, _) = rest(&server, d.path(), &["--seed", "42", "--concurrency", "1"]);
    let (_, b, _) = rest(&server, d.path(), &["--seed", "42", "--concurrency", "4"]);
    assert_eq!(strip(a), strip(b));
}

#[test]
fn replay_re_sends_the_minimal_case() {
    let bad = refserver::start(Mode::Rest(Rest::SchemaViolatingBody));
    let d = tmp();
    let (_, r, _) = rest(&bad, d.path(), &["--seed", "5"]);
    let f = failures(&r)
        .into_iter()
        .find(|f| f["rule"] == "KONFORM-OAS-005")
        .expect("found");
    let file = d.path().join(f["case_file"].as_str().unwrap());
    let (code, out, err) = run(konform(d.path())
        .args(["replay", "--format", "json"])
        .arg(&file));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("fails again"), "{err}");
    let replayed = checked_report(&out);
    assert!(rules(&replayed).contains(&"KONFORM-OAS-005".to_string()));
    // Against a fixed server the case passes.
    let good = refserver::start(Mode::Rest(Rest::Good));
    let (code, _, err) = run(konform(d.path())
        .args(["replay", "--format", "json", "--url"])
        .arg(good.rest_url())
        .arg(&file));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("no longer fails"), "{err}");
}

#[test]
fn hostile_servers_give_error_findings_in_bounded_time() {
    for h in [
        Hostile::SlowDrip,
        Hostile::EndlessBody,
        Hostile::GzipBomb,
        Hostile::InvalidHttp,
        Hostile::Reset,
    ] {
        let server = refserver::start(Mode::Hostile(h));
        let d = tmp();
        let t = Instant::now();
        let (code, out, err) = run(konform(d.path())
            .args([
                "endpoint",
                "--standard",
                "xroad-rest",
                "--format",
                "json",
                "--url",
            ])
            .arg(server.rest_url())
            .args([
                "--cases",
                "20",
                "--timeout",
                "400",
                "--max-response-bytes",
                "1000000",
            ]));
        assert!(
            t.elapsed() < Duration::from_secs(20),
            "{h:?} took {:?}",
            t.elapsed()
        );
        assert_eq!(code, 1, "{h:?}: {err}");
        let r = checked_report(&out);
        assert!(
            rules(&r).contains(&"KONFORM-ENDPOINT-001".to_string()),
            "{h:?}: {:?}",
            rules(&r)
        );
    }
}

#[test]
fn the_rate_cap_spaces_requests() {
    let server = refserver::start(Mode::Rest(Rest::Good));
    let d = tmp();
    let t = Instant::now();
    let (code, r, err) = rest(
        &server,
        d.path(),
        &["--seed", "1", "--cases", "20", "--rate", "50"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["endpoint"]["cases"], 20);
    // 20 requests at 50/s take at least 19 gaps of 20 ms, whatever the concurrency.
    assert!(
        t.elapsed() >= Duration::from_millis(380),
        "{:?}",
        t.elapsed()
    );
}

#[test]
fn redirects_to_another_origin_are_not_followed() {
    let trap = Tripwire::start();
    let server = refserver::start(Mode::Redirect(trap.port));
    let d = tmp();
    let (_, r, err) = rest(&server, d.path(), &["--seed", "1", "--cases", "30"]);
    assert!(
        !trap.tripped(),
        "konform followed a redirect to another origin"
    );
    assert_eq!(r["endpoint"]["cases"], 30, "{err}");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let d = tmp();
    for args in [
        &[
            "--standard",
            "xroad-rest",
            "--url",
            "https://127.0.0.1:1/r1/A/B/C/D/E",
        ][..],
        &[
            "--standard",
            "xroad-rest",
            "--url",
            "http://127.0.0.1:1/x",
            "--checks",
            "bogus",
        ][..],
        &["--standard", "xroad-soap", "--url", "http://127.0.0.1:1/x"][..],
        &["--url", "http://127.0.0.1:1/x"][..],
        &["--standard", "xrechnung", "--url", "http://127.0.0.1:1/x"][..],
    ] {
        let (code, _, err) = run(konform(d.path()).arg("endpoint").args(args));
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, "{\"format\": \"other\"}").unwrap();
    let (code, _, _) = run(konform(d.path()).arg("replay").arg(&bad));
    assert_eq!(code, 2);
}

#[test]
fn an_unreachable_endpoint_cannot_be_evaluated() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let d = tmp();
    let (code, out, _) = run(konform(d.path())
        .args([
            "endpoint",
            "--standard",
            "xroad-rest",
            "--format",
            "json",
            "--cases",
            "5",
            "--url",
        ])
        .arg(format!("http://127.0.0.1:{port}/r1/A/B/C/D/E")));
    assert_eq!(code, 3);
    assert_eq!(checked_report(&out)["results"][0]["verdict"], "error");
}

fn soap(server: &refserver::Server, dir: &Path) -> (i32, serde_json::Value, String) {
    let (code, out, err) = run(konform(dir)
        .args([
            "endpoint",
            "--standard",
            "xroad-soap@4.0.0",
            "--format",
            "json",
            "--url",
        ])
        .arg(server.soap_url())
        .arg("--wsdl")
        .arg(fixture("pets.wsdl"))
        .args([
            "--client",
            "DEV/COM/5678/CLIENT",
            "--service",
            "DEV/GOV/1234/PETS",
        ])
        .args(["--cases", "60", "--seed", "9", "--concurrency", "2"]));
    (code, checked_report(&out), err)
}

#[test]
fn conforming_soap_provider_passes_and_each_soap_defect_is_found() {
    let d = tmp();
    let good = refserver::start(Mode::Soap(Soap::Good));
    let (code, r, err) = soap(&good, d.path());
    assert_eq!(rules(&r), Vec::<String>::new(), "{err}");
    assert_eq!(code, 0);
    for (defect, rule) in [
        (Soap::HeaderOrder, "XRD-SOAP-010"),
        (Soap::WrapperName, "XRD-SOAP-017"),
        (Soap::FaultFormat, "XRD-SOAP-022"),
        (Soap::ContentType, "XRD-SOAP-024"),
        (Soap::NoFault, "KONFORM-ENDPOINT-002"),
        (Soap::ListsMetaservices, "XRD-META-006"),
        (Soap::WsdlAddress, "XRD-META-010"),
        (Soap::ReturnedWsdlRpc, "XRD-WSDL-001"),
        (Soap::ListClientsXmlOnly, "XRD-META-001"),
        (Soap::ListClientsCamelCase, "XRD-META-001"),
    ] {
        let server = refserver::start(Mode::Soap(defect));
        let (_, r, err) = soap(&server, d.path());
        let f = failures(&r)
            .into_iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("{defect:?}: {rule} not found in {:?}\n{err}", rules(&r)));
        assert!(f["case_file"].is_string(), "{defect:?}");
    }
}

#[test]
fn every_report_format_shows_the_endpoint_run() {
    let server = refserver::start(Mode::Rest(Rest::SchemaViolatingBody));
    let d = tmp();
    let mut args = vec!["--seed".to_string(), "2".to_string()];
    for f in [
        "json",
        "junit",
        "sarif",
        "gitlab",
        "earl",
        "earl-jsonld",
        "markdown",
        "html",
    ] {
        args.push("--report".into());
        args.push(format!(
            "{f}={}",
            d.path().join(format!("out.{f}")).display()
        ));
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = rest(&server, d.path(), &refs);
    assert_eq!(code, 1, "{err}");
    for f in [
        "json",
        "junit",
        "sarif",
        "gitlab",
        "earl",
        "earl-jsonld",
        "markdown",
        "html",
    ] {
        let text = std::fs::read_to_string(d.path().join(format!("out.{f}"))).unwrap();
        assert!(text.contains("KONFORM-OAS-005"), "{f} lacks the rule");
        assert!(text.contains("konform-cases"), "{f} lacks the case file");
    }
}

#[test]
fn validate_checks_a_captured_rest_response_and_rule_explains_endpoint_rules() {
    let d = tmp();
    let vectors = root().join("test-vectors/xroad-rest/1.0.4");
    let (code, out, err) = run(konform(d.path())
        .args(["validate", "--format", "json"])
        .arg(vectors.join("response-id-missing.http")));
    assert_eq!(code, 1, "{err}");
    let r = checked_report(&out);
    assert_eq!(r["results"][0]["standard"], "xroad-rest@1.0.4");
    assert_eq!(r["results"][0]["profile"], "response");
    assert_eq!(fired(&r), ["XRD-REST-010"]);
    let (code, out, _) = run(konform(d.path()).args(["rule", "KONFORM-OAS-006"]));
    assert_eq!(code, 0);
    assert!(out.contains("rejected with a 4xx"), "{out}");
}

#[test]
fn max_duration_stops_a_slow_run_and_the_report_says_so() {
    // 300 ms per response, one connection: 1000 cases would take five minutes.
    let server = refserver::start(Mode::Rest(Rest::Slow));
    let d = tmp();
    let t = Instant::now();
    let (code, r, err) = rest(
        &server,
        d.path(),
        &[
            "--seed",
            "1",
            "--cases",
            "1000",
            "--concurrency",
            "1",
            "--max-duration",
            "1",
        ],
    );
    let took = t.elapsed();
    assert!(took < Duration::from_secs(10), "took {took:?}");
    assert_eq!(code, 0, "{err}");
    let cases = r["endpoint"]["cases"].as_u64().unwrap();
    assert!((1..1000).contains(&cases), "{cases} cases");
    let why = r["endpoint"]["stopped"].as_str().expect("stopped");
    assert!(why.contains("--max-duration"), "{why}");
    assert!(err.contains("--max-duration"), "{err}");
}

#[test]
fn extra_headers_reach_the_server() {
    let server = refserver::start(Mode::Rest(Rest::NeedsApiKey));
    let d = tmp();
    // Without the key every request is refused with an undocumented 401.
    let (code, r, err) = rest(&server, d.path(), &["--seed", "4", "--cases", "30"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        rules(&r).contains(&"KONFORM-OAS-002".to_string()),
        "{:?}",
        rules(&r)
    );
    // With it the provider conforms: the header reached it on every request.
    let (code, r, err) = rest(
        &server,
        d.path(),
        &[
            "--seed",
            "4",
            "--cases",
            "30",
            "--header",
            "X-Api-Key: s3cret",
        ],
    );
    assert_eq!(rules(&r), Vec::<String>::new(), "{err}");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_checks_subset_runs_only_the_listed_checks() {
    let server = refserver::start(Mode::Rest(Rest::SchemaViolatingBody));
    let d = tmp();
    let listed = ["not_a_server_error", "status_code_conformance"];
    let (code, r, err) = rest(
        &server,
        d.path(),
        &["--seed", "6", "--checks", &listed.join(",")],
    );
    assert_eq!(r["endpoint"]["checks"], serde_json::json!(listed));
    // The bad body is a response_schema_conformance failure: not looked for.
    assert_eq!(rules(&r), Vec::<String>::new(), "{err}");
    assert_eq!(code, 0, "{err}");
    // Without `protocol` no X-Road rule runs, so a missing X-Road-Id goes unnoticed.
    let no_id = refserver::start(Mode::Rest(Rest::NoXroadId));
    let (code, r, err) = rest(
        &no_id,
        d.path(),
        &["--seed", "6", "--checks", "response_schema_conformance"],
    );
    assert_eq!(rules(&r), Vec::<String>::new(), "{err}");
    assert_eq!(code, 0, "{err}");
    // Only the listed check reports.
    let (code, r, err) = rest(
        &server,
        d.path(),
        &["--seed", "6", "--checks", "response_schema_conformance"],
    );
    assert_eq!(code, 1, "{err}");
    let mut found = rules(&r);
    found.dedup();
    assert_eq!(found, ["KONFORM-OAS-005"]);
}

#[test]
fn an_openapi_31_description_is_checked_without_false_positives() {
    let run31 = |server: &refserver::Server, dir: &Path| {
        let (code, out, err) = run(konform(dir)
            .args([
                "endpoint",
                "--standard",
                "xroad-rest@1.0.4",
                "--format",
                "json",
            ])
            .arg("--url")
            .arg(server.rest_url())
            .arg("--openapi")
            .arg(fixture("pets.openapi31.yaml"))
            .args(["--client", "DEV/COM/5678/CLIENT", "--cases", "200"])
            .args(["--seed", "8", "--concurrency", "4"]));
        (code, checked_report(&out), err)
    };
    let d = tmp();
    let good = refserver::start(Mode::Rest(Rest::Good));
    let (code, r, err) = run31(&good, d.path());
    assert_eq!(rules(&r), Vec::<String>::new(), "{err}");
    assert_eq!(code, 0, "{err}");
    let ops: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["profile"].as_str())
        .collect();
    for op in ["status", "getPet", "addPet"] {
        assert!(ops.contains(&op), "{ops:?}");
    }
    // A numeric tag breaks `type: [string, "null"]`: found, and shrunk to the first bad id.
    let bad = refserver::start(Mode::Rest(Rest::TagNotString));
    let (code, r, err) = run31(&bad, d.path());
    assert_eq!(code, 1, "{err}");
    let f = failures(&r)
        .into_iter()
        .find(|f| f["rule"] == "KONFORM-OAS-005")
        .unwrap_or_else(|| panic!("{:?}", rules(&r)));
    assert!(
        f["request"]
            .as_str()
            .unwrap()
            .ends_with("/register/pets/501"),
        "{f}"
    );
}

fn soap_with(
    server: &refserver::Server,
    dir: &Path,
    wsdl: &str,
    extra: &[&str],
) -> (i32, serde_json::Value, String) {
    let (code, out, err) = run(konform(dir)
        .args([
            "endpoint",
            "--standard",
            "xroad-soap@4.0.0",
            "--format",
            "json",
        ])
        .arg("--url")
        .arg(server.soap_url())
        .args(["--wsdl", wsdl])
        .args([
            "--client",
            "DEV/COM/5678/CLIENT",
            "--service",
            "DEV/GOV/1234/PETS",
        ])
        .args(["--cases", "60", "--concurrency", "2"])
        .args(extra));
    let report = if out.trim().is_empty() {
        serde_json::Value::Null
    } else {
        checked_report(&out)
    };
    (code, report, err)
}

#[test]
fn soap_failures_are_shrunk_to_a_smaller_envelope() {
    let server = refserver::start(Mode::Soap(Soap::WrapperName));
    let wsdl = fixture("pets.wsdl");
    let wsdl = wsdl.to_str().unwrap();
    let saved = |r: &serde_json::Value, dir: &Path| {
        let f = failures(r)
            .into_iter()
            .find(|f| f["rule"] == "XRD-SOAP-017")
            .expect("XRD-SOAP-017");
        let case: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join(f["case_file"].as_str().unwrap())).unwrap(),
        )
        .unwrap();
        (f, case["request"]["body"].as_str().unwrap().to_string())
    };
    // The first failing case as generated (no shrinking), then the same run shrunk.
    let raw = tmp();
    let (_, r, err) = soap_with(
        &server,
        raw.path(),
        wsdl,
        &["--seed", "21", "--max-shrink", "0"],
    );
    let (f0, first) = saved(&r, raw.path());
    assert_eq!(f0["shrink_steps"], 0, "{err}");
    let d = tmp();
    let (_, r, err) = soap_with(&server, d.path(), wsdl, &["--seed", "21"]);
    let (f, minimal) = saved(&r, d.path());
    assert!(f["shrink_steps"].as_u64().unwrap() > 0, "{err}\n{f}");
    assert!(
        minimal.len() < first.len(),
        "not smaller:\n{first}\n{minimal}"
    );
    // Minimal: the optional name is gone, petId is at its lower bound.
    assert!(!minimal.contains("<name>"), "{minimal}");
    assert!(minimal.contains("<petId>1</petId>"), "{minimal}");
}

#[test]
fn a_wsdl_url_is_fetched_from_the_service_origin_only() {
    let server = refserver::start(Mode::Soap(Soap::Good));
    let d = tmp();
    let url = format!("{}?wsdl", server.soap_url());
    let (code, r, err) = soap_with(&server, d.path(), &url, &["--seed", "9"]);
    assert_eq!(rules(&r), Vec::<String>::new(), "{err}");
    assert_eq!(code, 0, "{err}");
    assert_eq!(r["endpoint"]["description"], url.as_str());
    // Another origin is refused before any connection, and https is another origin.
    let trap = Tripwire::start();
    for other in [
        format!("http://127.0.0.1:{}/soap?wsdl", trap.port),
        format!("https://127.0.0.1:{}/soap?wsdl", server.port),
    ] {
        let (code, _, err) = soap_with(&server, d.path(), &other, &[]);
        assert_eq!(code, 2, "{other}: {err}");
        assert!(err.contains("origin of --url"), "{err}");
    }
    assert!(
        !trap.tripped(),
        "konform fetched a WSDL from another origin"
    );
    // On the origin but not there: the run cannot be evaluated.
    let missing = format!("http://127.0.0.1:{}/nope.wsdl", server.port);
    let (code, _, err) = soap_with(&server, d.path(), &missing, &[]);
    assert_eq!(code, 3, "{err}");
    assert!(err.contains("status 404"), "{err}");
}

#[test]
fn the_wsdl_given_to_a_soap_run_is_checked_too() {
    let server = refserver::start(Mode::Soap(Soap::Good));
    let d = tmp();
    let wsdl_findings = |r: &serde_json::Value| -> Vec<String> {
        r["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["profile"] == "wsdl")
            .flat_map(|x| x["findings"].as_array().unwrap().clone())
            .filter_map(|f| f["rule"].as_str().map(String::from))
            .collect()
    };
    let good = fixture("pets.wsdl");
    let (code, r, err) = soap_with(&server, d.path(), good.to_str().unwrap(), &["--seed", "3"]);
    assert_eq!(code, 0, "{err}");
    let checked = r["results"][0]["rules_checked"].as_array().unwrap();
    assert_eq!(r["results"][0]["profile"], "wsdl");
    assert!(checked.iter().any(|x| x == "XRD-WSDL-005"), "{checked:?}");
    assert_eq!(wsdl_findings(&r), Vec::<String>::new());
    // A soap:body namespace attribute: the service still answers, the description fails.
    let bad = root().join("test-vectors/xroad-soap/4.0.0/wsdl-body-namespace.xml");
    let (code, r, err) = soap_with(&server, d.path(), bad.to_str().unwrap(), &["--seed", "3"]);
    assert_eq!(code, 1, "{err}");
    assert_eq!(wsdl_findings(&r), ["XRD-WSDL-007"]);
    assert_eq!(rules(&r), Vec::<String>::new(), "{err}");
}

#[test]
fn list_clients_is_asked_for_json_and_for_xml() {
    let d = tmp();
    let wsdl = fixture("pets.wsdl");
    let wsdl = wsdl.to_str().unwrap();
    let good = refserver::start(Mode::Soap(Soap::Good));
    let (code, r, err) = soap_with(&good, d.path(), wsdl, &["--seed", "2"]);
    assert_eq!(code, 0, "{err}");
    let ops: Vec<&str> = r["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|x| x["profile"].as_str())
        .collect();
    assert!(
        ops.contains(&"listClients-json") && ops.contains(&"listClients"),
        "{ops:?}"
    );
    // Asked for JSON, answered XML: the call itself fails XRD-META-001.
    let xml_only = refserver::start(Mode::Soap(Soap::ListClientsXmlOnly));
    let (code, r, _) = soap_with(&xml_only, d.path(), wsdl, &["--seed", "2"]);
    assert_eq!(code, 1);
    let f: Vec<_> = failures(&r)
        .into_iter()
        .filter(|f| f["rule"] == "XRD-META-001")
        .collect();
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(f[0]["operation"], "listClients-json");
    assert!(
        f[0]["message"].as_str().unwrap().contains("text/xml"),
        "{}",
        f[0]
    );
    // JSON in the wrong shape: the Annex B check names the field.
    let camel = refserver::start(Mode::Soap(Soap::ListClientsCamelCase));
    let (_, r, _) = soap_with(&camel, d.path(), wsdl, &["--seed", "2"]);
    let f = failures(&r)
        .into_iter()
        .find(|f| f["rule"] == "XRD-META-001")
        .expect("XRD-META-001");
    assert!(
        f["message"].as_str().unwrap().contains("memberClass"),
        "{f}"
    );
}
