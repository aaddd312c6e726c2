//! Sơ cấp and trung cấp are stored apart and read back as sent, on each backend; the merged
//! value of older records stays readable.

use super::*;

async fn elementary_and_intermediate_qualifications_are_kept_apart(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    commune_with_cell(membership).await;
    for (name, level) in [
        ("Lò Văn Sơ", pb::Qualification::Elementary),
        ("Lò Thị Trung", pb::Qualification::Intermediate),
        ("Lò Văn Cũ", pb::Qualification::Vocational),
    ] {
        let sent = pb::Member {
            full_name: name.into(),
            gender: pb::Gender::Male.into(),
            birth_date: "1985-06-02".into(),
            ethnicity_code: "02".into(),
            general_education: pb::GeneralEducation::UpperSecondary.into(),
            qualification: level.into(),
            admission: Some(pb::Admission {
                decision_date: "2010-03-01".into(),
                ceremony_date: "2010-03-20".into(),
                official_date: "2011-03-20".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        let recorded = record_member(membership, &sent).await;
        assert_eq!(recorded.qualification(), level, "{name}");
        let id = partyregistry_vocab::names::parse_member("name", &recorded.name).expect("id");
        let read = membership.member(id).await.expect("read back");
        assert_eq!(read.qualification(), level, "{name} read back");
    }
}

on_both_backends! {
    elementary_and_intermediate_qualifications_are_kept_apart =>
        sqlite_elementary_and_intermediate_qualifications_are_kept_apart,
        postgres_elementary_and_intermediate_qualifications_are_kept_apart;
}
