//! The typed form of `standard.toml` (see `docs/standard-format.md`).
//!
//! Owns deserialization and the checks that need nothing but the manifest itself. It does not
//! read artefacts (that is [`super::package`]) and knows nothing about engines.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One standard version as declared in `standard.toml`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandardSpec {
    /// Stable identifier, e.g. `xroad-soap`.
    pub id: String,
    /// Semantic version of the standard.
    pub version: semver::Version,
    /// Human title.
    pub title: String,
    /// Who publishes the standard.
    #[serde(default)]
    pub publisher: String,
    /// Where the specification text lives.
    #[serde(default)]
    pub spec_url: Option<String>,
    /// Base URL for clause links.
    #[serde(default)]
    pub clause_url: Option<String>,
    /// Lifecycle of this version.
    #[serde(default)]
    pub status: Status,
    /// The more general standard this one refines (a selector, `id@range`, e.g.
    /// `en16931@1.3`): every document of this standard is also one of that standard's family.
    #[serde(default)]
    pub refines: Option<String>,
    /// Where the package was generated from (e.g. the KoSIT configuration release).
    #[serde(default)]
    pub source: Option<SourceSpec>,
    /// Named rule variants; the first is the default.
    #[serde(default)]
    pub variants: Vec<VariantSpec>,
    /// Files the standard is made of.
    #[serde(default)]
    pub artefacts: Vec<ArtefactSpec>,
    /// Absolute schema locations mapped to files inside the package.
    #[serde(default)]
    pub catalog: BTreeMap<String, String>,
    /// Kinds of message in the standard.
    #[serde(default)]
    pub profiles: Vec<ProfileSpec>,
    /// The rule catalogue.
    #[serde(default)]
    pub rules: Vec<RuleSpec>,
    /// Per-rule severity overrides (as the KoSIT validator's `customLevel`).
    #[serde(default)]
    pub overrides: Vec<OverrideSpec>,
    /// Acceptance policy, separate from conformance.
    #[serde(default)]
    pub acceptance: AcceptanceSpec,
    /// What the reference implementation (the `runtime` variant) does with each rule.
    #[serde(default)]
    pub runtime: Vec<RuntimeBehaviour>,
}

/// The configuration a package was generated from, recorded by the importer.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// Kind of configuration (`kosit`).
    pub kind: String,
    /// Which configuration (e.g. its repository).
    pub configuration: String,
    /// Its release.
    #[serde(default)]
    pub release: Option<String>,
    /// Its commit.
    #[serde(default)]
    pub commit: Option<String>,
}

/// A severity override: the findings of these rules get this severity for acceptance.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct OverrideSpec {
    /// Rule ids.
    pub rules: Vec<String>,
    /// The severity they get.
    pub severity: Severity,
    /// Profiles it applies to (empty: all).
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Why.
    #[serde(default)]
    pub reason: Option<String>,
}

/// When a document is accepted. A document is rejected when it could not be evaluated or a
/// finding that is not waived has, after overrides, at least `reject_at`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct AcceptanceSpec {
    /// Lowest effective severity that rejects.
    #[serde(default = "default_reject_at")]
    pub reject_at: Severity,
    /// A KoSIT `acceptMatch` XPath. When present it decides acceptance: it is evaluated on a
    /// KoSIT-shaped report of the document (whose assessment is the `reject_at` decision) and
    /// its effective boolean value accepts.
    #[serde(default)]
    pub kosit_accept_match: Option<String>,
    /// Namespace bindings for `kosit_accept_match` (prefix -> URI); `rep` (the KoSIT report)
    /// and `svrl` are bound by default.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub namespaces: std::collections::BTreeMap<String, String>,
}

fn default_reject_at() -> Severity {
    Severity::Error
}

impl Default for AcceptanceSpec {
    fn default() -> Self {
        AcceptanceSpec {
            reject_at: Severity::Error,
            kosit_accept_match: None,
            namespaces: std::collections::BTreeMap::new(),
        }
    }
}

impl StandardSpec {
    /// The severity a rule's findings get for acceptance in a profile, if overridden.
    pub fn override_for(&self, rule: &str, profile: &str) -> Option<&OverrideSpec> {
        self.overrides.iter().find(|o| {
            o.rules.iter().any(|r| r == rule)
                && (o.profiles.is_empty() || o.profiles.iter().any(|p| p == profile))
        })
    }
}

/// Lifecycle state of a standard version.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Status {
    /// draft, active or deprecated.
    #[serde(default)]
    pub state: State,
    /// First day the version is in force.
    #[serde(default)]
    pub valid_from: Option<toml::value::Datetime>,
    /// Last day the version is in force.
    #[serde(default)]
    pub valid_until: Option<toml::value::Datetime>,
    /// The `id@version` that replaces this one.
    #[serde(default)]
    pub replaced_by: Option<String>,
}

/// Lifecycle state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Published for comment; never picked by `latest`.
    Draft,
    /// In force.
    #[default]
    Active,
    /// Superseded; used only when named exactly.
    Deprecated,
}

/// A named variant of the rules (e.g. `strict` spec text vs `runtime` behaviour).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariantSpec {
    /// Name used on the command line and in reports.
    pub name: String,
    /// Human description.
    #[serde(default)]
    pub title: String,
}

/// One artefact file, pinned by digest.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArtefactSpec {
    /// Name profiles use to refer to it.
    pub name: String,
    /// Path inside the package.
    pub file: String,
    /// Expected sha256, lower-case hex.
    pub sha256: String,
    /// What the artefact is.
    pub kind: ArtefactKind,
    /// Where it is published.
    #[serde(default)]
    pub url: Option<String>,
}

/// Kinds of artefact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ArtefactKind {
    /// W3C XML Schema.
    Xsd,
    /// ISO Schematron.
    Schematron,
    /// JSON Schema.
    Jsonschema,
    /// OpenAPI description.
    Openapi,
    /// WSDL 1.1.
    Wsdl,
    /// Code list.
    Codelist,
}

/// Message syntax of a profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Syntax {
    /// XML documents.
    Xml,
    /// JSON documents.
    Json,
}

/// One kind of message within a standard.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileSpec {
    /// Profile name, e.g. `request`.
    pub name: String,
    /// Human title.
    #[serde(default)]
    pub title: String,
    /// Message syntax.
    pub format: Syntax,
    /// Artefacts whose engines run for this profile.
    #[serde(default)]
    pub artefacts: Vec<String>,
    /// How the profile is recognised from content.
    #[serde(rename = "match", default)]
    pub matcher: MatchSpec,
    /// When several profiles match a document, a unique highest precedence wins (default 0).
    #[serde(default)]
    pub precedence: i32,
    /// The profile is one side of an HTTP exchange: only an HTTP capture with that start line
    /// matches it, and the message body may be empty or of any media type.
    #[serde(default)]
    pub http: Option<HttpSide>,
    /// The standard's family claim: when the standard is named (`--standard`), a document
    /// whose `claims` test holds matches this profile even where `match` excludes it (a
    /// refining standard's identifier, say). Detection without `--standard` ignores it.
    #[serde(default)]
    pub claims: Option<MatchSpec>,
    /// The envelope-level profile: never detected; used when the standard is named and no other
    /// profile matches the document, so a named standard always gives a verdict.
    #[serde(default)]
    pub fallback: bool,
    /// For a `fallback` profile: the rule reported when it is used (the document is not one of
    /// the standard's kinds), with why each profile did not match.
    #[serde(default)]
    pub fallback_rule: Option<String>,
    /// Rules (by id) that run in this profile besides those whose `profiles` list names it.
    #[serde(default)]
    pub rules: Vec<String>,
}

/// Which side of an HTTP exchange a profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HttpSide {
    /// A request (`METHOD target HTTP/1.1`).
    Request,
    /// A response (`HTTP/1.1 status reason`).
    Response,
}

/// Content test recognising a profile.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchSpec {
    /// Root element in Clark notation (`{ns}local`).
    #[serde(default)]
    pub root: Option<String>,
    /// Paths that must select an element (XML) or value (JSON Pointer).
    #[serde(default)]
    pub exists: Vec<String>,
    /// Paths that must select nothing.
    #[serde(default)]
    pub absent: Vec<String>,
    /// Value tests.
    #[serde(default)]
    pub values: Vec<ValueTest>,
}

/// A test on the first node selected by a path.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueTest {
    /// Child steps from the root (XML) or a JSON Pointer.
    pub path: String,
    /// Text equals.
    #[serde(default)]
    pub equals: Option<String>,
    /// Text starts with.
    #[serde(default)]
    pub starts_with: Option<String>,
    /// Text matches the regex.
    #[serde(default)]
    pub matches: Option<String>,
    /// Text does not match the regex.
    #[serde(default)]
    pub not_matches: Option<String>,
    /// Local name of the selected element matches the regex.
    #[serde(default)]
    pub name_matches: Option<String>,
    /// Local name of the selected element does not match the regex.
    #[serde(default)]
    pub name_not_matches: Option<String>,
}

/// Normative level of a rule, as the standard words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
pub enum Level {
    /// MUST / SHALL / REQUIRED.
    #[serde(rename = "MUST")]
    Must,
    /// MUST NOT / SHALL NOT.
    #[serde(rename = "MUST NOT")]
    MustNot,
    /// SHOULD / RECOMMENDED.
    #[serde(rename = "SHOULD")]
    Should,
    /// SHOULD NOT / NOT RECOMMENDED.
    #[serde(rename = "SHOULD NOT")]
    ShouldNot,
    /// MAY / OPTIONAL.
    #[serde(rename = "MAY")]
    May,
    /// Informative.
    #[serde(rename = "INFO")]
    Info,
}

impl Level {
    /// The keyword as written in specifications.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Must => "MUST",
            Level::MustNot => "MUST NOT",
            Level::Should => "SHOULD",
            Level::ShouldNot => "SHOULD NOT",
            Level::May => "MAY",
            Level::Info => "INFO",
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Should be fixed; does not make a document non-conformant by default.
    Warning,
    /// Makes the document non-conformant.
    Error,
}

impl Severity {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Engines that evaluate rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// W3C XML Schema (libxml2).
    Xsd,
    /// ISO Schematron.
    Schematron,
    /// JSON Schema.
    Jsonschema,
    /// Rules written in Rust.
    Protocol,
    /// Checks konform applies to every document (well-formedness, safety).
    Input,
    /// Checks of a live endpoint's behaviour (`konform endpoint`).
    Endpoint,
}

/// What a rule needs to be evaluated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleInput {
    /// The message itself.
    #[default]
    Message,
    /// The HTTP/MIME capture around the message.
    Http,
    /// A request/response pair.
    Pair,
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSpec {
    /// Stable id, public API.
    pub id: String,
    /// Normative level.
    pub level: Level,
    /// Default severity.
    pub severity: Severity,
    /// Short title.
    pub title: String,
    /// Clause of the standard the rule comes from.
    pub clause: String,
    /// Engines that evaluate it.
    #[serde(deserialize_with = "one_or_many")]
    pub engine: Vec<EngineKind>,
    /// Profiles it applies to (empty: all).
    #[serde(default)]
    pub profiles: Vec<String>,
    /// Variants it applies to (empty: all).
    #[serde(default)]
    pub variants: Vec<String>,
    /// What it needs.
    #[serde(default)]
    pub input: RuleInput,
    /// For XSD rules: XSD errors at or inside this element belong to this rule.
    #[serde(default)]
    pub xsd_scope: Option<String>,
    /// Longer explanation.
    #[serde(default)]
    pub description: Option<String>,
}

impl RuleSpec {
    /// Whether the rule applies to a profile and variant.
    pub fn applies(&self, profile: &str, variant: &str) -> bool {
        (self.profiles.is_empty() || self.profiles.iter().any(|p| p == profile))
            && (self.variants.is_empty() || self.variants.iter().any(|v| v == variant))
    }
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<EngineKind>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(EngineKind),
        Many(Vec<EngineKind>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(e) => vec![e],
        OneOrMany::Many(v) => v,
    })
}

impl StandardSpec {
    /// `id@version`.
    pub fn key(&self) -> String {
        format!("{}@{}", self.id, self.version)
    }

    /// The default variant name (`default` when the package declares none).
    pub fn default_variant(&self) -> &str {
        self.variants.first().map_or("default", |v| v.name.as_str())
    }

    /// Looks a rule up by id.
    pub fn rule(&self, id: &str) -> Option<&RuleSpec> {
        self.rules.iter().find(|r| r.id == id)
    }

    /// Adds each profile that names a rule in its `rules` to that rule's `profiles` (a rule
    /// with no `profiles` applies everywhere already). Called once when a package loads.
    pub fn attach_profile_rules(&mut self) {
        let pairs: Vec<(String, String)> = self
            .profiles
            .iter()
            .flat_map(|p| p.rules.iter().map(|r| (r.clone(), p.name.clone())))
            .collect();
        for (rule, profile) in pairs {
            if let Some(r) = self.rules.iter_mut().find(|r| r.id == rule)
                && !r.profiles.is_empty()
                && !r.profiles.contains(&profile)
            {
                r.profiles.push(profile);
            }
        }
    }

    /// Looks a profile up by name.
    pub fn profile(&self, name: &str) -> Option<&ProfileSpec> {
        self.profiles.iter().find(|p| p.name == name)
    }
}

/// How the reference implementation treats a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    /// Enforced as the text says.
    Same,
    /// Enforced, but decided differently (values not order, by local name, per parsing path).
    /// Schema findings of the rule are not enforced: the implementation validates no schema.
    Differs,
    /// Not enforced: in the runtime variant the rule's findings are information.
    No,
}

impl Enforcement {
    /// The word used in tables and `konform rule`.
    pub fn as_str(self) -> &'static str {
        match self {
            Enforcement::Same => "enforced as written",
            Enforcement::Differs => "enforced differently",
            Enforcement::No => "not enforced",
        }
    }
}

/// One `[[runtime]]` entry: what the reference implementation does with one rule.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuntimeBehaviour {
    /// The rule id (a `[[rules]]` entry of the same package).
    pub rule: String,
    /// Whether and how the implementation enforces the rule.
    pub enforced: Enforcement,
    /// What the implementation does, in a sentence or two.
    pub behaviour: String,
    /// The class(es) and method(s) of the implementation that decide it, with the release.
    pub citation: String,
}
