//! The `jsonschema` engine: JSON Schema (drafts 4 to 2020-12) with the `jsonschema` crate.
//!
//! `$ref`s resolve only inside the package: relative references against the schema's own
//! package URL, absolute ones through the package `[catalog]`. The crate is built without its
//! HTTP and file resolvers, and the retriever here serves nothing else. Format assertions are on;
//! regular expressions run with a backtracking limit, and a pattern that exceeds it makes the
//! document's verdict `error` (could not evaluate) rather than a validation failure.

use super::{Body, CheckInput, Engine, EngineError, RawFinding, Worker};
use crate::standard::{EngineKind, Package};
use std::collections::BTreeMap;

const PACKAGE_BASE: &str = "https://konform.invalid/pkg/";
/// Backtracking steps a `pattern` may take per match before evaluation is abandoned.
const BACKTRACK_LIMIT: usize = 1_000_000;

/// Serves package files for `$ref`, nothing else.
struct PackageRetriever {
    prefix: String,
    files: BTreeMap<String, std::sync::Arc<[u8]>>,
    catalog: BTreeMap<String, String>,
}

impl jsonschema::Retrieve for PackageRetriever {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<serde_json::Value, Box<dyn std::error::Error + Send + Sync>> {
        let url = uri.as_str();
        let rel = url
            .strip_prefix(&self.prefix)
            .map(str::to_string)
            .or_else(|| self.catalog.get(url).cloned())
            .or_else(|| self.catalog.get(url.trim_end_matches('#')).cloned())
            .ok_or_else(|| {
                format!("`{url}` does not resolve inside the package (add it to [catalog])")
            })?;
        let bytes = self
            .files
            .get(&rel)
            .ok_or_else(|| format!("`{rel}` is not an artefact of the package"))?;
        Ok(serde_json::from_slice(bytes)?)
    }
}

/// A compiled JSON Schema artefact.
pub struct JsonSchemaEngine {
    validator: jsonschema::Validator,
    file: String,
    rule: String,
}

impl JsonSchemaEngine {
    /// Compiles the artefact `name` of `package`.
    pub fn compile(package: &Package, name: &str) -> Result<JsonSchemaEngine, EngineError> {
        let spec = &package.spec;
        let (artefact, bytes) = package
            .artefact(name)
            .ok_or_else(|| EngineError::Catalogue {
                standard: spec.key(),
                message: format!("unknown artefact {name}"),
            })?;
        let fail = |message: String| EngineError::Compile {
            standard: spec.key(),
            artefact: artefact.file.clone(),
            message,
        };
        let schema: serde_json::Value =
            serde_json::from_slice(bytes).map_err(|e| fail(format!("not JSON: {e}")))?;
        let prefix = format!("{PACKAGE_BASE}{}/{}/", spec.id, spec.version);
        let retriever = PackageRetriever {
            prefix: prefix.clone(),
            files: package.files.clone(),
            catalog: spec.catalog.clone(),
        };
        let validator = jsonschema::options()
            .with_base_uri(format!("{prefix}{}", artefact.file))
            .with_retriever(retriever)
            .should_validate_formats(true)
            .with_pattern_options(
                jsonschema::PatternOptions::fancy_regex().backtrack_limit(BACKTRACK_LIMIT),
            )
            .build(&schema)
            .map_err(|e| fail(e.to_string()))?;
        let rule = spec
            .rules
            .iter()
            .find(|r| r.engine.contains(&EngineKind::Jsonschema))
            .map(|r| r.id.clone())
            .ok_or_else(|| EngineError::Catalogue {
                standard: spec.key(),
                message: "the package has a JSON Schema artefact but no rule with engine = \"jsonschema\"".into(),
            })?;
        Ok(JsonSchemaEngine {
            validator,
            file: artefact.file.clone(),
            rule,
        })
    }
}

impl Engine for JsonSchemaEngine {
    fn kind(&self) -> EngineKind {
        EngineKind::Jsonschema
    }
    fn worker(&self) -> Result<Box<dyn Worker + '_>, EngineError> {
        Ok(Box::new(JsonSchemaWorker { engine: self }))
    }
}

struct JsonSchemaWorker<'e> {
    engine: &'e JsonSchemaEngine,
}

impl Worker for JsonSchemaWorker<'_> {
    fn check(
        &mut self,
        input: &CheckInput<'_>,
        out: &mut Vec<RawFinding>,
    ) -> Result<(), EngineError> {
        let Body::Json(doc) = input.body else {
            return Ok(());
        };
        for err in self.engine.validator.iter_errors(&doc.value) {
            if matches!(
                err.kind(),
                jsonschema::error::ValidationErrorKind::BacktrackLimitExceeded { .. }
            ) {
                return Err(EngineError::Evaluate {
                    message: format!(
                        "a `pattern` of {} could not be evaluated at {} (backtracking limit exceeded)",
                        self.engine.file,
                        err.schema_path().as_str()
                    ),
                });
            }
            let pointer = err.instance_path().as_str().to_string();
            let mut f = RawFinding::new(
                self.engine.rule.clone(),
                format!("{err} (schema: {})", err.schema_path().as_str()),
                doc.location(&pointer),
            );
            f.artefact = Some(self.engine.file.clone());
            out.push(f);
        }
        Ok(())
    }
}
