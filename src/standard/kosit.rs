//! Importer for KoSIT validator configurations (`scenarios.xml`, namespace
//! `http://www.xoev.de/de/validator/framework/1/scenarios`) into a konform package.
//!
//! Each `scenario` becomes a profile: `match` (an XPath) is translated into konform's declarative
//! match where it has the common forms (root element, optionally with `child = 'value'` or
//! `starts-with(child, 'value')` predicates); `validateWithXmlSchema` resources become XSD
//! artefacts; `validateWithSchematron` resources become Schematron artefacts — where a scenario
//! names compiled XSLT, the Schematron source beside it (same name, `.sch`) is used instead,
//! because konform runs Schematron, not XSLT; `customLevel` becomes `[[overrides]]`;
//! `acceptMatch` becomes `acceptance.kosit_accept_match` with the scenario's namespace
//! bindings (evaluated on a KoSIT-shaped report of each document). Everything the importer could not
//! carry over exactly is returned as a note.

use super::digest::sha256_hex;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

const NS: &str = "http://www.xoev.de/de/validator/framework/1/scenarios";

/// The result of an import.
#[derive(Debug, Clone)]
pub struct KositImport {
    /// The `standard.toml` text.
    pub manifest: String,
    /// Files to copy into the package: (path in the package, source file).
    pub files: Vec<(String, PathBuf)>,
    /// What could not be carried over exactly, and what was substituted.
    pub notes: Vec<String>,
}

fn child<'a, 'i>(n: roxmltree::Node<'a, 'i>, local: &str) -> Option<roxmltree::Node<'a, 'i>> {
    n.children().find(|c| {
        c.is_element() && c.tag_name().name() == local && c.tag_name().namespace() == Some(NS)
    })
}

fn children<'a, 'i>(
    n: roxmltree::Node<'a, 'i>,
    local: &'a str,
) -> impl Iterator<Item = roxmltree::Node<'a, 'i>> + 'a {
    n.children().filter(move |c| {
        c.is_element() && c.tag_name().name() == local && c.tag_name().namespace() == Some(NS)
    })
}

fn text(n: Option<roxmltree::Node<'_, '_>>) -> String {
    n.and_then(|n| n.text())
        .unwrap_or("")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// Clark name of a `prefix:local` QName with the scenario's namespaces.
fn clark(qname: &str, ns: &BTreeMap<String, String>) -> Option<String> {
    let (p, l) = qname.split_once(':')?;
    Some(format!("{{{}}}{l}", ns.get(p)?))
}

/// A test of a translated match: (path, `equals`, `starts_with` or `exists`, value).
type ValueTest = (String, &'static str, String);

/// Translates the common forms of a scenario's `match` XPath: `/root`, `/root/child...` and
/// predicates `[path = 'v']`, `[. = 'v']`, `[starts-with(path, 'v')]` on the last step (a
/// trailing `/text()` is the element's text). Returns (root, tests) or None.
fn translate_match(xpath: &str, ns: &BTreeMap<String, String>) -> Option<(String, Vec<ValueTest>)> {
    let x = xpath.trim();
    let x = x
        .strip_prefix("exists(")
        .and_then(|r| r.strip_suffix(')'))
        .unwrap_or(x)
        .trim();
    let rest = x.strip_prefix('/')?;
    let (head, preds) = match rest.find('[') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut steps = head.split('/').map(str::trim);
    let root = clark(steps.next()?, ns)?;
    let prefix: Option<Vec<String>> = steps.map(|s| clark(s, ns)).collect();
    let prefix = prefix?.join("/");
    let mut tests = Vec::new();
    let mut p = preds.trim();
    while !p.is_empty() {
        let inner_end = p.find(']')?;
        let inner = p[1..inner_end].trim();
        p = p[inner_end + 1..].trim();
        let (path, kind, value) = if let Some(args) = inner
            .strip_prefix("starts-with(")
            .and_then(|a| a.strip_suffix(')'))
        {
            let (a, b) = args.split_once(',')?;
            (a.trim(), "starts_with", b.trim())
        } else {
            let (a, b) = inner.split_once('=')?;
            (a.trim(), "equals", b.trim())
        };
        let value = value
            .strip_prefix('\'')
            .and_then(|v| v.strip_suffix('\''))
            .or_else(|| value.strip_prefix('"').and_then(|v| v.strip_suffix('"')))?;
        let path = path.strip_suffix("/text()").unwrap_or(path).trim();
        let own: Option<Vec<String>> = if path == "." || path == "text()" {
            Some(Vec::new())
        } else {
            path.split('/').map(|s| clark(s.trim(), ns)).collect()
        };
        let full: Vec<String> = std::iter::once(prefix.clone())
            .filter(|p| !p.is_empty())
            .chain(own?)
            .collect();
        if full.is_empty() {
            return None;
        }
        tests.push((full.join("/"), kind, value.to_string()));
    }
    if tests.is_empty() && !prefix.is_empty() {
        tests.push((prefix, "exists", String::new()));
    }
    Some((root, tests))
}

/// What a KoSIT configuration does not say and a package needs: the values of the build's
/// `@placeholder@`s, where each scenario resource is published (artefacts pinned by digest),
/// stable profile names, and the package's own header, rules and envelope profile. With a
/// recipe the import is reproducible: the shipped `xrechnung@3.0.2` is generated from
/// validator-configuration-xrechnung's scenarios.xml and `standards/tools/xrechnung-3.0.2.kosit.toml`.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// Comment lines for the head of the manifest.
    #[serde(default)]
    pub comment: Vec<String>,
    /// Package id.
    pub id: String,
    /// Package version.
    pub version: semver::Version,
    /// Package title.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Specification URL.
    #[serde(default)]
    pub spec_url: Option<String>,
    /// `[status]` as in `standard.toml`.
    #[serde(default)]
    pub status: Option<toml::Table>,
    /// The standard the package refines.
    #[serde(default)]
    pub refines: Option<String>,
    /// The configuration release imported (written to `[source]`).
    pub source: super::manifest::SourceSpec,
    /// `@name@` placeholder values of the configuration's build.
    #[serde(default)]
    pub properties: BTreeMap<String, String>,
    /// Scenario resource location (after substitution) -> artefact name.
    pub resources: BTreeMap<String, String>,
    /// Scenario name -> profile name and precedence.
    #[serde(default)]
    pub profiles: BTreeMap<String, RecipeProfile>,
    /// The artefacts, pinned (written as `[[artefacts]]` in this order).
    pub artefacts: Vec<toml::Table>,
    /// TOML appended after the scenarios' profiles (the envelope profile, the rules).
    #[serde(default)]
    pub append: String,
}

/// How one scenario becomes a profile.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecipeProfile {
    /// Profile name.
    pub name: String,
    /// Detection precedence.
    #[serde(default)]
    pub precedence: i32,
}

impl Recipe {
    /// Parses a recipe file's text.
    pub fn parse(text: &str, name: &str) -> Result<Recipe, String> {
        toml::from_str(text).map_err(|e| format!("{name}: {e}"))
    }

    fn substitute(&self, s: &str) -> String {
        let mut out = s.to_string();
        for (k, v) in &self.properties {
            out = out.replace(&format!("@{k}@"), v);
        }
        out
    }
}

/// The `@name@` placeholders left in a text.
fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('@') {
        let after = &rest[i + 1..];
        match after.find('@') {
            Some(j)
                if j > 0
                    && after[..j]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-') =>
            {
                out.push(after[..j].to_string());
                rest = &after[j + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

/// Imports `scenarios.xml`; resources are resolved relative to its folder, or, with a
/// recipe, named by the recipe's `resources` (published artefacts; nothing is copied).
pub fn import(
    scenarios: &Path,
    id: &str,
    version: &semver::Version,
    recipe: Option<&Recipe>,
) -> Result<KositImport, String> {
    let base = scenarios
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let bytes = std::fs::read(scenarios).map_err(|e| format!("{}: {e}", scenarios.display()))?;
    let text_doc =
        String::from_utf8(bytes).map_err(|_| format!("{}: not UTF-8", scenarios.display()))?;
    let text_doc = match recipe {
        Some(r) => r.substitute(&text_doc),
        None => text_doc,
    };
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let doc = roxmltree::Document::parse_with_options(&text_doc, opts)
        .map_err(|e| format!("{}: {e}", scenarios.display()))?;
    let root = doc.root_element();
    if root.tag_name().namespace() != Some(NS) || root.tag_name().name() != "scenarios" {
        return Err(format!(
            "{}: not a KoSIT scenarios file (root must be {{{NS}}}scenarios)",
            scenarios.display()
        ));
    }
    let file_name = scenarios.file_name().map_or_else(
        || "scenarios.xml".to_string(),
        |f| f.to_string_lossy().into_owned(),
    );
    let config_name = match recipe {
        Some(r) => format!(
            "{}{} {file_name}",
            r.source.configuration,
            r.source
                .release
                .as_deref()
                .map(|v| format!(" {v}"))
                .unwrap_or_default()
        ),
        None => file_name.clone(),
    };
    let mut notes = Vec::new();
    let mut files: Vec<(String, PathBuf)> = Vec::new();
    let mut artefacts: BTreeMap<String, (String, String, &'static str)> = BTreeMap::new(); // pkg path -> (name, sha, kind)
    let mut profiles = String::new();
    let mut rules = String::new();
    let mut overrides = String::new();
    let mut accept = None;
    let mut add_local = |loc: &str,
                         kind: &'static str,
                         notes: &mut Vec<String>|
     -> Result<String, String> {
        let mut src = base.join(loc);
        let mut rel = loc.trim_start_matches("./").to_string();
        if kind == "schematron" && loc.to_ascii_lowercase().ends_with(".xsl") {
            let stem = Path::new(loc)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("")
                .to_string();
            let found = find_file(base, &format!("{stem}.sch"), 0);
            match found {
                Some(p) => {
                    rel = p
                        .strip_prefix(base)
                        .unwrap_or(&p)
                        .to_string_lossy()
                        .replace('\\', "/");
                    notes.push(format!("{loc} is compiled XSLT; the package uses the Schematron source {rel} instead (konform runs .sch, not XSLT)"));
                    src = p;
                }
                None => {
                    return Err(format!(
                        "{loc} is compiled XSLT and no Schematron source {stem}.sch was found below {}: konform runs .sch, not XSLT; put the source beside the configuration and import again",
                        base.display()
                    ));
                }
            }
        }
        if !src.is_file() {
            return Err(format!("resource {loc} not found ({})", src.display()));
        }
        let bytes = std::fs::read(&src).map_err(|e| format!("{}: {e}", src.display()))?;
        let name = slug(&rel);
        artefacts
            .entry(rel.clone())
            .or_insert((name.clone(), sha256_hex(&bytes), kind));
        if !files.iter().any(|f| f.0 == rel) {
            files.push((rel.clone(), src));
        }
        // What the file imports or includes comes along, so the package compiles offline.
        let mut stack = vec![(rel.clone(), bytes)];
        while let Some((path_rel, content)) = stack.pop() {
            for loc in references(&content) {
                if loc.contains("://") {
                    notes.push(format!("{path_rel} refers to {loc}, which is not a file beside the configuration: not copied (konform does not fetch during validation)"));
                    continue;
                }
                let Some(dep_rel) = join_relative(&path_rel, &loc) else {
                    return Err(format!(
                        "{path_rel} refers to {loc}, outside the configuration folder {}",
                        base.display()
                    ));
                };
                if artefacts.contains_key(&dep_rel) {
                    continue;
                }
                let dep_src = base.join(&dep_rel);
                let bytes = std::fs::read(&dep_src).map_err(|e| {
                    format!("{path_rel} refers to {loc} ({}): {e}", dep_src.display())
                })?;
                artefacts.insert(dep_rel.clone(), (slug(&dep_rel), sha256_hex(&bytes), kind));
                files.push((dep_rel.clone(), dep_src));
                stack.push((dep_rel, bytes));
            }
        }
        Ok(artefacts[&rel].0.clone())
    };
    let mut add = |loc: &str, kind: &'static str, notes: &mut Vec<String>| match recipe {
        Some(r) => r.resources.get(loc).cloned().ok_or_else(|| {
            format!("resource {loc} is not in the recipe's [resources]: say which artefact it is")
        }),
        None => add_local(loc, kind, notes),
    };
    let mut seen_names = std::collections::BTreeSet::new();
    for sc in children(root, "scenario") {
        let name = text(child(sc, "name"));
        let planned = recipe.and_then(|r| r.profiles.get(&name));
        let mut pname = planned.map_or_else(|| slug(&name), |p| p.name.clone());
        if pname.is_empty() {
            pname = "scenario".into();
        }
        while !seen_names.insert(pname.clone()) {
            pname.push_str("-2");
        }
        let ns: BTreeMap<String, String> = children(sc, "namespace")
            .filter_map(|n| {
                Some((
                    n.attribute("prefix")?.to_string(),
                    n.text()?.trim().to_string(),
                ))
            })
            .collect();
        let xpath = text(child(sc, "match"));
        let mut locations = Vec::new();
        if let Some(x) = child(sc, "validateWithXmlSchema") {
            for r in children(x, "resource") {
                locations.push((text(child(r, "location")), "xsd"));
            }
        }
        for s in children(sc, "validateWithSchematron") {
            for r in children(s, "resource") {
                locations.push((text(child(r, "location")), "schematron"));
            }
        }
        if let Some(ph) = std::iter::once(&xpath)
            .chain(locations.iter().map(|(l, _)| l))
            .flat_map(|t| placeholders(t))
            .next()
        {
            return Err(format!(
                "scenario `{name}` uses the build placeholder @{ph}@: this scenarios.xml is a build template; give the placeholder values in a recipe's [properties] (--recipe) or import the built configuration"
            ));
        }
        let mut arts = Vec::new();
        for (loc, kind) in &locations {
            arts.push(add(loc, kind, &mut notes)?);
        }
        if let Some(d) = child(sc, "description") {
            // Paragraph by paragraph; one that still names a build placeholder (a download
            // date, say) says nothing about the package and is left out.
            let mut words: Vec<&str> = Vec::new();
            for part in d.children() {
                let text: Vec<&str> = part
                    .descendants()
                    .filter(|n| n.is_text())
                    .filter_map(|n| n.text())
                    .collect();
                if text.iter().any(|t| !placeholders(t).is_empty()) {
                    continue;
                }
                words.extend(text.iter().flat_map(|t| t.split_whitespace()));
            }
            if !words.is_empty() {
                let _ = writeln!(profiles, "# {}", words.join(" "));
            }
        }
        let _ = writeln!(
            profiles,
            "[[profiles]]\nname = {}\ntitle = {}\nformat = \"xml\"",
            toml_str(&pname),
            toml_str(&name)
        );
        let _ = writeln!(
            profiles,
            "artefacts = [{}]",
            arts.iter()
                .map(|a| toml_str(a))
                .collect::<Vec<_>>()
                .join(", ")
        );
        let precedence = planned.map_or(0, |p| p.precedence);
        match translate_match(&xpath, &ns) {
            Some((root, tests)) => {
                if precedence != 0 {
                    let _ = writeln!(profiles, "precedence = {precedence}");
                }
                let _ = writeln!(profiles, "[profiles.match]\nroot = {}", toml_str(&root));
                let exists: Vec<String> = tests
                    .iter()
                    .filter(|t| t.1 == "exists")
                    .map(|t| toml_str(&t.0))
                    .collect();
                if !exists.is_empty() {
                    let _ = writeln!(profiles, "exists = [{}]", exists.join(", "));
                }
                for (path, kind, value) in tests.iter().filter(|t| t.1 != "exists") {
                    let _ = writeln!(
                        profiles,
                        "[[profiles.match.values]]\npath = {}\n{kind} = {}",
                        toml_str(path),
                        toml_str(value)
                    );
                }
            }
            None => {
                // Fall back to the element the XPath starts from, at a lower precedence, so an
                // exactly translated scenario wins when both match.
                let first = xpath
                    .trim_start_matches("exists(")
                    .trim_start_matches('/')
                    .split(['[', '/', ' ', ')'])
                    .next()
                    .unwrap_or("");
                match clark(first, &ns) {
                    Some(root) => {
                        let _ = writeln!(profiles, "precedence = {}\n[profiles.match]\nroot = {}", precedence - 1, toml_str(&root));
                        notes.push(format!("scenario `{name}`: match `{xpath}` has no declarative equivalent; profile {pname} matches on the root element {root} only (precedence {}): refine [profiles.match] by hand", precedence - 1));
                    }
                    None => notes.push(format!("scenario `{name}`: match `{xpath}` has no declarative equivalent; profile {pname} matches any XML document until [profiles.match] is written by hand")),
                }
            }
        }
        profiles.push('\n');
        if recipe.is_none() {
            let _ = writeln!(
                rules,
                "[[rules]]\nid = {}\nlevel = \"MUST\"\nseverity = \"error\"\ntitle = {}\nclause = {}\nengine = \"xsd\"\nprofiles = [{}]\n",
                toml_str(&format!("{}-XSD", pname.to_ascii_uppercase())),
                toml_str(&format!(
                    "The document is valid against the XML Schema of scenario {name}"
                )),
                toml_str(&format!("KoSIT scenario `{name}`: validateWithXmlSchema")),
                toml_str(&pname)
            );
        }
        if let Some(cr) = child(sc, "createReport") {
            // One override per level, rules in the configuration's order.
            let mut by_level: Vec<(&'static str, Vec<String>)> = Vec::new();
            for cl in children(cr, "customLevel") {
                let level = match cl.attribute("level") {
                    Some("information") => "info",
                    Some("warning") => "warning",
                    _ => "error",
                };
                let ids = cl.text().unwrap_or("").split_whitespace().map(toml_str);
                match by_level.iter_mut().find(|(l, _)| *l == level) {
                    Some((_, v)) => v.extend(ids),
                    None => by_level.push((level, ids.collect())),
                }
            }
            for (level, ids) in by_level {
                let word = if level == "info" {
                    "information"
                } else {
                    level
                };
                let _ = writeln!(
                    overrides,
                    "[[overrides]]\nrules = [{}]\nseverity = \"{level}\"\nprofiles = [{}]\nreason = {}\n",
                    ids.join(", "),
                    toml_str(&pname),
                    toml_str(&format!(
                        "customLevel {word} in scenario '{name}' of {config_name}"
                    ))
                );
            }
        }
        if let Some(m) = child(sc, "acceptMatch") {
            let m = text(Some(m));
            match &accept {
                None => accept = Some((m, ns.clone())),
                Some((first, _)) if *first != m => notes.push(format!("scenario `{name}`: acceptMatch `{m}` differs from the first scenario's `{first}`; the package has one acceptance policy and uses the first")),
                Some(_) => {}
            }
        }
    }
    if child(root, "noScenarioReport").is_some() {
        notes.push("noScenarioReport: a document that no scenario matches is rejected (konform: not evaluated and rejected, or, with --standard, the package's fallback profile)".into());
    }
    let title = text(child(root, "name"));
    let mut m = String::new();
    match recipe {
        Some(r) => {
            let _ = writeln!(
                m,
                "# Generated by `konform standards import kosit {file_name} --recipe ...` from {config_name}{}.\n# Do not edit: change the recipe (standards/tools/) or the configuration and import again.",
                r.source
                    .commit
                    .as_deref()
                    .map(|c| format!(" (commit {c})"))
                    .unwrap_or_default()
            );
            for c in &r.comment {
                let _ = writeln!(m, "# {c}");
            }
        }
        None => {
            let _ = writeln!(
                m,
                "# Imported from the KoSIT validator configuration {} by `konform standards import kosit`.",
                scenarios.display()
            );
        }
    }
    for n in &notes {
        let _ = writeln!(m, "# note: {n}");
    }
    match recipe {
        Some(r) => {
            let _ = writeln!(
                m,
                "id = {}\nversion = \"{}\"\ntitle = {}\npublisher = {}",
                toml_str(&r.id),
                r.version,
                toml_str(&r.title),
                toml_str(&r.publisher)
            );
            if let Some(u) = &r.spec_url {
                let _ = writeln!(m, "spec_url = {}", toml_str(u));
            }
            if let Some(f) = &r.refines {
                let _ = writeln!(m, "refines = {}", toml_str(f));
            }
            let source = toml::Value::try_from(&r.source).map_err(|e| e.to_string())?;
            let source = source.as_table().cloned().unwrap_or_default();
            let _ = writeln!(m, "\n[source]\n{}", toml_table(&source));
            if let Some(st) = &r.status {
                let _ = writeln!(m, "[status]\n{}", toml_table(st));
            }
            for a in &r.artefacts {
                let _ = writeln!(m, "[[artefacts]]\n{}", toml_table(a));
            }
        }
        None => {
            let _ = writeln!(
                m,
                "id = {}\nversion = \"{version}\"\ntitle = {}\npublisher = {}\n",
                toml_str(id),
                toml_str(&title),
                toml_str(&text(child(root, "author")))
            );
            for (file, (name, sha, kind)) in &artefacts {
                let _ = writeln!(
                    m,
                    "[[artefacts]]\nname = {}\nfile = {}\nsha256 = \"{sha}\"\nkind = \"{kind}\"\n",
                    toml_str(name),
                    toml_str(file)
                );
            }
        }
    }
    m.push_str(&profiles);
    if let Some(r) = recipe {
        m.push_str(r.append.trim());
        m.push_str("\n\n");
    }
    m.push_str(&rules);
    m.push_str(&overrides);
    if let Some((a, ns)) = accept {
        let _ = writeln!(
            m,
            "[acceptance]\nreject_at = \"error\"\nkosit_accept_match = {}",
            toml_str(&a)
        );
        if !ns.is_empty() {
            m.push_str("[acceptance.namespaces]\n");
            for (p, u) in &ns {
                let bare = p
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
                let key = if bare { p.clone() } else { toml_str(p) };
                let _ = writeln!(m, "{key} = {}", toml_str(u));
            }
        }
    }
    Ok(KositImport {
        manifest: m,
        files,
        notes,
    })
}

/// A flat TOML table as `key = value` lines: the usual keys of `standard.toml` in their usual
/// order, then the others alphabetically.
fn toml_table(t: &toml::Table) -> String {
    const FIRST: &[&str] = &[
        "name",
        "file",
        "sha256",
        "kind",
        "url",
        "configuration",
        "release",
        "commit",
        "state",
        "valid_from",
    ];
    let mut keys: Vec<&String> = t.keys().collect();
    keys.sort_by_key(|k| {
        (
            FIRST.iter().position(|f| f == k).unwrap_or(FIRST.len()),
            k.as_str(),
        )
    });
    let mut out = String::new();
    for k in keys {
        let _ = writeln!(out, "{k} = {}", t[k.as_str()]);
    }
    out
}

/// Locations a schema file imports or includes: `xs:import`/`xs:include`/`xs:redefine`
/// `schemaLocation`, Schematron `include`/`extends` `href`, `xsl:include`/`xsl:import` `href`.
/// A file that does not parse has none here (compiling it reports the problem).
fn references(content: &[u8]) -> Vec<String> {
    const XS: &str = "http://www.w3.org/2001/XMLSchema";
    const SCH: &str = "http://purl.oclc.org/dsdl/schematron";
    const XSL: &str = "http://www.w3.org/1999/XSL/Transform";
    let Ok(text) = std::str::from_utf8(content) else {
        return Vec::new();
    };
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        ..Default::default()
    };
    let Ok(doc) = roxmltree::Document::parse_with_options(text, opts) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for n in doc.descendants().filter(|n| n.is_element()) {
        let (ns, local) = (n.tag_name().namespace(), n.tag_name().name());
        let attr = match (ns, local) {
            (Some(XS), "import" | "include" | "redefine") => "schemaLocation",
            (Some(SCH), "include" | "extends") | (Some(XSL), "include" | "import") => "href",
            _ => continue,
        };
        if let Some(loc) = n.attribute(attr).map(str::trim).filter(|l| !l.is_empty()) {
            let loc = loc.split('#').next().unwrap_or(loc).to_string();
            if !loc.is_empty() && !out.contains(&loc) {
                out.push(loc);
            }
        }
    }
    out
}

/// `loc` relative to the folder of `from` (both package-relative, `/`-separated), normalised;
/// `None` when it leaves the package.
fn join_relative(from: &str, loc: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    if loc.starts_with('/') {
        return None;
    }
    for seg in loc.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

fn find_file(dir: &Path, name: &str, depth: usize) -> Option<PathBuf> {
    if depth > 8 {
        return None;
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    entries
        .iter()
        .find(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()) == Some(name))
        .cloned()
        .or_else(|| {
            entries
                .iter()
                .filter(|p| p.is_dir())
                .find_map(|p| find_file(p, name, depth + 1))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_match_forms_translate() {
        let ns: BTreeMap<String, String> = [("inv", "urn:i"), ("cbc", "urn:c")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let (root, tests) = translate_match(
            "/inv:Invoice[cbc:CustomizationID = 'urn:x'][starts-with(cbc:ProfileID, 'urn:p')]",
            &ns,
        )
        .unwrap();
        assert_eq!(root, "{urn:i}Invoice");
        assert_eq!(
            tests,
            vec![
                (
                    "{urn:c}CustomizationID".to_string(),
                    "equals",
                    "urn:x".to_string()
                ),
                ("{urn:c}ProfileID".into(), "starts_with", "urn:p".into())
            ]
        );
        // The forms of XRechnung's configuration: a child path with `.` or `text()`.
        assert_eq!(
            translate_match(
                "exists(/inv:Invoice/cbc:CustomizationID[ . = 'urn:x'])",
                &ns
            ),
            Some((
                "{urn:i}Invoice".to_string(),
                vec![(
                    "{urn:c}CustomizationID".to_string(),
                    "equals",
                    "urn:x".to_string()
                )]
            ))
        );
        assert_eq!(
            translate_match("exists(/inv:Invoice[ cbc:A/cbc:B/text() = 'v' ])", &ns),
            Some((
                "{urn:i}Invoice".to_string(),
                vec![("{urn:c}A/{urn:c}B".to_string(), "equals", "v".to_string())]
            ))
        );
        assert_eq!(
            translate_match("/inv:Invoice/cbc:A", &ns),
            Some((
                "{urn:i}Invoice".to_string(),
                vec![("{urn:c}A".to_string(), "exists", String::new())]
            ))
        );
        assert!(translate_match("//inv:Invoice", &ns).is_none());
        assert!(translate_match("/inv:Invoice[a or b]", &ns).is_none());
        assert!(translate_match("/zz:Invoice", &ns).is_none());
    }

    #[test]
    fn build_placeholders_are_found() {
        assert_eq!(
            placeholders("exists(/a[. = '@xrechnung.spec.id@']) or @b@"),
            ["xrechnung.spec.id", "b"]
        );
        assert!(placeholders("mail@example.org and user@host").is_empty());
    }
}
