//! The figures of the reference dataset: the counts of the 2022 newspaper article about Hợp Thành
//! and those of Tả Phời and the 2025 merge, written by hand. They are the independent oracle the
//! end-to-end tests compare the reports with, so nothing here is computed from the generated
//! people; the generator's own tests check that the people reproduce them.

/// The day the article's figures describe.
pub const REFERENCE_AS_OF: &str = "2022-06-30";
/// The commune's statistics-office code.
pub const COMMUNE_CODE: &str = "02680";
/// The commune's resource name.
pub const COMMUNE: &str = "communes/02680";
/// The commune's display name.
pub const COMMUNE_DISPLAY_NAME: &str = "Xã Hợp Thành";
/// Lào Cai's province code before the 2025 merge.
pub const PROVINCE_CODE: &str = "10";
/// First day of the commune's validity as recorded here.
pub const COMMUNE_VALID_FROM: &str = "2008-01-01";
/// The body that decides admissions.
pub const DECIDING_BODY: &str = "Đảng ủy xã Hợp Thành";

/// Members on the roll on [`REFERENCE_AS_OF`]: every admission of the commune had its ceremony by
/// then, so none is awaiting it.
pub const EXPECTED_MEMBERS: i64 = 172;
/// Of which official on [`REFERENCE_AS_OF`].
pub const EXPECTED_OFFICIAL: i64 = 166;
/// Of which probationary on [`REFERENCE_AS_OF`] (the 2022 admissions and the 2021 ones whose
/// ceremony was after 30 June 2021).
pub const EXPECTED_PROBATIONARY: i64 = 6;
/// Women among the members.
pub const EXPECTED_WOMEN: i64 = 57;
/// Cells of the commune.
pub const EXPECTED_CELLS: i64 = 16;
/// Residential-area (thôn) cells.
pub const RESIDENTIAL_CELLS: i64 = 12;
/// School cells.
pub const SCHOOL_CELLS: i64 = 3;
/// Commune police cells.
pub const POLICE_CELLS: i64 = 1;
/// Admissions decided by the commune in 2021.
pub const ADMISSIONS_2021: i64 = 6;
/// Admissions decided by the commune from 1 January to 30 June 2022.
pub const ADMISSIONS_2022: i64 = 2;
/// The cell of Tượng 1.
pub const TUONG_1_CELL: &str = "communes/02680/cells/tuong-1";
/// Members of Tượng 1.
pub const TUONG_1_MEMBERS: i64 = 9;
/// Local members of Tượng 1.
pub const TUONG_1_LOCAL: i64 = 4;
/// Commune officials seconded to Tượng 1.
pub const TUONG_1_SECONDED: i64 = 5;
/// Tượng 1 has admitted nobody from this year on.
pub const TUONG_1_NO_ADMISSION_SINCE: i32 = 2015;
/// The earliest admission year of the dataset.
pub const FIRST_ADMISSION_YEAR: i32 = 1965;

/// The commune's target for the 2020–2025 congress term.
pub const TARGET_NAME: &str = "communes/02680/targets/2020";
/// First year of the term.
pub const TARGET_FIRST_YEAR: i32 = 2020;
/// Last year of the term.
pub const TARGET_LAST_YEAR: i32 = 2025;
/// Admissions to reach every year of the term.
pub const TARGET_ADMISSIONS_PER_YEAR: i64 = 6;
/// Percentage of cells to be rated GOOD or better every year.
pub const TARGET_GOOD_CELLS_PERCENT: i64 = 80;

/// The year of the cell ratings of the dataset.
pub const RATING_YEAR: i32 = 2021;
/// Cells rated in 2021 (all 16).
pub const RATED_CELLS_2021: i64 = 16;
/// Cells rated EXCELLENT in 2021.
pub const EXCELLENT_CELLS_2021: i64 = 3;
/// Cells rated GOOD or better in 2021 (3 EXCELLENT + 10 GOOD): 81.25 %, above the 80 % target.
pub const GOOD_CELLS_2021: i64 = 13;
/// Cells rated COMPLETED in 2021.
pub const COMPLETED_CELLS_2021: i64 = 3;
/// Good-or-better cells the 80 % target needs out of 16: ceil(0.8 × 16).
pub const GOOD_CELLS_NEEDED_2021: i64 = 13;
/// Members rated for 2021 (a few long-standing official members; nobody exempt).
pub const MEMBER_RATINGS_2021: i64 = 5;

/// The year of the cell plans of the dataset.
pub const PLAN_YEAR: i32 = 2022;
/// Admissions planned by the cells for 2022: they add up to the target.
pub const PLANNED_ADMISSIONS_2022: i64 = 6;
/// Admission sources the cells planned to develop in 2022.
pub const PLANNED_SOURCES_2022: i64 = 15;

/// Admission sources recorded, all open on [`REFERENCE_AS_OF`].
pub const CANDIDATES: i64 = 8;
/// Open candidates on [`REFERENCE_AS_OF`].
pub const OPEN_CANDIDATES_2022: i64 = 8;
/// Open candidates with no blocker on [`REFERENCE_AS_OF`].
pub const ELIGIBLE_CANDIDATES_2022: i64 = 2;
/// Candidates who finished the awareness class in 2022 (certificate issued in 2022).
pub const CLASS_DONE_2022: i64 = 4;
/// Of which blocked by primary education only (EDUCATION_BELOW_MINIMUM).
pub const EDUCATION_BLOCKED_2022: i64 = 2;
/// Demobilised soldiers without the unit's referral (MILITARY_REFERRAL_MISSING).
pub const MILITARY_REFERRAL_MISSING_2022: i64 = 2;
/// Youth Union members living or working away (LIVES_AWAY).
pub const LIVES_AWAY_2022: i64 = 2;
/// Candidates without an awareness-class certificate (CERTIFICATE_MISSING): the second soldier
/// and the two Youth Union members away.
pub const CERTIFICATE_MISSING_2022: i64 = 3;
/// Candidates without their two introducers (INTRODUCERS_MISSING): the same three.
pub const INTRODUCERS_MISSING_2022: i64 = 3;
/// Still to admit in 2022 on [`REFERENCE_AS_OF`]: target minus admitted.
pub const REMAINING_2022: i64 = TARGET_ADMISSIONS_PER_YEAR - ADMISSIONS_2022;
/// The most 2022 can reach from the known pipeline: admitted plus eligible, below the target.
pub const BEST_CASE_2022: i64 = ADMISSIONS_2022 + ELIGIBLE_CANDIDATES_2022;
/// Open candidates of Tượng 1: none, the cell has no source.
pub const TUONG_1_CANDIDATES: i64 = 0;
/// The candidate whose cell approved the admission, so the committee's decision clock runs.
pub const CELL_APPROVED_CANDIDATE: &str = "Nông Văn Hưng";
/// The day that cell voted: the admission-decision deadline counts from it.
pub const CELL_APPROVED_DATE: &str = "2022-06-24";

/// Tả Phời's statistics-office code.
pub const TA_PHOI_CODE: &str = "02677";
/// Tả Phời's resource name.
pub const TA_PHOI: &str = "communes/02677";
/// Tả Phời's display name.
pub const TA_PHOI_DISPLAY_NAME: &str = "Xã Tả Phời";
/// First day of Tả Phời as recorded here.
pub const TA_PHOI_VALID_FROM: &str = "2008-01-01";
/// Last day of Tả Phời: the merge sets it.
pub const TA_PHOI_VALID_TO: &str = "2025-06-30";
/// Tả Phời's cells.
pub const TA_PHOI_CELLS: i64 = 4;
/// Tả Phời's members, all of them on the roll until the merge and transferred to Hợp Thành.
pub const TA_PHOI_MEMBERS: i64 = 40;
/// The first day of the merged Hợp Thành.
pub const MERGE_EFFECTIVE_DATE: &str = "2025-07-01";
/// The legal basis of the commune merge.
pub const MERGE_LEGAL_BASIS: &str = "Nghị quyết 1673/NQ-UBTVQH15";
/// The close date recorded on Tả Phời's cells: the day they were dissolved, the merge's first day,
/// so that they are open through the commune's last day.
pub const TA_PHOI_CELLS_CLOSE_DATE: &str = "2025-07-01";
/// The day Hợp Thành's cells for the villages of Tả Phời open.
pub const MERGED_CELLS_OPEN_DATE: &str = "2025-07-01";
/// Cells of Hợp Thành open on and after [`MERGE_EFFECTIVE_DATE`].
pub const CELLS_AFTER_MERGE: i64 = EXPECTED_CELLS + TA_PHOI_CELLS;
/// Members of Hợp Thành on [`MERGE_EFFECTIVE_DATE`] (the dataset records no departure).
pub const MEMBERS_AFTER_MERGE: i64 = EXPECTED_MEMBERS + TA_PHOI_MEMBERS;
/// Members of the former province 10 on [`REFERENCE_AS_OF`]: Hợp Thành and Tả Phời.
pub const PROVINCE_10_MEMBERS_2022: i64 = EXPECTED_MEMBERS + TA_PHOI_MEMBERS;
/// Hợp Thành members with a recorded party-age gap.
pub const MEMBERS_WITH_GAPS: i64 = 1;
/// Hợp Thành members recorded as seriously ill.
pub const SERIOUSLY_ILL_MEMBERS: i64 = 1;
/// Hợp Thành members with badges already handed.
pub const BADGE_HOLDERS: i64 = 3;
/// The award rounds as (month, day).
pub const AWARD_ROUNDS: [(u32, u32); 4] = [(2, 3), (5, 19), (9, 2), (11, 7)];
/// Badges are recorded as handed up to this round.
pub const BADGES_HANDED_UNTIL: &str = "2025-11-07";
/// The years of party age a badge marks.
pub const BADGE_YEARS: [i32; 12] = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90];
