//! XRD-WSDL rules: checks of a WSDL 1.1 service description (PR-MESS §3), one file per rule,
//! on the `wsdl` profile (a document whose root is `wsdl:definitions`).

mod attachments_swaref_or_mtom;
mod document_literal;
mod input_wrapper_name;
mod input_wrapper_sequence;
mod no_request_hash;
mod one_part_per_message;
mod output_wrapper_name;
mod part_names_element;
mod service_version;
mod soap_body_attributes;
pub(super) mod view;

use crate::engine::protocol::ProtocolRule;

/// The WSDL rules, in catalogue order.
pub fn rules() -> Vec<&'static dyn ProtocolRule> {
    vec![
        &document_literal::DocumentLiteral,
        &one_part_per_message::OnePartPerMessage,
        &part_names_element::PartNamesElement,
        &input_wrapper_sequence::InputWrapperSequence,
        &input_wrapper_name::InputWrapperName,
        &output_wrapper_name::OutputWrapperName,
        &soap_body_attributes::SoapBodyAttributes,
        &no_request_hash::NoRequestHash,
        &service_version::ServiceVersion,
        &attachments_swaref_or_mtom::AttachmentsSwarefOrMtom,
    ]
}
