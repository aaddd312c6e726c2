//! What stands between a candidate and admission on a date, rule by rule, under the regulation
//! version in force that day. A blocker is a rule the facts already break; a step not yet taken
//! (no vote yet, verification under way) is not a blocker.

use chrono::{Datelike, Months, NaiveDate};

use crate::{Education, RuleVersion};

/// The stable blocker codes of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BlockerCode {
    /// Younger than the minimum age, in months.
    AgeUnderMinimum,
    /// Older than the maximum age without provincial consent.
    AgeOverMaximum,
    /// General education below the minimum for the area.
    EducationBelowMinimum,
    /// No awareness-class certificate (or one dated after the day assessed).
    CertificateMissing,
    /// The certificate is older than its validity.
    CertificateExpired,
    /// Fewer introducers than required.
    IntroducersMissing,
    /// An introducer does not qualify.
    IntroducerNotQualified,
    /// The cell's vote did not reach the required fraction.
    VoteBelowThreshold,
    /// The dossier papers are too old and must be redone.
    PapersExpired,
    /// A demobilised soldier without the unit's referral letter who has not taken the awareness
    /// class again locally.
    MilitaryReferralMissing,
    /// Lives or works away from the commune, and the Party organisation where they live or work
    /// has not yet given its written comment on them.
    LivesAway,
    /// The background verification failed.
    BackgroundCheckFailed,
    /// An applicant of youth age, where a Youth Union organisation exists, who is not a Youth
    /// Union member or is not introduced by its committee.
    YouthUnionIntroductionMissing,
    /// The cell has already voted the regulation's number of times without the required
    /// fraction: the case goes to the committee above, not to another vote of the cell.
    CellVotesExhausted,
}

impl BlockerCode {
    /// Every code, in the contract's order.
    pub const ALL: [Self; 14] = [
        Self::AgeUnderMinimum,
        Self::AgeOverMaximum,
        Self::EducationBelowMinimum,
        Self::CertificateMissing,
        Self::CertificateExpired,
        Self::IntroducersMissing,
        Self::IntroducerNotQualified,
        Self::VoteBelowThreshold,
        Self::PapersExpired,
        Self::MilitaryReferralMissing,
        Self::LivesAway,
        Self::BackgroundCheckFailed,
        Self::YouthUnionIntroductionMissing,
        Self::CellVotesExhausted,
    ];

    /// The code the contract spells `code`, if it is one.
    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|known| known.code() == code)
    }

    /// The code as the contract spells it.
    pub fn code(self) -> &'static str {
        match self {
            Self::AgeUnderMinimum => "AGE_UNDER_MINIMUM",
            Self::AgeOverMaximum => "AGE_OVER_MAXIMUM",
            Self::EducationBelowMinimum => "EDUCATION_BELOW_MINIMUM",
            Self::CertificateMissing => "CERTIFICATE_MISSING",
            Self::CertificateExpired => "CERTIFICATE_EXPIRED",
            Self::IntroducersMissing => "INTRODUCERS_MISSING",
            Self::IntroducerNotQualified => "INTRODUCER_NOT_QUALIFIED",
            Self::VoteBelowThreshold => "VOTE_BELOW_THRESHOLD",
            Self::PapersExpired => "PAPERS_EXPIRED",
            Self::MilitaryReferralMissing => "MILITARY_REFERRAL_MISSING",
            Self::LivesAway => "LIVES_AWAY",
            Self::BackgroundCheckFailed => "BACKGROUND_CHECK_FAILED",
            Self::YouthUnionIntroductionMissing => "YOUTH_UNION_INTRODUCTION_MISSING",
            Self::CellVotesExhausted => "CELL_VOTES_EXHAUSTED",
        }
    }

    /// A short Vietnamese label, for report headings.
    pub fn label(self) -> &'static str {
        match self {
            Self::AgeUnderMinimum => "Chưa đủ tuổi",
            Self::AgeOverMaximum => "Quá tuổi",
            Self::EducationBelowMinimum => "Chưa đủ trình độ học vấn",
            Self::CertificateMissing => "Chưa học lớp nhận thức về Đảng",
            Self::CertificateExpired => "Giấy chứng nhận hết hạn",
            Self::IntroducersMissing => "Thiếu người giới thiệu",
            Self::IntroducerNotQualified => "Người giới thiệu không đủ điều kiện",
            Self::VoteBelowThreshold => "Biểu quyết chưa đạt 2/3",
            Self::PapersExpired => "Hồ sơ quá 12 tháng",
            Self::MilitaryReferralMissing => "Thiếu giấy giới thiệu của đơn vị quân đội",
            Self::LivesAway => "Đi làm ăn xa",
            Self::BackgroundCheckFailed => "Thẩm tra lý lịch không đạt",
            Self::YouthUnionIntroductionMissing => "Thiếu giới thiệu của Ban Chấp hành Đoàn",
            Self::CellVotesExhausted => "Chi bộ đã biểu quyết 3 lần không đạt",
        }
    }
}

/// One blocker with its explanation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    /// The stable code.
    pub code: BlockerCode,
    /// Vietnamese explanation with the regulation's numbers.
    pub message: String,
    /// The candidate field concerned (`introducers[1]` for one introducer).
    pub field: String,
}

/// An introducer as the caller knows them on the day assessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntroducerFacts {
    /// The Youth Union committee rather than a member.
    pub youth_union_committee: bool,
    /// A member who is official (not probationary, not departed) on the day assessed.
    pub official_member: bool,
    /// Months they have worked with the candidate.
    pub months_worked_together: i64,
}

/// An exception to the admission rules recorded for a candidate, with who decided it and when
/// (the record lives with the candidate; the rules only need which ones stand on the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExceptionKind {
    /// Admission over the maximum age with the written consent of the standing committee of the
    /// provincial Party committee. Hướng dẫn 01-HD/TW (2021), 1.1: "Chỉ xem xét kết nạp vào Đảng
    /// những người trên 60 tuổi khi ... được ban thường vụ cấp uỷ trực thuộc Trung ương đồng ý
    /// bằng văn bản trước khi cấp uỷ có thẩm quyền ra quyết định kết nạp".
    OverAgeConsent,
    /// A village elder, head of a hamlet or respected person who is literate only, admitted with
    /// the provincial standing committee's consent (Hướng dẫn 01-HD/TW (2021), 1.2): the
    /// education minimum becomes [`crate::RuleVersion::min_education_village_elder`].
    VillageElderLiteracy,
    /// The person's village carries an area flag (mountainous, border, island, ethnic-minority,
    /// extremely difficult) although the commune does not: the flagged-area minimum applies.
    /// Hướng dẫn 01-HD/TW (2021), 1.2: "Người vào Đảng đang sinh sống ở miền núi, biên giới,
    /// hải đảo, vùng đồng bào dân tộc thiểu số và vùng có điều kiện kinh tế - xã hội đặc biệt khó
    /// khăn ..." — the area is where the person lives, not the commune's label.
    EducationByVillage,
    /// The person's own situation (a fisherman working regularly at sea and on islands, or one
    /// living in a flagged area outside the commune's flags): the flagged-area minimum applies.
    EducationByPersonalSituation,
}

impl ExceptionKind {
    /// Every kind, in the contract's order.
    pub const ALL: [Self; 4] = [
        Self::OverAgeConsent,
        Self::VillageElderLiteracy,
        Self::EducationByVillage,
        Self::EducationByPersonalSituation,
    ];

    /// A short Vietnamese label, for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::OverAgeConsent => "Tỉnh ủy đồng ý kết nạp người trên 60 tuổi",
            Self::VillageElderLiteracy => {
                "già làng, trưởng bản, người có uy tín biết đọc, biết viết"
            }
            Self::EducationByVillage => "thôn, bản thuộc vùng khó khăn",
            Self::EducationByPersonalSituation => {
                "hoàn cảnh riêng (sinh sống, làm việc ở vùng khó khăn)"
            }
        }
    }
}

/// A vote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Vote {
    /// Entitled to vote.
    pub eligible: i64,
    /// In favour.
    pub yes: i64,
}

/// Everything the eligibility rules look at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidateFacts {
    /// Birth date.
    pub birth_date: NaiveDate,
    /// Highest completed general education.
    pub education: Education,
    /// Whether the commune carries an area flag on the day assessed.
    pub flagged_area: bool,
    /// Date of the awareness-class certificate.
    pub certificate_date: Option<NaiveDate>,
    /// The introducers.
    pub introducers: Vec<IntroducerFacts>,
    /// A Youth Union member (the committee may then introduce).
    pub youth_union: bool,
    /// A demobilised soldier.
    pub demobilised_soldier: bool,
    /// The unit's referral letter is on file.
    pub has_military_referral: bool,
    /// A demobilised soldier took the awareness class again locally: the certificate is the
    /// local one, and the unit's referral letter is not needed.
    pub class_retaken_locally: bool,
    /// Lives or works away.
    pub lives_away: bool,
    /// Day the Party organisation where a candidate living or working away lives or works gave
    /// its written comment on them.
    pub away_comment_date: Option<NaiveDate>,
    /// Date the dossier papers were completed.
    pub papers_date: Option<NaiveDate>,
    /// The cell's vote, if taken.
    pub cell_vote: Option<Vote>,
    /// The background verification failed.
    pub background_check_failed: bool,
    /// The exceptions decided by the day asked about (a consent must come before the decision).
    pub exceptions: Vec<ExceptionKind>,
    /// A Youth Union organisation exists where the candidate lives or works, so an applicant of
    /// youth age must be introduced by its committee.
    pub youth_union_organisation: bool,
    /// Unsuccessful votes of the cell recorded on or before the day judged.
    pub failed_cell_votes: u32,
}

impl CandidateFacts {
    fn has(&self, kind: ExceptionKind) -> bool {
        self.exceptions.contains(&kind)
    }
}

fn whole_months(from: NaiveDate, to: NaiveDate) -> i64 {
    let mut months =
        i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
    let anniversary = from.checked_add_months(Months::new(months.max(0) as u32));
    if months > 0 && anniversary.is_some_and(|a| a > to) {
        months -= 1;
    }
    months
}

fn older_than(date: NaiveDate, months: u32, on: NaiveDate) -> bool {
    date.checked_add_months(Months::new(months))
        .is_some_and(|limit| on > limit)
}

fn blocker(code: BlockerCode, field: impl Into<String>, message: String) -> Blocker {
    Blocker {
        code,
        message,
        field: field.into(),
    }
}

fn years_months(months: i64) -> String {
    format!(
        "{} tuổi {} tháng",
        months.div_euclid(12),
        months.rem_euclid(12)
    )
}

/// The day the eligibility rules are applied for an assessment asked on `asked`: the day the
/// cell voted, once it has voted by then, else `asked` itself (the earliest day the cell could
/// still vote). Age, certificate, papers, introducers and the area flags are all judged on that
/// day, whatever day the committee decides or a report is run: Hướng dẫn 01-HD/TW (2021), 3.1,
/// counts the applicant's age in months "tính đến thời điểm chi bộ họp xét kết nạp" (to the day
/// the cell meets to consider the admission), and domain.md §3 applies the same day to the
/// certificate, the papers and the introducers.
pub fn judgement_day(cell_vote_date: Option<NaiveDate>, asked: NaiveDate) -> NaiveDate {
    cell_vote_date
        .filter(|vote| *vote <= asked)
        .unwrap_or(asked)
}

/// Every blocker of `facts` on `on` under `rules`, in the order of the contract's codes.
pub fn blockers(facts: &CandidateFacts, on: NaiveDate, rules: &RuleVersion) -> Vec<Blocker> {
    use BlockerCode::*;
    let mut found = Vec::new();
    let rule = &rules.code;

    let age = whole_months(facts.birth_date, on);
    if age < rules.min_age_months {
        let message = format!(
            "{} — chưa đủ {} ({rule})",
            years_months(age),
            years_months(rules.min_age_months)
        );
        found.push(blocker(AgeUnderMinimum, "birth_date", message));
    } else if age > rules.max_age_months && !facts.has(ExceptionKind::OverAgeConsent) {
        let message = format!(
            "{} — quá {} ({rule}); cần Tỉnh ủy đồng ý",
            years_months(age),
            years_months(rules.max_age_months)
        );
        found.push(blocker(AgeOverMaximum, "birth_date", message));
    }

    let flagged = facts.flagged_area
        || facts.has(ExceptionKind::EducationByVillage)
        || facts.has(ExceptionKind::EducationByPersonalSituation);
    let mut required = if flagged {
        rules.min_education_flagged_area
    } else {
        rules.min_education
    };
    if facts.has(ExceptionKind::VillageElderLiteracy) {
        required = required.min(rules.min_education_village_elder);
    }
    if facts.education < required {
        let message = format!(
            "Trình độ {} — cần tối thiểu {} ({rule})",
            facts.education.label(),
            required.label()
        );
        found.push(blocker(EducationBelowMinimum, "general_education", message));
    }

    match facts.certificate_date.filter(|date| *date <= on) {
        None => found.push(blocker(
            CertificateMissing,
            "certificate",
            "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng".into(),
        )),
        Some(date) if older_than(date, rules.certificate_valid_months, on) => found.push(blocker(
            CertificateExpired,
            "certificate.issue_date",
            format!(
                "Giấy chứng nhận cấp ngày {date} đã quá {} tháng ({rule})",
                rules.certificate_valid_months
            ),
        )),
        Some(_) => {}
    }

    for (i, introducer) in facts.introducers.iter().enumerate() {
        let problem = if introducer.youth_union_committee {
            (!facts.youth_union).then(|| "Ban Chấp hành Đoàn chỉ giới thiệu đoàn viên".to_owned())
        } else if !introducer.official_member {
            Some("Người giới thiệu phải là đảng viên chính thức".to_owned())
        } else if introducer.months_worked_together < rules.introducer_min_months {
            Some(format!(
                "Người giới thiệu mới công tác cùng {} tháng, cần ít nhất {} tháng ({rule})",
                introducer.months_worked_together, rules.introducer_min_months
            ))
        } else {
            None
        };
        if let Some(message) = problem {
            found.push(blocker(
                IntroducerNotQualified,
                format!("introducers[{i}]"),
                message,
            ));
        }
    }
    let committees = facts
        .introducers
        .iter()
        .filter(|i| i.youth_union_committee)
        .count();
    if facts.introducers.len() < rules.introducers_required || committees > 1 {
        let message = format!(
            "Có {} người giới thiệu, cần {} (đoàn viên: Ban Chấp hành Đoàn và một đảng viên chính thức) ({rule})",
            facts.introducers.len(),
            rules.introducers_required
        );
        found.push(blocker(IntroducersMissing, "introducers", message));
    }

    // Điều lệ Đảng (2011), Điều 4, and domain.md §3: "Youth-age applicants where a Youth Union
    // organisation exists must be Youth Union members introduced by its committee plus one
    // official member".
    if facts.youth_union_organisation && age <= rules.youth_age_max_months {
        let introduced = facts.introducers.iter().any(|i| i.youth_union_committee);
        let problem = if !facts.youth_union {
            Some(("youth_union", "chưa là đoàn viên"))
        } else if !introduced && !facts.introducers.is_empty() {
            // With nobody named yet, INTRODUCERS_MISSING already says who must introduce.
            Some((
                "introducers",
                "chưa được Ban Chấp hành Đoàn cơ sở giới thiệu",
            ))
        } else {
            None
        };
        if let Some((field, what)) = problem {
            let message = format!(
                "Người vào Đảng trong độ tuổi thanh niên ({}) {what}: phải là đoàn viên, được Ban Chấp hành Đoàn cơ sở và một đảng viên chính thức giới thiệu ({rule})",
                years_months(age)
            );
            found.push(blocker(YouthUnionIntroductionMissing, field, message));
        }
    }

    if facts.failed_cell_votes >= rules.failed_cell_votes_limit {
        let message = format!(
            "Chi bộ đã biểu quyết {} lần không đạt {}/{}; hồ sơ báo cáo cấp ủy cấp trên xem xét, quyết định ({rule})",
            facts.failed_cell_votes, rules.vote_numerator, rules.vote_denominator
        );
        found.push(blocker(CellVotesExhausted, "failed_cell_votes", message));
    }

    if let Some(vote) = facts.cell_vote
        && !rules.vote_passes(vote.yes, vote.eligible)
    {
        let message = format!(
            "Chi bộ biểu quyết {} / {} tán thành, chưa đạt {}/{} ({rule})",
            vote.yes, vote.eligible, rules.vote_numerator, rules.vote_denominator
        );
        found.push(blocker(VoteBelowThreshold, "cell_vote", message));
    }

    if let Some(date) = facts
        .papers_date
        .filter(|date| older_than(*date, rules.papers_valid_months, on))
    {
        let message = format!(
            "Hồ sơ hoàn thành ngày {date} đã quá {} tháng, phải làm lại ({rule})",
            rules.papers_valid_months
        );
        found.push(blocker(PapersExpired, "papers_date", message));
    }

    // Hướng dẫn 01-HD/TW (2021) and 06-HD/TW (2025) on admitting demobilised soldiers, as read
    // here (an assumption, not a quotation): the unit's referral letter carries the awareness
    // class taken in the army over to the commune; a soldier who took the class again at the
    // commune's political centre holds a local certificate, and the referral is then not needed.
    if facts.demobilised_soldier && !facts.has_military_referral && !facts.class_retaken_locally {
        found.push(blocker(
            MilitaryReferralMissing,
            "has_military_referral",
            "Quân nhân xuất ngũ chưa có giấy giới thiệu của đơn vị quân đội và chưa học lại lớp bồi dưỡng nhận thức về Đảng ở địa phương".into(),
        ));
    }
    // Hướng dẫn 01-HD/TW (2021) and 06-HD/TW (2025), as read here (an assumption, not a
    // quotation): a person who lives or works away from the commune may be admitted once the
    // Party organisation (cell or committee) where they live or work has given its written
    // comment on them; without that comment, dated by the day judged, the cell cannot vouch for
    // them.
    if facts.lives_away
        && facts
            .away_comment_date
            .is_none_or(|commented| commented > on)
    {
        found.push(blocker(
            LivesAway,
            "lives_away",
            "Đang đi làm ăn, sinh sống xa địa phương, chưa có nhận xét bằng văn bản của tổ chức đảng nơi cư trú hoặc nơi làm việc".into(),
        ));
    }
    if facts.background_check_failed {
        found.push(blocker(
            BackgroundCheckFailed,
            "background_check",
            "Thẩm tra lý lịch không đạt".into(),
        ));
    }
    found.sort_by_key(|b| b.code);
    found
}

#[cfg(test)]
mod tests;
