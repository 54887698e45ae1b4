//! Links libxml2 and what it pulls in (ICU, zlib, liblzma, and libstdc++ for ICU) statically on
//! Linux with glibc, so that the `konform` binary needs only the C runtime (libc, libm,
//! libgcc_s and the loader) at run time and can be copied onto a machine without them.
//!
//! The `libxml` crate asks pkg-config for a dynamic `-lxml2`. The archives named here are not
//! bundled into konform's rlib (`-bundle`), so the linker sees them after every Rust crate and
//! before that `-lxml2`: it takes each libxml2 symbol from `libxml2.a`, and `--as-needed` (which
//! rustc passes) then leaves `libxml2.so` out of the binary. `tests/cli/runtime_deps.rs` and
//! `.ci/check-runtime-deps.sh` check the result.
//!
//! Where an archive is missing (a system without the static `-dev` packages), the build warns
//! and links dynamically. `KONFORM_LINK=dynamic` asks for that deliberately (distribution
//! packages that prefer shared libraries).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Static archives, in link order (each may use the ones after it).
const ARCHIVES: &[&str] = &["xml2", "icui18n", "icuuc", "icudata", "lzma", "z"];

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed=KONFORM_LINK");
    println!("cargo::rerun-if-env-changed=CXX");
    let target_os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let target_env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if target_os != "linux" || target_env != "gnu" {
        return;
    }
    if std::env::var("KONFORM_LINK").as_deref() == Ok("dynamic") {
        return;
    }
    let dirs = library_dirs();
    let mut found: Vec<(String, PathBuf)> = Vec::new();
    let mut absent = Vec::new();
    for name in ARCHIVES {
        match dirs
            .iter()
            .find(|d| d.join(format!("lib{name}.a")).is_file())
        {
            Some(d) => found.push(((*name).to_string(), d.clone())),
            None => absent.push(format!("lib{name}.a")),
        }
    }
    match compiler_file("libstdc++.a") {
        Some(p) => found.push((
            "stdc++".into(),
            p.parent().unwrap_or(Path::new("/")).to_path_buf(),
        )),
        None => absent.push("libstdc++.a".into()),
    }
    if !absent.is_empty() {
        println!(
            "cargo::warning=linking libxml2 dynamically: {} not found (on Debian/Ubuntu: apt-get install libxml2-dev libicu-dev liblzma-dev zlib1g-dev libstdc++-12-dev)",
            absent.join(", ")
        );
        return;
    }
    let mut searched: Vec<&PathBuf> = Vec::new();
    for (_, dir) in &found {
        if !searched.contains(&dir) {
            println!("cargo::rustc-link-search=native={}", dir.display());
            searched.push(dir);
        }
    }
    for (name, _) in &found {
        println!("cargo::rustc-link-lib=static:-bundle={name}");
    }
}

/// Folders that may hold the archives: libxml2's libdir as pkg-config reports it, then the
/// usual system library folders.
fn library_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(out) = Command::new("pkg-config")
        .args(["--variable=libdir", "libxml-2.0"])
        .output()
        && out.status.success()
    {
        let dir = String::from_utf8_lossy(&out.stdout).trim().to_string();
        if !dir.is_empty() {
            dirs.push(PathBuf::from(dir));
        }
    }
    let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
    for d in [
        format!("/usr/lib/{arch}-linux-gnu"),
        "/usr/lib64".into(),
        "/usr/lib".into(),
        "/usr/local/lib".into(),
    ] {
        let d = PathBuf::from(d);
        if !dirs.contains(&d) {
            dirs.push(d);
        }
    }
    dirs
}

/// A file of the C++ compiler's runtime (`c++ -print-file-name=NAME`), if it exists.
fn compiler_file(name: &str) -> Option<PathBuf> {
    let cxx = std::env::var("CXX").unwrap_or_else(|_| "c++".into());
    for compiler in [cxx.as_str(), "g++", "cc", "gcc"] {
        let Ok(out) = Command::new(compiler)
            .arg(format!("-print-file-name={name}"))
            .output()
        else {
            continue;
        };
        let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        // Without the file, the compiler prints the bare name back.
        if out.status.success() && path.is_absolute() && path.is_file() {
            return Some(path);
        }
    }
    None
}
