use super::common::{all, http, loc, start_loc, target};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// A request carries the `X-Road-Client` header (names are case-insensitive).
    /// ## Why it matters
    /// It is the only mandatory request header: the Security Server cannot authorise a request
    /// without knowing its client.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-client-missing.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub ClientHeaderPresent { id: "XRD-REST-003" }
}

impl Check for ClientHeaderPresent {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        if target(h).is_some() && all(h, "X-Road-Client").is_empty() {
            emit.at(start_loc(h), "the request has no X-Road-Client header");
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// `X-Road-Client` is `instance/memberClass/memberCode[/subsystemCode]`: three or four
    /// non-empty parts, each percent-encoded on its own.
    /// ## Why it matters
    /// The Security Server splits the value on `/` and refuses any other shape.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-client-two-parts.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub ClientHeaderValid { id: "XRD-REST-004" }
}

impl Check for ClientHeaderValid {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        for c in all(h, "X-Road-Client") {
            let parts: Vec<&str> = c.value.split('/').collect();
            if !(3..=4).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
                emit.at(
                    loc(c),
                    format!(
                        "X-Road-Client `{}` is not instance/memberClass/memberCode[/subsystemCode]",
                        c.value
                    ),
                );
            } else if parts.iter().any(|p| super::common::decode(p).is_none()) {
                emit.at(
                    loc(c),
                    "X-Road-Client has a part that is not valid percent-encoded UTF-8",
                );
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// A request carries at most one `X-Road-Client` header.
    /// ## Why it matters
    /// The client MUST NOT send several; the Security Server then silently uses the last one,
    /// which may not be the intended client.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-client-twice.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub ClientHeaderSingle { id: "XRD-REST-005" }
}

impl Check for ClientHeaderSingle {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        let found = all(h, "X-Road-Client");
        if let Some(second) = found.get(1) {
            emit.at(
                loc(second),
                format!("X-Road-Client appears {} times", found.len()),
            );
        }
    }
}
