//! Rule catalogue integrity: every protocol rule a package lists is implemented and documented,
//! every implementation is listed, and every rule of a shipped package has a vector that fires
//! it and one that must not.

use konform::engine::protocol;
use konform::standard::{EngineKind, Registry};
use konform::vectors;
use std::collections::BTreeSet;

#[test]
fn protocol_rules_and_catalogue_agree() {
    let reg = Registry::load(&[], true).unwrap();
    let listed: BTreeSet<String> = reg
        .packages()
        .iter()
        .flat_map(|p| p.spec.rules.iter())
        .filter(|r| r.engine.contains(&EngineKind::Protocol))
        .map(|r| r.id.clone())
        .collect();
    let implemented: BTreeSet<String> = protocol::registry()
        .iter()
        .map(|r| r.id().to_string())
        .collect();
    assert_eq!(
        listed, implemented,
        "protocol rules listed in standard.toml vs implemented in src/engine/protocol"
    );
    for r in protocol::registry() {
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Failing example",
            "## Passing example",
        ] {
            assert!(
                r.explain().contains(section),
                "{} lacks the doc section {section}",
                r.id()
            );
        }
    }
}

#[test]
fn every_rule_has_a_firing_and_a_non_firing_vector() {
    let reg = Registry::load(&[], true).unwrap();
    let vs = vectors::load(None).unwrap();
    // Packages built from published artefacts (en16931, xrechnung) are tested on the official
    // suites from the offline mirror instead; their Schematron rules are discovered at compile.
    for p in reg
        .packages()
        .iter()
        .filter(|p| p.spec.artefacts.iter().all(|a| a.url.is_none()))
    {
        let mine: Vec<_> = vs
            .iter()
            .filter(|v| v.standard == p.spec.id && v.version == p.spec.version.to_string())
            .collect();
        for r in &p.spec.rules {
            assert!(
                mine.iter().any(|v| v.expected.must_fire.contains(&r.id)),
                "{}: no vector fires {}",
                p.spec.key(),
                r.id
            );
            assert!(
                mine.iter()
                    .any(|v| v.expected.must_not_fire.contains(&r.id)),
                "{}: no vector must not fire {}",
                p.spec.key(),
                r.id
            );
        }
    }
}

#[test]
fn selection_prefers_the_latest_active_version() {
    let d = tempfile::tempdir().unwrap();
    for (ver, state) in [
        ("1.0.0", "active"),
        ("1.1.0", "active"),
        ("1.2.0", "deprecated"),
        ("2.0.0-rc.1", "draft"),
        ("2.0.0", "deprecated"),
    ] {
        let dir = d.path().join("s").join(ver);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("standard.toml"),
            format!(
                "id = \"s\"\nversion = \"{ver}\"\ntitle = \"s\"\n[status]\nstate = \"{state}\"\n"
            ),
        )
        .unwrap();
    }
    let reg = Registry::load(&[d.path()], false).unwrap();
    let v = |sel: &str| {
        reg.resolve(sel)
            .map(|p| p.spec.version.to_string())
            .map_err(|e| e.to_string())
    };
    assert_eq!(v("s").unwrap(), "1.1.0");
    assert_eq!(v("s@latest").unwrap(), "1.1.0");
    assert_eq!(v("s@1").unwrap(), "1.1.0");
    assert_eq!(v("s@1.0").unwrap(), "1.0.0");
    assert_eq!(v("s@=1.2.0").unwrap(), "1.2.0");
    assert_eq!(v("s@2.0.0").unwrap(), "2.0.0");
    let err = v("s@2").unwrap_err();
    assert!(err.contains("unknown standard"), "{err}");
    assert!(v("s@1.3").is_err());
}

#[test]
fn two_folders_defining_the_same_version_conflict() {
    let d = tempfile::tempdir().unwrap();
    for side in ["a", "b"] {
        let dir = d.path().join(side);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("standard.toml"),
            "id = \"s\"\nversion = \"1.0.0\"\ntitle = \"s\"\n",
        )
        .unwrap();
    }
    let err = Registry::load(&[&d.path().join("a"), &d.path().join("b")], false).unwrap_err();
    assert!(err.to_string().contains("defined twice"), "{err}");
}

/// The X-Road packages whose `runtime` variant is the Security Server.
const XROAD: [&str; 2] = ["xroad-soap@4.0.0", "xroad-rest@1.0.4"];

#[test]
fn every_xroad_rule_states_what_the_security_server_does() {
    use konform::standard::server_behaviour::Enforcement;
    let reg = Registry::load(&[], true).unwrap();
    for key in XROAD {
        let p = reg.resolve(key).unwrap();
        for r in &p.spec.rules {
            let rt = p
                .spec
                .runtime_of(&r.id)
                .unwrap_or_else(|| panic!("{key}: {} has no [[runtime]] entry", r.id));
            assert!(
                rt.citation.contains("7.8.0") && rt.citation.contains('.'),
                "{key}: {} cites no class and method of X-Road 7.8.0: {}",
                r.id,
                rt.citation
            );
            assert!(!rt.behaviour.trim().is_empty(), "{key}: {}", r.id);
            // The Security Server validates no schema: a rule with a schema part cannot be
            // enforced "as written".
            assert!(
                !(r.engine.contains(&EngineKind::Xsd) && rt.enforced == Enforcement::Same),
                "{key}: {} has a schema part but says the server enforces it as written",
                r.id
            );
            // A rule only the runtime variant runs would let strict accept what runtime
            // rejects.
            assert!(
                r.variants.is_empty() || r.variants.iter().any(|v| v == "strict"),
                "{key}: {} does not run in strict",
                r.id
            );
        }
    }
}

#[test]
fn runtime_table_in_docs_is_rendered_from_the_catalogue() {
    let reg = Registry::load(&[], true).unwrap();
    let packages: Vec<_> = XROAD.iter().map(|k| reg.resolve(k).unwrap()).collect();
    let specs: Vec<_> = packages.iter().map(|p| &p.spec).collect();
    let text = konform::standard::server_behaviour::render_markdown(&specs);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/xroad-runtime.md");
    if std::env::var_os("KONFORM_BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == text,
        "docs/xroad-runtime.md differs from what the rule catalogue renders; run `KONFORM_BLESS=1 cargo test --test catalogue runtime_table` and commit the result"
    );
}
