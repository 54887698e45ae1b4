use super::common::{ID_COMPONENTS, name, shown, text, trimmed};
use crate::declare_rule;
use crate::engine::protocol::soap::IDENT;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// The text, as written, of every identifier component (`iden:xRoadInstance`,
    /// `memberClass`, `memberCode`, `subsystemCode`, `groupCode`, `serviceCode`,
    /// `serviceVersion`, `serverCode`) inside `xrd:client`, `xrd:service` and
    /// `xrd:securityServer`. Strict variant: only `A-Z a-z 0-9 ' ( ) + , - . = ?`. Runtime
    /// variant: no ISO control characters (U+0000-U+001F, U+007F-U+009F), `%`, `:`, `;`, `/`,
    /// `\`, U+200B or U+FEFF (as the Security Server's proxy checks). Empty values are left to
    /// XRD-SOAP-003, XRD-SOAP-009 and XRD-SOAPX-002; representedParty codes are not X-Road
    /// identifiers and are not checked.
    /// ## Why it matters
    /// PR-MESS §2.7: identifiers are used in URLs, file names and the `TYPE:a/b/c` string form;
    /// other characters break them. The Security Server rejects the runtime set outright.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-membercode-space.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-identifier-symbols.xml`
    pub IdentifierCharacters { id: "XRD-SOAP-026" }
}

fn strict_ok(c: char) -> bool {
    c.is_ascii_alphanumeric() || "'()+,-.=?".contains(c)
}

fn runtime_ok(c: char) -> bool {
    !(c.is_control() || "%:;/\\".contains(c) || c == '\u{200B}' || c == '\u{FEFF}')
}

impl Check for IdentifierCharacters {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let strict = ctx.strict();
        let allowed = if strict { strict_ok } else { runtime_ok };
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
                let mut bad: Vec<char> = value.chars().filter(|&ch| !allowed(ch)).collect();
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
                let rule = if strict {
                    "identifiers may contain only A-Z a-z 0-9 ' ( ) + , - . = ?"
                } else {
                    "the Security Server rejects control characters, % : ; / \\, U+200B and U+FEFF in identifiers"
                };
                emit.at(
                    soap.loc(c),
                    format!(
                        "{}/{} {} contains {}; {rule}",
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
