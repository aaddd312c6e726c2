//! Who a person is on the command line: the identity flags a member and a candidate share
//! (names, gender, birth date, ethnicity, education, occupation, citizen id, Youth Union), and how
//! they fill either message and its update mask. Owns no command; `members` and `candidates`
//! flatten it into theirs.

use clap::Args;
use partyregistry_proto::membership::v1 as pb;

use crate::parse::{parse_date, parse_education, parse_gender};

/// Who a person is: the fields a member and a candidate share.
#[derive(Debug, Clone, Default, Args)]
pub struct IdentityArgs {
    /// Họ và tên đầy đủ, ví dụ "Đặng Hoàng Long".
    #[arg(long)]
    pub full_name: Option<String>,
    /// Họ.
    #[arg(long)]
    pub family_name: Option<String>,
    /// Tên đệm.
    #[arg(long)]
    pub middle_name: Option<String>,
    /// Tên.
    #[arg(long)]
    pub given_name: Option<String>,
    /// Giới tính: nam / nữ (male / female).
    #[arg(long, value_parser = parse_gender)]
    pub gender: Option<pb::Gender>,
    /// Ngày sinh.
    #[arg(long, value_parser = parse_date)]
    pub birth_date: Option<String>,
    /// Dân tộc: tên (Mường, Khơ-me …) hoặc mã 2 chữ số theo danh mục QĐ 121-TCTK/PPCĐ năm 1979
    /// (01 Kinh, 02 Tày, 04 Hoa, 06 Mường, 08 Mông, 09 Dao, …).
    #[arg(long)]
    pub ethnicity: Option<String>,
    /// Trình độ giáo dục phổ thông: primary, lower-secondary, upper-secondary.
    #[arg(long, value_parser = parse_education)]
    pub education: Option<pb::GeneralEducation>,
    /// Nghề nghiệp.
    #[arg(long)]
    pub occupation: Option<String>,
    /// Số căn cước công dân (12 chữ số).
    #[arg(long)]
    pub citizen_id: Option<String>,
    /// Là đoàn viên (true / false).
    #[arg(long)]
    pub youth_union: Option<bool>,
}

/// The fields of a member or a candidate that [`IdentityArgs`] fills; both messages name them
/// alike, so [`identity_target!`](crate::identity_target) builds it from either.
#[derive(Debug)]
pub struct IdentityTarget<'a> {
    /// `full_name`.
    pub full_name: &'a mut String,
    /// `family_name`.
    pub family_name: &'a mut String,
    /// `middle_name`.
    pub middle_name: &'a mut String,
    /// `given_name`.
    pub given_name: &'a mut String,
    /// `birth_date`.
    pub birth_date: &'a mut String,
    /// `ethnicity_code`.
    pub ethnicity_code: &'a mut String,
    /// `ethnicity_code_system`.
    pub ethnicity_code_system: &'a mut String,
    /// `occupation`.
    pub occupation: &'a mut String,
    /// `citizen_id`.
    pub citizen_id: &'a mut String,
    /// `gender`.
    pub gender: &'a mut i32,
    /// `general_education`.
    pub general_education: &'a mut i32,
    /// `youth_union`.
    pub youth_union: &'a mut bool,
}

/// The [`IdentityTarget`] of a `Member` or a `Candidate` value.
#[macro_export]
macro_rules! identity_target {
    ($message:expr) => {
        $crate::commands::identity::IdentityTarget {
            full_name: &mut $message.full_name,
            family_name: &mut $message.family_name,
            middle_name: &mut $message.middle_name,
            given_name: &mut $message.given_name,
            birth_date: &mut $message.birth_date,
            ethnicity_code: &mut $message.ethnicity_code,
            ethnicity_code_system: &mut $message.ethnicity_code_system,
            occupation: &mut $message.occupation,
            citizen_id: &mut $message.citizen_id,
            gender: &mut $message.gender,
            general_education: &mut $message.general_education,
            youth_union: &mut $message.youth_union,
        }
    };
}

impl IdentityArgs {
    /// Copies the fields given on the command line into `target` and returns their mask paths.
    pub fn apply(self, target: IdentityTarget<'_>) -> Vec<&'static str> {
        let mut paths = Vec::new();
        // A code typed here is one of the 1979 list's, the list the help names; a name needs
        // no list.
        if self.ethnicity.is_some() {
            *target.ethnicity_code_system =
                partyregistry_vocab::reference::ETHNICITY_CODE_SYSTEM_ID.to_owned();
        }
        for (field, value, path) in [
            (target.full_name, self.full_name, "full_name"),
            (target.family_name, self.family_name, "family_name"),
            (target.middle_name, self.middle_name, "middle_name"),
            (target.given_name, self.given_name, "given_name"),
            (target.birth_date, self.birth_date, "birth_date"),
            (target.ethnicity_code, self.ethnicity, "ethnicity_code"),
            (target.occupation, self.occupation, "occupation"),
            (target.citizen_id, self.citizen_id, "citizen_id"),
        ] {
            if let Some(value) = value {
                *field = value;
                paths.push(path);
            }
        }
        if let Some(value) = self.gender {
            *target.gender = value as i32;
            paths.push("gender");
        }
        if let Some(value) = self.education {
            *target.general_education = value as i32;
            paths.push("general_education");
        }
        if let Some(value) = self.youth_union {
            *target.youth_union = value;
            paths.push("youth_union");
        }
        paths
    }
}
