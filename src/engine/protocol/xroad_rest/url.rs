use super::common::{bad_char, decode, http, start_loc, target};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The request path starts with `/r1/`: the protocol version segment of the X-Road REST
    /// message protocol.
    /// ## Why it matters
    /// The Security Server dispatches on this segment; another digit is "Unsupported protocol
    /// version", anything else "Invalid protocol version".
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-wrong-protocol.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub PathHasProtocolVersion { id: "XRD-REST-001" }
}

impl Check for PathHasProtocolVersion {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        let Some(t) = target(h) else { return };
        if !t.starts_with("/r1/") {
            emit.at(
                start_loc(h),
                format!("the request path `{}` does not start with /r1/", short(t)),
            );
        }
    }
}

fn short(s: &str) -> String {
    s.chars().take(80).collect()
}

declare_rule! {
    /// ## What it checks
    /// After `/r1/` the path names the service: `instance/memberClass/memberCode/
    /// subsystemCode/serviceCode`, each part non-empty and correctly percent-encoded.
    /// PR-REST's syntax leaves the subsystem optional, but the Security Server 7.8 refuses a
    /// service without one (`RestRequest.decodeIdentifiers`: "Invalid request URI"); both
    /// variants require it, because `strict` makes every check `runtime` makes (issue #23).
    /// ## Why it matters
    /// A malformed service identifier is rejected by the consumer Security Server.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-short-service-id.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub ServiceIdStructure { id: "XRD-REST-002" }
}

/// The service identifier parts of a `/r1/...` path (at most five; more are the service path).
pub(super) fn service_parts(target: &str) -> Option<Vec<&str>> {
    let path = target.split(['?', '#']).next().unwrap_or("");
    let rest = path.strip_prefix("/r1/")?;
    Some(rest.split('/').take(5).collect())
}

impl Check for ServiceIdStructure {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        let Some(parts) = target(h).and_then(service_parts) else {
            return;
        };
        let present = parts.iter().take_while(|p| !p.is_empty()).count();
        if present < 5 {
            emit.at(
                start_loc(h),
                format!(
                    "the service identifier has {present} non-empty part(s); the Security Server needs all 5 of instance/class/member/subsystem/serviceCode (a member-level service is refused as an invalid request URI)"
                ),
            );
        } else if let Some(p) = parts.iter().find(|p| decode(p).is_none()) {
            emit.at(
                start_loc(h),
                format!("identifier part `{p}` is not valid percent-encoded UTF-8"),
            );
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// The parts of the service identifier in the path, once percent-decoded, use only
    /// `A-Z a-z 0-9 ' ( ) + , - . = ?` (the characters X-Road allows in identifiers).
    /// The runtime variant reports the findings as information: the Security Server 7.8 only
    /// logs a warning (`MessageProcessorBase.checkIdentifier`, result ignored by
    /// `ClientRestMessageProcessor.checkRequestIdentifiers`).
    /// ## Why it matters
    /// PR-REST §4.8 and PR-MESS §2.7: other characters break the path syntax.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-identifier-symbols.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub IdentifierCharacters { id: "XRD-REST-008" }
}

impl Check for IdentifierCharacters {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        let Some(parts) = target(h).and_then(service_parts) else {
            return;
        };
        for p in parts.iter().filter_map(|p| decode(p)) {
            if let Some(c) = bad_char(&p) {
                emit.at(
                    start_loc(h),
                    format!("identifier part `{p}` contains `{c}`, which X-Road identifiers do not allow"),
                );
            }
        }
        for c in super::common::all(h, "X-Road-Client") {
            for p in super::common::parts(&c.value) {
                if let Some(ch) = bad_char(&p) {
                    emit.at(
                        super::common::loc(c),
                        format!("X-Road-Client part `{p}` contains `{ch}`, which X-Road identifiers do not allow"),
                    );
                }
            }
        }
    }
}
