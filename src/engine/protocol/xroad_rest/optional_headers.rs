use super::common::{all, http, loc, target};
use crate::declare_rule;
use crate::engine::protocol::xroad_soap::message_id_is_uuid::is_uuid;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// A request does not carry `X-Road-Request-Hash`.
    /// ## Why it matters
    /// The hash is computed by the provider's Security Server; a client-supplied one is
    /// ignored and suggests a misunderstanding of the protocol.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-with-request-hash.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub RequestHasNoRequestHash { id: "XRD-REST-012" }
}

impl Check for RequestHasNoRequestHash {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        if target(h).is_none() {
            return;
        }
        if let Some(x) = all(h, "X-Road-Request-Hash").first() {
            emit.at(loc(x), "the request carries X-Road-Request-Hash, which only the provider's Security Server sets");
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// `X-Road-Security-Server`, when present, is `instance/memberClass/memberCode/serverCode`
    /// (four non-empty parts).
    /// ## Why it matters
    /// The Security Server refuses other shapes of the targeting extension.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-security-server-three-parts.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub SecurityServerHeader { id: "XRD-REST-020" }
}

impl Check for SecurityServerHeader {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        for x in all(h, "X-Road-Security-Server") {
            let parts: Vec<&str> = x.value.split('/').collect();
            if parts.len() != 4 || parts.iter().any(|p| p.is_empty()) {
                emit.at(
                    loc(x),
                    format!("X-Road-Security-Server `{}` is not instance/memberClass/memberCode/serverCode", x.value),
                );
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// `X-Road-Represented-Party`, when present, is `[partyClass/]partyCode`: one or two
    /// non-empty parts, with no leading `/` when the class is omitted. The runtime variant
    /// rejects only more than two parts, as the Security Server does
    /// (`RestRequest.decodeRepresentedParty`; `/CODE` gives an empty partyClass there).
    /// ## Why it matters
    /// The third-party representation extension defines exactly this syntax.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-represented-party-leading-slash.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub RepresentedPartyHeader { id: "XRD-REST-021" }
}

impl Check for RepresentedPartyHeader {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        for x in all(h, "X-Road-Represented-Party") {
            let parts: Vec<&str> = x.value.split('/').collect();
            // The Security Server rejects only more than two parts
            // (RestRequest.decodeRepresentedParty); strict also requires non-empty parts.
            let bad = if ctx.strict() {
                !(1..=2).contains(&parts.len()) || parts.iter().any(|p| p.is_empty())
            } else {
                parts.len() > 2
            };
            if bad {
                emit.at(
                    loc(x),
                    format!(
                        "X-Road-Represented-Party `{}` is not [partyClass/]partyCode",
                        x.value
                    ),
                );
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// `X-Road-Id`, when present, is a UUID (8-4-4-4-12 hexadecimal digits).
    /// ## Why it matters
    /// The specification recommends UUIDs so that message ids are unique across clients.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-id-not-uuid.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub MessageIdIsUuid { id: "XRD-REST-022" }
}

impl Check for MessageIdIsUuid {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        for x in all(h, "X-Road-Id") {
            if !is_uuid(x.value.trim()) {
                emit.at(loc(x), format!("X-Road-Id `{}` is not a UUID", x.value));
            }
        }
    }
}

declare_rule! {
    /// ## What it checks
    /// `X-Road-UserId`, when present in a request, starts with an upper-case two-letter ISO
    /// 3166-1 country code followed by at least one more character (e.g. `EE12345678901`).
    /// ## Why it matters
    /// The specification asks for the prefix so that user ids are unique across countries.
    /// ## Failing example
    /// `test-vectors/xroad-rest/1.0.4/request-userid-no-prefix.http`
    /// ## Passing example
    /// `test-vectors/xroad-rest/1.0.4/request-conformant.http`
    pub UserIdCountryPrefix { id: "XRD-REST-024" }
}

impl Check for UserIdCountryPrefix {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(h) = http(ctx) else { return };
        if target(h).is_none() {
            return;
        }
        for x in all(h, "X-Road-UserId") {
            let v = x.value.as_bytes();
            if v.len() < 3 || !v[0].is_ascii_uppercase() || !v[1].is_ascii_uppercase() {
                emit.at(
                    loc(x),
                    format!("X-Road-UserId `{}` has no ISO country prefix", x.value),
                );
            }
        }
    }
}
