//! The binary needs only the C runtime at run time: libxml2, ICU, zlib, liblzma and libstdc++
//! are linked in (build.rs). `.ci/check-runtime-deps.sh` checks the release binary the same way.
#![cfg(all(target_os = "linux", target_env = "gnu"))]

use super::*;

#[test]
fn binary_needs_only_the_c_runtime() {
    let bin = assert_cmd::cargo::cargo_bin("konform");
    let out = match std::process::Command::new("readelf")
        .arg("-d")
        .arg(&bin)
        .output()
    {
        Ok(o) => o,
        Err(_) => {
            eprintln!("skipped: readelf (binutils) is not installed");
            return;
        }
    };
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dynamic = String::from_utf8_lossy(&out.stdout);
    let needed: Vec<&str> = dynamic
        .lines()
        .filter(|l| l.contains("(NEEDED)"))
        .filter_map(|l| l.split('[').nth(1)?.split(']').next())
        .collect();
    assert!(needed.iter().any(|l| l.starts_with("libc.so")), "{dynamic}");
    let allowed = |lib: &&str| {
        ["libc.so.", "libm.so.", "libgcc_s.so.", "ld-linux"]
            .iter()
            .any(|p| lib.starts_with(p))
    };
    let extra: Vec<&&str> = needed.iter().filter(|l| !allowed(l)).collect();
    assert!(
        extra.is_empty(),
        "{} needs {extra:?} at run time (all: {needed:?})",
        bin.display()
    );
    // And it runs: libxml2 (XSD) and ICU are there, linked in.
    let (code, out, err) = run(konform(&root()).args([
        "validate",
        "--format",
        "json",
        "test-vectors/xroad-soap/4.0.0/request-conformant.xml",
    ]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"conformant\""), "{out}");
}
