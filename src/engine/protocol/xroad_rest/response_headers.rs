use super::common::{all, http, loc, start_loc, status};
use crate::declare_rule;
use crate::engine::protocol::xroad_soap::common::decode_base64;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// A response carries `X-Road-Id`.
    /// ## Why it matters
    /// The provider's Security Server SHALL include it, so that the client can correlate the
    /// response with its request and the logs of both Security Servers.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-id-missing.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-conformant.http`
    pub ResponseHasMessageId { id: "XRD-REST-010" }
}

impl Check for ResponseHasMessageId {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        if status(h).is_some()
            && all(h, "X-Road-Id").is_empty()
            && all(h, "X-Road-Error").is_empty()
        {
            emit.at(start_loc(h), "the response has no X-Road-Id header");
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// A (non-error) response carries `X-Road-Request-Hash`, and its value is base64 of a
    /// SHA-512 digest (64 bytes). The value itself can only be recomputed from the request as
    /// the client's Security Server serialised it, so it is not recomputed here.
    /// ## Why it matters
    /// The hash binds the response to its request; the client's Security Server verifies it.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-request-hash-short.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-conformant.http`
    pub ResponseRequestHash { id: "XRD-REST-011" }
}

impl Check for ResponseRequestHash {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        if status(h).is_none() || !all(h, "X-Road-Error").is_empty() {
            return;
        }
        match all(h, "X-Road-Request-Hash").first() {
            None => emit.at(
                start_loc(h),
                "the response has no X-Road-Request-Hash header",
            ),
            Some(x) => match decode_base64(x.value.trim()) {
                Ok(d) if d.len() == 64 => {}
                Ok(d) => emit.at(
                    loc(x),
                    format!(
                        "X-Road-Request-Hash decodes to {} bytes; a SHA-512 digest has 64",
                        d.len()
                    ),
                ),
                Err(e) => emit.at(loc(x), format!("X-Road-Request-Hash is not base64: {e}")),
            },
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// A (non-error) response carries the headers the provider's Security Server sets:
    /// `X-Road-Client`, `X-Road-Service` and `X-Road-Request-Id` (PR-REST §4.3, "X-Road
    /// specific headers returned in the response"). A konform addition to the checklist.
    /// ## Why it matters
    /// Clients rely on them to see which service answered for which client; their absence
    /// means the response did not pass through a Security Server as the protocol describes.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/response-service-header-missing.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/response-conformant.http`
    pub ResponseXroadHeaders { id: "XRD-RESTX-001" }
}

impl Check for ResponseXroadHeaders {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        if status(h).is_none() || !all(h, "X-Road-Error").is_empty() {
            return;
        }
        for name in ["X-Road-Client", "X-Road-Service", "X-Road-Request-Id"] {
            if all(h, name).is_empty() {
                emit.at(start_loc(h), format!("the response has no {name} header"));
            }
        }
    }
}
