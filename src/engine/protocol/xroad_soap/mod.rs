//! Protocol rules of `xroad-soap` (X-Road Message Protocol v4.0), one file per rule.

mod envelope_is_soap11;
mod response_copies_request_headers;

use super::ProtocolRule;

/// Every implemented rule of the standard.
pub fn rules() -> Vec<&'static dyn ProtocolRule> {
    vec![&envelope_is_soap11::EnvelopeIsSoap11, &response_copies_request_headers::ResponseCopiesRequestHeaders]
}
