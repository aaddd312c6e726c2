//! The method table against the service descriptors, the audit migration against the kit's
//! table, and the clearing of personal fields.

use partyregistry_proto::membership::v1 as pb;
use prost::Message;

use super::*;

#[test]
fn every_served_method_has_a_rule() {
    let set = prost_types::FileDescriptorSet::decode(partyregistry_proto::FILE_DESCRIPTOR_SET)
        .expect("the compiled descriptor set decodes");
    let served = [
        "partyregistry.membership.v1.MembershipService",
        "partyregistry.membership.v1.AdmissionService",
        "partyregistry.membership.v1.ReferenceService",
        "partyregistry.audit.v1.AuditService",
    ];
    let mut seen = 0;
    for file in &set.file {
        for service in &file.service {
            let full = format!("{}.{}", file.package(), service.name());
            if !served.contains(&full.as_str()) {
                continue;
            }
            seen += 1;
            for method in &service.method {
                let name = format!("/{full}/{}", method.name());
                assert!(rule_of(&name).is_some(), "{name} has no authorisation rule");
            }
        }
    }
    assert_eq!(
        seen,
        served.len(),
        "every served service is in the descriptors"
    );
    // And nothing in the table that is not served.
    for (name, _) in METHODS {
        let (service, method) = name
            .trim_start_matches('/')
            .split_once('/')
            .expect("full method names have a slash");
        let exists = set.file.iter().any(|file| {
            file.service.iter().any(|s| {
                format!("{}.{}", file.package(), s.name()) == service
                    && s.method.iter().any(|m| m.name() == method)
            })
        });
        assert!(exists, "{name} is not a method of the descriptors");
    }
}

#[test]
fn the_audit_migration_is_the_kit_table() {
    assert_eq!(
        include_str!("../../migrations/0004_audit.sql"),
        partyregistry_kit::audit::AUDIT_TABLE_SQL
    );
    assert_eq!(
        include_str!("../../migrations/0013_audit_chain.sql"),
        partyregistry_kit::audit::AUDIT_CHAIN_SQL
    );
}

#[test]
fn personal_fields_are_cleared() {
    let mut member = pb::Member {
        name: "members/1".into(),
        full_name: "Nguyễn Văn A".into(),
        citizen_id: "001099000001".into(),
        birth_date: "1990-01-01".into(),
        phone: "0900000000".into(),
        address: "Hà Nội".into(),
        ..Default::default()
    };
    member.redact();
    assert_eq!(
        (
            member.citizen_id.as_str(),
            member.birth_date.as_str(),
            member.phone.as_str(),
            member.address.as_str(),
            member.full_name.as_str()
        ),
        ("", "", "", "", "Nguyễn Văn A")
    );
    let mut candidate = pb::Candidate {
        citizen_id: "001099000002".into(),
        birth_date: "1999-01-01".into(),
        ..Default::default()
    };
    candidate.redact();
    assert!(candidate.citizen_id.is_empty() && candidate.birth_date.is_empty());
}
