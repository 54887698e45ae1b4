use super::common::{ID_COMPONENTS, name, shown, text, trimmed};
use crate::declare_rule;
use crate::engine::protocol::soap::IDENT;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The text, as written, of every identifier component (`iden:xRoadInstance`,
    /// `memberClass`, `memberCode`, `subsystemCode`, `groupCode`, `serviceCode`,
    /// `serviceVersion`, `serverCode`) inside `xrd:client`, `xrd:service` and
    /// `xrd:securityServer`: only `A-Z a-z 0-9 ' ( ) + , - . = ?` (PR-MESS §2.7). Empty values
    /// are left to XRD-SOAP-003, XRD-SOAP-009 and XRD-SOAPX-002; representedParty codes are
    /// not X-Road identifiers and are not checked. The runtime variant reports the findings as
    /// information: the Security Server 7.8 only logs a warning
    /// (`MessageProcessorBase.checkIdentifier`, whose result its callers ignore).
    /// ## Why it matters
    /// PR-MESS §2.7: identifiers are used in URLs, file names and the `TYPE:a/b/c` string form;
    /// other characters break them.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-membercode-space.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-identifier-symbols.xml`
    pub IdentifierCharacters { id: "XRD-SOAP-026" }
}

fn strict_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || "'()+,-.=?".contains(c)
}

impl Check for IdentifierCharacters {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        for field in ["client", "service", "securityServer"]
            .into_iter()
            .filter_map(|f| soap.xroad(f))
        {
            let components = field.children().filter(|c| {
                c.is_element()
                    && c.tag_name().namespace() == Some(IDENT)
                    && ID_COMPONENTS.contains(&c.tag_name().name())
            });
            for c in components {
                if trimmed(c).is_empty() {
                    continue;
                }
                let value = text(c);
                let mut bad: Vec<char> = value.chars().filter(|&ch| !strict_ok(ch)).collect();
                bad.dedup();
                if bad.is_empty() {
                    continue;
                }
                let mut listed: Vec<String> = Vec::new();
                for ch in bad {
                    let s = format!("{ch:?} (U+{:04X})", u32::from(ch));
                    if !listed.contains(&s) {
                        listed.push(s);
                    }
                }
                emit.at(
                    soap.loc(c),
                    format!(
                        "{}/{} {} contains {}; identifiers may contain only A-Z a-z 0-9 ' ( ) + , - . = ?",
                        name(field),
                        name(c),
                        shown(&value),
                        listed.join(", ")
                    ),
                );
            }
        }
    }
}
