//! Protocol rules of `xroad-rest` (X-Road Message Protocol for REST, r1): checks of the HTTP
//! request line and headers of a capture, grouped by what they look at.

mod common;

mod client_header;
mod errors;
mod metaservices;
mod optional_headers;
mod response_headers;
mod url;

use super::ProtocolRule;

/// Every implemented rule of the standard, in the order of the catalogue.
pub fn rules() -> Vec<&'static dyn ProtocolRule> {
    vec![
        &url::PathHasProtocolVersion,
        &url::ServiceIdStructure,
        &client_header::ClientHeaderPresent,
        &client_header::ClientHeaderValid,
        &client_header::ClientHeaderSingle,
        &url::IdentifierCharacters,
        &response_headers::ResponseHasMessageId,
        &response_headers::ResponseRequestHash,
        &optional_headers::RequestHasNoRequestHash,
        &errors::ErrorContentType,
        &optional_headers::SecurityServerHeader,
        &optional_headers::RepresentedPartyHeader,
        &optional_headers::MessageIdIsUuid,
        &optional_headers::UserIdCountryPrefix,
        &errors::ErrorStatus,
        &errors::ErrorHeader,
        &errors::ErrorBody,
        &response_headers::ResponseXroadHeaders,
        &metaservices::ListWithoutMetaservices,
        &metaservices::GetOpenApiNamesService,
        &metaservices::OpenApiDescription,
        &metaservices::OpenApiVersion,
        &metaservices::ServiceListShape,
    ]
}
