//! Members: the person, the admission, party-age gaps and badges validated from the contract,
//! the member and its events shown in it, and the fields a masked update may change.

use partyregistry_kit::db::timestamp;
use partyregistry_kit::error::{ApiError, Violations};
use partyregistry_proto::membership::v1 as pb;
use partyregistry_vocab::date::{self, Date};
use partyregistry_vocab::names;

use crate::domain::{
    AdmissionDates, Assignment, BADGE_YEARS, BadgeAward, Discipline, DisciplineForm, Gender,
    GeneralEducation, Member, MemberEvent, PartyAgeGap, Person, PoliticalTheory, Qualification,
    VoteTally,
};
use crate::store::{EventRecord, MemberRecord};

use super::{
    enum_field, ethnicity_field, name_fields, optional_date, proto_enum, rederive_name_parts,
    required_date, text_field,
};

/// Validates the personal fields of a member from a request (field paths under `member.`).
pub fn person_from_proto(member: &pb::Member, v: &mut Violations) -> Option<Person> {
    let (full_name, parts) = name_fields(
        v,
        "member",
        [
            &member.full_name,
            &member.family_name,
            &member.middle_name,
            &member.given_name,
        ],
    );
    let gender = enum_field(
        v,
        "member.gender",
        member.gender,
        None,
        pb::Gender::as_str_name,
        Gender::from_name,
    );
    let birth_date = required_date(v, "member.birth_date", &member.birth_date);
    let ethnicity_code = ethnicity_field(
        v,
        "member",
        &member.ethnicity_code,
        &member.ethnicity_code_system,
    );
    let religion = text_field(v, "member.religion", &member.religion, 50, false);
    let home_town = text_field(v, "member.home_town", &member.home_town, 200, false);
    let citizen_id = member.citizen_id.trim();
    if !citizen_id.is_empty()
        && (citizen_id.len() != 12 || !citizen_id.bytes().all(|b| b.is_ascii_digit()))
    {
        v.add("member.citizen_id", "must be 12 digits");
    }
    let phone = member.phone.trim();
    if phone.chars().count() > 20
        || !phone
            .chars()
            .all(|c| c.is_ascii_digit() || c == ' ' || c == '+')
    {
        v.add(
            "member.phone",
            "must be at most 20 characters of digits, spaces and +",
        );
    }
    let address = text_field(v, "member.address", &member.address, 200, false);
    let general_education = enum_field(
        v,
        "member.general_education",
        member.general_education,
        None,
        pb::GeneralEducation::as_str_name,
        GeneralEducation::from_name,
    );
    let qualification = enum_field(
        v,
        "member.qualification",
        member.qualification,
        Some(Qualification::None),
        pb::Qualification::as_str_name,
        Qualification::from_name,
    );
    let political_theory = enum_field(
        v,
        "member.political_theory",
        member.political_theory,
        Some(PoliticalTheory::None),
        pb::PoliticalTheory::as_str_name,
        PoliticalTheory::from_name,
    );
    let occupation = text_field(v, "member.occupation", &member.occupation, 100, false);
    let card_number = text_field(v, "member.card_number", &member.card_number, 20, false);
    let assignment = enum_field(
        v,
        "member.assignment",
        member.assignment,
        Some(Assignment::Local),
        pb::Assignment::as_str_name,
        Assignment::from_name,
    );
    Some(Person {
        full_name,
        family_name: parts.family,
        middle_name: parts.middle,
        given_name: parts.given,
        gender: gender?,
        birth_date: birth_date?,
        ethnicity_code,
        religion,
        home_town,
        citizen_id: (!citizen_id.is_empty()).then(|| citizen_id.to_owned()),
        phone: phone.to_owned(),
        address,
        general_education: general_education?,
        qualification: qualification?,
        political_theory: political_theory?,
        occupation,
        youth_union: member.youth_union,
        card_number,
        assignment: assignment?,
    })
}

/// Validates the admission block of a member from a request.
pub fn admission_from_proto(
    admission: Option<&pb::Admission>,
    v: &mut Violations,
) -> Option<AdmissionDates> {
    admission_at("member.admission", admission, v)
}

/// Validates an admission block found at `field` in a request.
pub fn admission_at(
    field: &str,
    admission: Option<&pb::Admission>,
    v: &mut Violations,
) -> Option<AdmissionDates> {
    let Some(admission) = admission else {
        v.add(field, "is required");
        return None;
    };
    let decision_date = required_date(
        v,
        &format!("{field}.decision_date"),
        &admission.decision_date,
    );
    let decision_number = text_field(
        v,
        &format!("{field}.decision_number"),
        &admission.decision_number,
        50,
        false,
    );
    let ceremony_date = optional_date(
        v,
        &format!("{field}.ceremony_date"),
        &admission.ceremony_date,
    );
    let official_date = optional_date(
        v,
        &format!("{field}.official_date"),
        &admission.official_date,
    );
    let decision_received_date = optional_date(
        v,
        &format!("{field}.decision_received_date"),
        &admission.decision_received_date,
    );
    let field = "member.admission.previous_member";
    let previous_member = if admission.previous_member.is_empty() {
        None
    } else {
        v.check(
            field,
            names::parse_member(field, &admission.previous_member)
                .map_err(|e| ApiError::from(e).to_string()),
        )
    };
    Some(AdmissionDates {
        decision_date: decision_date?,
        decision_number,
        ceremony_date,
        official_date,
        readmission: admission.readmission,
        previous_member,
        // Output only: set from the earlier record on a re-admission.
        first_decision_date: None,
        decision_received_date,
    })
}

/// Validates a vote: eligible positive, present ≤ eligible, yes + no ≤ present.
pub fn vote_from_proto(
    vote: Option<&pb::VoteTally>,
    field: &str,
    v: &mut Violations,
) -> Option<VoteTally> {
    let vote = vote?;
    let tally = VoteTally {
        eligible: i64::from(vote.eligible),
        present: i64::from(vote.present),
        yes: i64::from(vote.yes),
        no: i64::from(vote.no),
    };
    if tally.eligible <= 0 {
        v.add(format!("{field}.eligible"), "must be positive");
    }
    if tally.present < 0 || tally.present > tally.eligible {
        v.add(format!("{field}.present"), "must be between 0 and eligible");
    }
    if tally.yes < 0 || tally.no < 0 || tally.yes + tally.no > tally.present {
        v.add(
            format!("{field}.yes"),
            "yes and no must not be negative and together at most present",
        );
    }
    Some(tally)
}

/// The proto of a stored member.
pub fn member_to_proto(record: &MemberRecord) -> pb::Member {
    let m = &record.member;
    let p = &m.person;
    pb::Member {
        name: names::member(m.id),
        full_name: p.full_name.clone(),
        family_name: p.family_name.clone(),
        middle_name: p.middle_name.clone(),
        given_name: p.given_name.clone(),
        gender: proto_enum(pb::Gender::from_str_name, p.gender.name()) as i32,
        birth_date: date::format(p.birth_date),
        ethnicity_code: p.ethnicity_code.clone(),
        religion: p.religion.clone(),
        home_town: p.home_town.clone(),
        citizen_id: p.citizen_id.clone().unwrap_or_default(),
        phone: p.phone.clone(),
        address: p.address.clone(),
        general_education: proto_enum(
            pb::GeneralEducation::from_str_name,
            p.general_education.name(),
        ) as i32,
        qualification: proto_enum(pb::Qualification::from_str_name, p.qualification.name()) as i32,
        political_theory: proto_enum(
            pb::PoliticalTheory::from_str_name,
            p.political_theory.name(),
        ) as i32,
        occupation: p.occupation.clone(),
        youth_union: p.youth_union,
        card_number: p.card_number.clone(),
        admission: Some(pb::Admission {
            decision_date: date::format(m.admission.decision_date),
            decision_number: m.admission.decision_number.clone(),
            ceremony_date: date::format_optional(m.admission.ceremony_date),
            official_date: date::format_optional(m.admission.official_date),
            readmission: m.admission.readmission,
            previous_member: m
                .admission
                .previous_member
                .map(names::member)
                .unwrap_or_default(),
            first_decision_date: date::format_optional(m.admission.first_decision_date),
            decision_received_date: date::format_optional(m.admission.decision_received_date),
        }),
        status: proto_enum(pb::MemberStatus::from_str_name, m.status.name()) as i32,
        cell: names::cell(&m.commune_code, &m.cell_id),
        cell_since: date::format(m.cell_since),
        assignment: proto_enum(pb::Assignment::from_str_name, p.assignment.name()) as i32,
        temporarily_away: m.temporarily_away,
        away_until: date::format_optional(m.away_until),
        joined_date: date::format_optional(m.joined_date),
        left_date: date::format_optional(m.left_date),
        etag: record.version.to_string(),
        create_time: Some(timestamp(record.create_time_us)),
        update_time: Some(timestamp(record.update_time_us)),
        admitted_in_cell: m.admitted_in_cell.clone().unwrap_or_default(),
        party_age_gaps: m
            .party_age_gaps
            .iter()
            .map(|g| pb::PartyAgeGap {
                from_date: date::format(g.from_date),
                to_date: date::format(g.to_date),
                reason: g.reason.clone(),
            })
            .collect(),
        seriously_ill: m.seriously_ill,
        badges: m
            .badges
            .iter()
            .map(|b| pb::BadgeAward {
                years: b.years,
                award_date: date::format(b.award_date),
            })
            .collect(),
        disciplines: m.disciplines.iter().map(discipline_to_proto).collect(),
        ethnicity_code_system: partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID.to_owned(),
    }
}

/// The contract value of a discipline's form.
pub fn discipline_form_to_proto(form: DisciplineForm) -> pb::DisciplineForm {
    match form {
        DisciplineForm::Reprimand => pb::DisciplineForm::Reprimand,
        DisciplineForm::Warning => pb::DisciplineForm::Warning,
        DisciplineForm::Dismissal => pb::DisciplineForm::Dismissal,
    }
}

/// The form of a contract value; `None` for unspecified or unknown.
pub fn discipline_form_from_proto(value: i32) -> Option<DisciplineForm> {
    match pb::DisciplineForm::try_from(value).ok()? {
        pb::DisciplineForm::Unspecified => None,
        pb::DisciplineForm::Reprimand => Some(DisciplineForm::Reprimand),
        pb::DisciplineForm::Warning => Some(DisciplineForm::Warning),
        pb::DisciplineForm::Dismissal => Some(DisciplineForm::Dismissal),
    }
}

fn discipline_to_proto(d: &Discipline) -> pb::Discipline {
    pb::Discipline {
        form: discipline_form_to_proto(d.form).into(),
        discipline_date: date::format(d.decision_date),
        deciding_body: d.deciding_body.clone(),
        decision_number: d.decision_number.clone(),
    }
}

/// The party-age facts of a member from a request: gaps and badges, checked against the
/// member's admission decision (`decision_date`) and `today`.
pub fn party_age_from_proto(
    member: &pb::Member,
    decision_date: Date,
    today: Date,
    v: &mut Violations,
) -> (Vec<PartyAgeGap>, Vec<BadgeAward>) {
    let mut gaps: Vec<(usize, PartyAgeGap)> = Vec::new();
    for (i, gap) in member.party_age_gaps.iter().enumerate() {
        let field = format!("member.party_age_gaps[{i}]");
        let from = required_date(v, &format!("{field}.from_date"), &gap.from_date);
        let to = required_date(v, &format!("{field}.to_date"), &gap.to_date);
        let reason = text_field(v, &format!("{field}.reason"), &gap.reason, 200, false);
        let (Some(from_date), Some(to_date)) = (from, to) else {
            continue;
        };
        if to_date < from_date {
            v.add(format!("{field}.to_date"), "must not be before from_date");
            continue;
        }
        if from_date < decision_date {
            v.add(
                format!("{field}.from_date"),
                format!(
                    "is before the admission decision ({})",
                    date::format(decision_date)
                ),
            );
            continue;
        }
        if let Some((j, _)) = gaps
            .iter()
            .find(|(_, other)| other.from_date <= to_date && from_date <= other.to_date)
        {
            v.add(
                format!("{field}.from_date"),
                format!("overlaps member.party_age_gaps[{j}]"),
            );
            continue;
        }
        gaps.push((
            i,
            PartyAgeGap {
                from_date,
                to_date,
                reason,
            },
        ));
    }
    let mut badges: Vec<(usize, BadgeAward)> = Vec::new();
    for (i, badge) in member.badges.iter().enumerate() {
        let field = format!("member.badges[{i}]");
        let award = required_date(v, &format!("{field}.award_date"), &badge.award_date);
        if !BADGE_YEARS.contains(&badge.years) {
            v.add(
                format!("{field}.years"),
                "must be one of 30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90",
            );
            continue;
        }
        if let Some((j, _)) = badges.iter().find(|(_, other)| other.years == badge.years) {
            v.add(
                format!("{field}.years"),
                format!("is already member.badges[{j}]; a badge is handed once"),
            );
            continue;
        }
        let Some(award_date) = award else {
            continue;
        };
        if award_date > today {
            v.add(
                format!("{field}.award_date"),
                format!("{} is in the future", date::format(award_date)),
            );
            continue;
        }
        // The earliest a badge can be handed: the seriously ill get one up to 24 months early.
        let years = u32::try_from(badge.years).unwrap_or_default();
        let earliest = date::add_months(decision_date, years * 12 - 24);
        if award_date < earliest {
            v.add(
                format!("{field}.award_date"),
                format!(
                    "is before {} (the admission decision plus {} years, less 24 months)",
                    date::format(earliest),
                    badge.years
                ),
            );
            continue;
        }
        badges.push((
            i,
            BadgeAward {
                years: badge.years,
                award_date,
            },
        ));
    }
    (
        gaps.into_iter().map(|(_, g)| g).collect(),
        badges.into_iter().map(|(_, b)| b).collect(),
    )
}

/// The proto of a stored event.
pub fn event_to_proto(member_id: i64, record: &EventRecord) -> pb::MemberEvent {
    let e: &MemberEvent = &record.event;
    pb::MemberEvent {
        name: format!("{}/events/{}", names::member(member_id), record.position),
        r#type: proto_enum(pb::EventType::from_str_name, e.event_type.name()) as i32,
        effective_date: date::format(e.effective_date),
        decision_number: e.decision_number.clone(),
        deciding_body: e.deciding_body.clone(),
        from_organization: e.from_organization.clone(),
        to_organization: e.to_organization.clone(),
        reason: e.reason.clone(),
        vote: e.vote.map(|v| pb::VoteTally {
            eligible: v.eligible as i32,
            present: v.present as i32,
            yes: v.yes as i32,
            no: v.no as i32,
        }),
        rule_version: e.rule_version.clone(),
        create_time: Some(timestamp(record.create_time_us)),
        discipline_form: e
            .discipline_form
            .map_or(pb::DisciplineForm::Unspecified, discipline_form_to_proto)
            .into(),
    }
}

/// `current` with the personal fields of `merged` (its contract form after a masked update),
/// validated as on creation; the party-age gaps and badges are checked against its admission
/// and `today`, and the day the cell received the admission decision, when it changes, against
/// the member's status and dates.
pub fn updated_member_from_proto(
    merged: &pb::Member,
    current: &Member,
    today: Date,
) -> Result<Member, ApiError> {
    let mut violations = Violations::new();
    let person = person_from_proto(merged, &mut violations);
    let (party_age_gaps, badges) = party_age_from_proto(
        merged,
        current.admission.party_age_start(),
        today,
        &mut violations,
    );
    let field = format!("member.{DECISION_RECEIPT_PATH}");
    let received = optional_date(
        &mut violations,
        &field,
        merged
            .admission
            .as_ref()
            .map_or("", |a| a.decision_received_date.as_str()),
    );
    violations.finish()?;
    let person =
        person.ok_or_else(|| ApiError::Internal("validation passed without values".into()))?;
    let mut member = Member {
        person,
        party_age_gaps,
        seriously_ill: merged.seriously_ill,
        badges,
        ..current.clone()
    };
    crate::domain::set_decision_receipt(&mut member, &field, received, today)?;
    Ok(member)
}

/// The admission field UpdateMember takes when the mask names it, and only then: an update with
/// an empty mask, built without the admission, must not clear the day.
pub const DECISION_RECEIPT_PATH: &str = "admission.decision_received_date";

/// The paths of an UpdateMember mask: the personal fields (all of them when the mask is empty)
/// and, when named, [`DECISION_RECEIPT_PATH`].
pub fn member_mask_paths(
    mask: Option<&prost_types::FieldMask>,
) -> Result<Vec<&'static str>, ApiError> {
    let named = mask.is_some_and(|mask| !mask.paths.is_empty());
    let allowed: Vec<&'static str> = MEMBER_UPDATABLE
        .iter()
        .copied()
        .chain(named.then_some(DECISION_RECEIPT_PATH))
        .collect();
    super::mask_paths(mask, &allowed)
}

updatable_fields! {
    /// Updatable member fields: the personal ones and the party-age facts.
    MEMBER_UPDATABLE, merge_member_fields: pb::Member {
        full_name: clone,
        family_name: clone,
        middle_name: clone,
        given_name: clone,
        gender: copy,
        birth_date: clone,
        ethnicity_code: clone,
        religion: clone,
        home_town: clone,
        citizen_id: clone,
        phone: clone,
        address: clone,
        general_education: copy,
        qualification: copy,
        political_theory: copy,
        occupation: clone,
        youth_union: copy,
        card_number: clone,
        assignment: copy,
        party_age_gaps: clone,
        seriously_ill: copy,
        badges: clone,
    }
}

/// Copies the masked personal fields of `update` onto `current`. When the full name changes but
/// its parts are not given, the parts are derived again from it.
pub fn merge_member(current: &mut pb::Member, update: &pb::Member, paths: &[&str]) {
    merge_member_fields(current, update, paths);
    if paths.contains(&DECISION_RECEIPT_PATH) {
        let received = update
            .admission
            .as_ref()
            .map(|a| a.decision_received_date.clone())
            .unwrap_or_default();
        current
            .admission
            .get_or_insert_default()
            .decision_received_date = received;
    }
    // A code goes with the list it is in.
    if paths.contains(&"ethnicity_code") {
        current
            .ethnicity_code_system
            .clone_from(&update.ethnicity_code_system);
    }
    rederive_name_parts(
        paths,
        [
            &mut current.family_name,
            &mut current.middle_name,
            &mut current.given_name,
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::convert::{BareEthnicityCodes, CELL_UPDATABLE, mask_paths};

    fn valid_member() -> pb::Member {
        pb::Member {
            full_name: "Hoa\u{300}ng Văn Bút".into(),
            gender: pb::Gender::Male as i32,
            birth_date: "1970-02-03".into(),
            ethnicity_code: "02".into(),
            ethnicity_code_system: "121-TCTK".into(),
            general_education: pb::GeneralEducation::UpperSecondary as i32,
            ..Default::default()
        }
    }

    /// The code a member's ethnicity is stored as, or the fields refused.
    fn ethnicity(code: &str, system: &str) -> Result<String, Vec<String>> {
        let member = pb::Member {
            ethnicity_code: code.into(),
            ethnicity_code_system: system.into(),
            ..valid_member()
        };
        let mut v = Violations::new();
        let person = person_from_proto(&member, &mut v);
        match v.finish() {
            Ok(()) => Ok(person.expect("valid").ethnicity_code),
            Err(ApiError::InvalidArgument(violations)) => {
                Err(violations.into_iter().map(|x| x.field).collect())
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_ethnic_group_comes_by_name_or_as_a_code_with_its_list() {
        // A bare code is never taken silently: 04 is Hoa in the 1979 list, another group in
        // other lists.
        let bare = Err(vec!["member.ethnicity_code".to_owned()]);
        assert_eq!(ethnicity("04", ""), bare);
        assert_eq!(ethnicity("06", " "), bare);
        assert_eq!(ethnicity("04", "121-TCTK"), Ok("04".into()));
        assert_eq!(ethnicity("6", "QĐ 121-TCTK/PPCĐ"), Ok("06".into()));
        assert_eq!(
            ethnicity("04", "QĐ 1019/QĐ-TCTK"),
            Err(vec!["member.ethnicity_code_system".to_owned()])
        );
        assert_eq!(
            ethnicity("55", "121-TCTK"),
            Err(vec!["member.ethnicity_code".to_owned()])
        );
        // By name, whatever the list field says.
        assert_eq!(ethnicity("Mường", ""), Ok("06".into()));
        assert_eq!(ethnicity("Khmer", ""), Ok("05".into()));
        assert_eq!(ethnicity("Hoa", "other"), Ok("04".into()));
        assert_eq!(
            ethnicity("Người sao Hỏa", ""),
            Err(vec!["member.ethnicity_code".to_owned()])
        );

        // The server's setting names the 1979 list for a bare code only.
        let qualified = |bare: BareEthnicityCodes, code: &str| {
            let mut system = String::new();
            bare.qualify(code, &mut system);
            system
        };
        assert_eq!(qualified(BareEthnicityCodes::In1979List, "04"), "121-TCTK");
        assert_eq!(qualified(BareEthnicityCodes::In1979List, "Hoa"), "");
        assert_eq!(qualified(BareEthnicityCodes::Refused, "04"), "");
        let mut stated = "QĐ 1019/QĐ-TCTK".to_owned();
        BareEthnicityCodes::In1979List.qualify("04", &mut stated);
        assert_eq!(stated, "QĐ 1019/QĐ-TCTK", "a stated list is kept");
    }

    #[test]
    fn person_is_normalised_and_split() {
        let mut v = Violations::new();
        let person = person_from_proto(&valid_member(), &mut v).expect("valid");
        v.finish().expect("no violations");
        assert_eq!(person.full_name, "Hoàng Văn Bút");
        assert_eq!(
            (person.family_name.as_str(), person.given_name.as_str()),
            ("Hoàng", "Bút")
        );
        assert_eq!(person.assignment, Assignment::Local);
    }

    #[test]
    fn every_bad_person_field_is_named() {
        let member = pb::Member {
            full_name: " ".into(),
            birth_date: "1970-02-30".into(),
            ethnicity_code: "77".into(),
            citizen_id: "12345".into(),
            home_town: "x".repeat(201),
            ..Default::default()
        };
        let mut v = Violations::new();
        person_from_proto(&member, &mut v);
        let Err(ApiError::InvalidArgument(violations)) = v.finish() else {
            panic!("expected violations")
        };
        let fields: Vec<_> = violations.iter().map(|x| x.field.as_str()).collect();
        for expected in [
            "member.full_name",
            "member.gender",
            "member.birth_date",
            "member.ethnicity_code",
            "member.home_town",
            "member.citizen_id",
            "member.general_education",
        ] {
            assert!(
                fields.contains(&expected),
                "{expected} missing from {fields:?}"
            );
        }
    }

    #[test]
    fn vote_with_more_yes_than_present_is_rejected() {
        let mut v = Violations::new();
        vote_from_proto(
            Some(&pb::VoteTally {
                eligible: 9,
                present: 5,
                yes: 6,
                no: 0,
            }),
            "cell_vote",
            &mut v,
        );
        assert!(v.finish().is_err());
    }

    #[test]
    fn unknown_mask_path_is_rejected() {
        let mask = prost_types::FieldMask {
            paths: vec!["status".into()],
        };
        assert!(mask_paths(Some(&mask), MEMBER_UPDATABLE).is_err());
        assert_eq!(
            mask_paths(None, CELL_UPDATABLE).map(|p| p.len()).ok(),
            Some(4)
        );
    }

    #[test]
    fn the_day_of_receipt_is_updated_only_when_named() {
        let every = member_mask_paths(None).expect("empty mask");
        assert!(!every.contains(&DECISION_RECEIPT_PATH));
        let named = prost_types::FieldMask {
            paths: vec![DECISION_RECEIPT_PATH.into(), "phone".into()],
        };
        assert_eq!(
            member_mask_paths(Some(&named)).expect("named"),
            [DECISION_RECEIPT_PATH, "phone"]
        );
        let other = prost_types::FieldMask {
            paths: vec!["admission.ceremony_date".into()],
        };
        assert!(member_mask_paths(Some(&other)).is_err());

        let mut current = valid_member();
        current.admission = Some(pb::Admission {
            decision_date: "2025-03-03".into(),
            ..Default::default()
        });
        let update = pb::Member {
            admission: Some(pb::Admission {
                decision_received_date: "2025-03-20".into(),
                ..Default::default()
            }),
            ..Default::default()
        };
        merge_member(&mut current, &update, &["phone"]);
        assert_eq!(
            current
                .admission
                .as_ref()
                .map(|a| a.decision_received_date.as_str()),
            Some("")
        );
        merge_member(&mut current, &update, &[DECISION_RECEIPT_PATH]);
        let admission = current.admission.expect("admission");
        assert_eq!(
            (
                admission.decision_date.as_str(),
                admission.decision_received_date.as_str()
            ),
            ("2025-03-03", "2025-03-20"),
            "only the named field is taken"
        );
    }

    #[test]
    fn renaming_without_parts_derives_them_again() {
        let mut current = valid_member();
        current.family_name = "Hoàng".into();
        current.given_name = "Bút".into();
        let update = pb::Member {
            full_name: "Hoàng Văn Bình".into(),
            ..Default::default()
        };
        merge_member(&mut current, &update, &["full_name"]);
        let mut v = Violations::new();
        let person = person_from_proto(&current, &mut v).expect("valid");
        assert_eq!(person.given_name, "Bình");
    }
}
