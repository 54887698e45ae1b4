use super::common::{shown, trimmed};
use crate::declare_rule;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// When a request carries `xrd:userId`, its trimmed value starts with an upper-case,
    /// officially assigned ISO 3166-1 alpha-2 country code (e.g. `EE`) followed by at least
    /// one more character.
    /// ## Why it matters
    /// PR-MESS Table 1: the user id should be prefixed with the country code of the issuing
    /// country (`EE12345678901`), so that personal codes of different countries cannot be
    /// confused in logs and audits.
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/request-userid-no-country-prefix.xml`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/request-conformant.xml`
    pub UserIdCountryPrefix { id: "XRD-SOAP-032" }
}

/// The officially assigned ISO 3166-1 alpha-2 codes.
const ISO_3166: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ \
BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ \
CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ \
DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR \
GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY \
HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP \
KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY \
MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ \
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA \
RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ \
TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ \
VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

fn is_country(code: &str) -> bool {
    ISO_3166.split(' ').any(|c| c == code)
}

impl Check for UserIdCountryPrefix {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(soap) = &ctx.soap else { return };
        let Some(node) = soap.xroad("userId") else {
            return;
        };
        let value = trimmed(node);
        let prefix: String = value.chars().take(2).collect();
        let ok = prefix.len() == 2 && is_country(&prefix) && value.chars().count() > 2;
        if !ok {
            let why = if is_country(&prefix) {
                format!("nothing follows the country code {prefix}")
            } else if is_country(&prefix.to_uppercase()) {
                format!(
                    "the country code must be upper-case ({})",
                    prefix.to_uppercase()
                )
            } else {
                format!(
                    "{} is not an ISO 3166-1 alpha-2 country code",
                    shown(&prefix)
                )
            };
            emit.at(
                soap.loc(node),
                format!("xrd:userId {} should start with an ISO 3166-1 alpha-2 country code followed by the user's code, e.g. EE12345678901: {why}", shown(&value)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_list_has_every_assigned_code() {
        let codes: Vec<&str> = super::ISO_3166.split(' ').collect();
        assert_eq!(codes.len(), 249);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
        assert!(codes.windows(2).all(|w| w[0] < w[1]));
    }
}
