use super::common::line_loc;
use crate::declare_rule;
use crate::document::http::StartLine;
use crate::engine::protocol::{Check, Emit, RuleContext};

declare_rule! {
    /// ## What it checks
    /// An HTTP request capture with a request line uses the method `POST`. A capture without
    /// a request line is not checked.
    /// ## Why it matters
    /// SOAP over HTTP is sent with POST; the client security server rejects other methods
    /// (`invalid_http_method`, `AbstractClientProxyHandler.isPostRequest`).
    /// ## Failing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-get.http`
    /// ## Passing example
    /// `test-vectors/xroad-soap/4.0.0/http-request-conformant.http`
    pub RequestMethodPost { id: "XRD-SOAP-027" }
}

impl Check for RequestMethodPost {
    fn check(&self, ctx: &RuleContext<'_>, emit: &mut Emit<'_>) {
        let Some(http) = ctx.input.http else { return };
        if let StartLine::Request { method, .. } = &http.start
            && method != "POST"
        {
            emit.at(line_loc(http.first_line), format!("the request is sent with the HTTP method {method}; X-Road SOAP requests must use POST"));
        }
    }
}
