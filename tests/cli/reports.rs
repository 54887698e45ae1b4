//! Report files: atomic, every format from one run, reproducible with SOURCE_DATE_EPOCH.

use super::*;

#[test]
fn report_files_are_written_and_identical_under_source_date_epoch() {
    let d = tmp();
    let vec_dir = root().join("test-vectors/xroad-soap/4.0.0");
    for f in [
        "request-conformant.xml",
        "request-client-missing-membercode.xml",
    ] {
        std::fs::copy(vec_dir.join(f), d.path().join(f)).expect("copy");
    }
    let mut outputs = Vec::new();
    for i in 0..2 {
        let path = format!("r{i}.json");
        let (code, _, err) = run(konform(d.path())
            .env("SOURCE_DATE_EPOCH", "1700000000")
            .args([
                "validate",
                "--report",
                &format!("json={path}"),
                "--format",
                "human",
            ])
            .args([
                "request-conformant.xml",
                "request-client-missing-membercode.xml",
            ]));
        assert_eq!(code, 1, "{err}");
        assert!(err.contains("XRD-SOAP-003"), "{err}");
        let text = std::fs::read_to_string(d.path().join(&path)).expect("report written");
        let r = checked_report(&text);
        assert_eq!(r["run"]["started"], "2023-11-14T22:13:20Z");
        assert_eq!(r["summary"]["conformant"], 1);
        assert_eq!(r["summary"]["non_conformant"], 1);
        outputs.push(text.replace(&path, "R"));
    }
    assert_eq!(outputs[0], outputs[1]);
    let leftovers: Vec<_> = std::fs::read_dir(d.path())
        .expect("dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");
}

#[test]
fn unwritable_report_target_fails_clearly() {
    let d = tmp();
    std::fs::copy(
        root().join("test-vectors/xroad-soap/4.0.0/request-conformant.xml"),
        d.path().join("a.xml"),
    )
    .expect("copy");
    let (code, _, err) =
        run(konform(d.path()).args(["validate", "--report", "json=no/such/dir/r.json", "a.xml"]));
    assert_eq!(code, 2);
    assert!(err.contains("cannot write report"), "{err}");
}
