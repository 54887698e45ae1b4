use super::common::{name, trimmed};
use crate::declare_rule;
use crate::engine::protocol::soap::REPR;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// When present, `repr:representedParty` (namespace
    /// `http://x-road.eu/xsd/representation.xsd`) has an optional `partyClass` and a
    /// `partyCode`: the schema checks the structure; this rule adds that `partyCode` is not
    /// empty. Runtime variant: the Security Server checks neither presence nor value and
    /// rejects only a repeated `partyClass` or `partyCode`; schema findings are information.
    /// ## Why it matters
    /// PR-THIRDPARTY §2.2: the field names the party the client acts for; the provider uses the
    /// code to apply that party's rights, so an empty code is meaningless.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-representedparty-missing-partycode.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-with-extensions.xml`
    pub RepresentedPartyCode { id: "XRD-SOAPX-001" }
}

impl Check for RepresentedPartyCode {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(party) = soap.header_field(REPR, "representedParty") else {
            return;
        };
        if !ctx.strict() {
            // The Security Server reads partyClass and partyCode without checking presence
            // or value; it rejects only a repeated one (XRoadRepresentedPartyHeaderHandler).
            for local in ["partyClass", "partyCode"] {
                let all: Vec<_> = party
                    .children()
                    .filter(|c| {
                        c.tag_name().namespace() == Some(REPR) && c.tag_name().name() == local
                    })
                    .collect();
                if let Some(second) = all.get(1) {
                    emit.at(
                        soap.loc(*second),
                        format!("{}/repr:{local} occurs more than once; the Security Server rejects a repeated component", name(party)),
                    );
                }
            }
            return;
        }
        let code = party
            .children()
            .find(|c| c.tag_name().namespace() == Some(REPR) && c.tag_name().name() == "partyCode");
        if let Some(code) = code
            && trimmed(code).is_empty()
        {
            emit.at(
                soap.loc(code),
                format!(
                    "{}/repr:partyCode is empty: it must identify the represented party",
                    name(party)
                ),
            );
        }
    }
}
