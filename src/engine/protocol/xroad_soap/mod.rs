//! Protocol rules of `xroad-soap` (X-Road Message Protocol v4.0), one file per rule.

pub(super) mod common;

mod body_has_one_wrapper;
mod body_not_rpc_encoded;
mod client_header_present;
mod client_identifier_valid;
mod content_type_has_charset;
mod envelope_is_soap11;
mod fault_has_xroad_headers;
mod fault_well_formed;
mod header_and_body_present;
mod header_consistency;
mod identifier_characters;
mod jwt_security_token_type;
mod list_clients;
pub(super) mod message_id_is_uuid;
mod message_id_present;
mod metaservices;
mod mtom_packaging;
mod multipart_is_related_soap_first;
mod no_duplicate_header_fields;
mod protocol_version_present;
mod protocol_version_value;
mod represented_party_code;
mod request_has_no_request_hash;
mod request_hash_matches_request;
mod request_hash_well_formed;
mod request_media_type;
mod request_method_post;
mod request_wrapper_matches_service_code;
mod response_copies_request_headers;
mod response_has_no_request_hash;
mod response_wrapper_name;
mod security_server_identifier_valid;
mod server_reading;
mod service_header_present;
mod service_identifier_valid;
mod soap_action_value;
mod soap_part_is_8bit;
mod user_id_country_prefix;
mod utf8_bom;
mod wsdl;

use super::ProtocolRule;

/// Every implemented rule of the standard, in the order of the catalogue.
pub fn rules() -> Vec<&'static dyn ProtocolRule> {
    let mut all: Vec<&'static dyn ProtocolRule> = vec![
        &envelope_is_soap11::EnvelopeIsSoap11,
        &client_header_present::ClientHeaderPresent,
        &client_identifier_valid::ClientIdentifierValid,
        &message_id_present::MessageIdPresent,
        &message_id_is_uuid::MessageIdIsUuid,
        &protocol_version_present::ProtocolVersionPresent,
        &protocol_version_value::ProtocolVersionValue,
        &service_header_present::ServiceHeaderPresent,
        &service_identifier_valid::ServiceIdentifierValid,
        &response_copies_request_headers::ResponseCopiesRequestHeaders,
        &request_has_no_request_hash::RequestHasNoRequestHash,
        &response_has_no_request_hash::ResponseHasNoRequestHash,
        &request_hash_matches_request::RequestHashMatchesRequest,
        &request_hash_well_formed::RequestHashWellFormed,
        &body_has_one_wrapper::BodyHasOneWrapper,
        &request_wrapper_matches_service_code::RequestWrapperMatchesServiceCode,
        &response_wrapper_name::ResponseWrapperName,
        &body_not_rpc_encoded::BodyNotRpcEncoded,
        &multipart_is_related_soap_first::MultipartIsRelatedSoapFirst,
        &soap_part_is_8bit::SoapPartIs8bit,
        &mtom_packaging::MtomPackaging,
        &fault_well_formed::FaultWellFormed,
        &fault_has_xroad_headers::FaultHasXroadHeaders,
        &content_type_has_charset::ContentTypeHasCharset,
        &utf8_bom::Utf8Bom,
        &identifier_characters::IdentifierCharacters,
        &request_method_post::RequestMethodPost,
        &request_media_type::RequestMediaType,
        &soap_action_value::SoapActionValue,
        &header_and_body_present::HeaderAndBodyPresent,
        &no_duplicate_header_fields::NoDuplicateHeaderFields,
        &user_id_country_prefix::UserIdCountryPrefix,
        &represented_party_code::RepresentedPartyCode,
        &security_server_identifier_valid::SecurityServerIdentifierValid,
        &jwt_security_token_type::JwtSecurityTokenType,
        &list_clients::ListClientsJson,
        &list_clients::ListClientsXml,
        &metaservices::ListRequestHeader,
        &metaservices::ListRequestBody,
        &metaservices::ListResponseServices,
        &metaservices::ListWithoutMetaservices,
        &metaservices::GetWsdlRequestHeader,
        &metaservices::GetWsdlNamesService,
        &metaservices::GetWsdlAttachment,
        &metaservices::GetWsdlAddressHidden,
    ];
    all.extend(wsdl::rules());
    all
}
