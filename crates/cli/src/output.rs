//! What the CLI prints: aligned tables and label–value blocks for people, canonical protobuf JSON
//! for scripts, and the Vietnamese labels of enum values. Reports are printed as their documents
//! by `partyregistry_export::terminal`, whose grid the tables here share.
//!
//! Widths are counted in characters of the NFC form, never in bytes: "Nguyễn" is six columns wide
//! although it takes nine bytes in UTF-8, and text typed in NFD would otherwise count its
//! combining marks as columns.

use std::sync::OnceLock;

use partyregistry_export::terminal;
use partyregistry_rules::eligibility::BlockerCode;
use partyregistry_vocab::text;
use prost_reflect::{DescriptorPool, DynamicMessage, SerializeOptions};

use crate::error::CliError;

pub use partyregistry_export::terminal::width;

/// A table of text cells with a heading row, rendered with columns padded to the widest cell.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headings: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headings.
    pub fn new<S: Into<String>>(headings: impl IntoIterator<Item = S>) -> Self {
        Self {
            headings: headings.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    /// Appends a row; missing cells are blank and extra cells are dropped, so a row can never
    /// break the layout.
    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        let mut row: Vec<String> = cells
            .into_iter()
            .map(|c| text::normalize(&c.into()))
            .collect();
        row.resize(self.headings.len(), String::new());
        self.rows.push(row);
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the table has no data rows.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The table as text: heading, a rule, then the rows; two spaces between columns and no
    /// trailing spaces (the terminal writer's grid, which reports print through too).
    pub fn render(&self) -> String {
        terminal::grid(&self.headings, &self.rows)
    }
}

/// A block of "label: value" lines with the values aligned, for one resource.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    lines: Vec<(String, String)>,
}

impl Fields {
    /// An empty block.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a line; an empty value is shown as a dash so that "not set" is visible.
    pub fn add(&mut self, label: impl Into<String>, value: impl Into<String>) -> &mut Self {
        let value = value.into();
        let value = if value.is_empty() {
            "—".to_owned()
        } else {
            text::normalize(&value)
        };
        self.lines.push((label.into(), value));
        self
    }

    /// The block as text.
    pub fn render(&self) -> String {
        let label_width = self
            .lines
            .iter()
            .map(|(label, _)| width(label))
            .max()
            .unwrap_or(0);
        let mut out = String::new();
        for (label, value) in &self.lines {
            out.push_str(label);
            out.push(':');
            out.extend(std::iter::repeat_n(' ', label_width - width(label) + 1));
            out.push_str(value);
            out.push('\n');
        }
        out
    }
}

/// A generated message with its fully qualified protobuf name, so that it can be printed as JSON
/// through the descriptor pool (the generated code does not carry its own name).
pub trait ProtoMessage: prost::Message {
    /// For example `partyregistry.membership.v1.Member`.
    const FULL_NAME: &'static str;
}

macro_rules! proto_names {
    ($($module:ident :: $message:ident),* $(,)?) => {
        $(
            impl ProtoMessage for partyregistry_proto::$module::v1::$message {
                const FULL_NAME: &'static str =
                    concat!("partyregistry.", stringify!($module), ".v1.", stringify!($message));
            }
        )*
    };
}

proto_names!(
    membership::Commune,
    membership::Cell,
    membership::Member,
    membership::ListCommunesResponse,
    membership::ListCellsResponse,
    membership::ListMembersResponse,
    membership::ListMemberEventsResponse,
    membership::WatchChangesResponse,
    membership::Candidate,
    membership::ListCandidatesResponse,
    membership::Eligibility,
    membership::RuleVersion,
    membership::ListRuleVersionsResponse,
    membership::Holiday,
    membership::ListHolidaysResponse,
    membership::Target,
    membership::ListTargetsResponse,
    membership::CellPlan,
    membership::ListCellPlansResponse,
    membership::CellRating,
    membership::ListCellRatingsResponse,
    membership::MemberRating,
    membership::Province,
    membership::ListProvincesResponse,
    membership::UnitMerge,
    membership::ListMergesResponse,
    membership::ReferenceList,
    reporting::CommuneReport,
    reporting::AdmissionsReport,
    reporting::Freshness,
    reporting::AdmissionProgress,
    reporting::Pipeline,
    reporting::CellRatingSummary,
    reporting::CellHealth,
    reporting::ListDeadlinesResponse,
    reporting::MonthlyBriefing,
    reporting::Statistics,
    reporting::Movements,
    reporting::ListBadgesDueResponse,
    reporting::RankCommunesResponse,
    audit::ListAuditEntriesResponse,
    audit::VerifyAuditTrailResponse,
);

/// The descriptor pool of every contract, decoded once.
fn pool() -> Result<&'static DescriptorPool, CliError> {
    static POOL: OnceLock<Result<DescriptorPool, String>> = OnceLock::new();
    POOL.get_or_init(|| {
        DescriptorPool::decode(partyregistry_proto::FILE_DESCRIPTOR_SET).map_err(|e| e.to_string())
    })
    .as_ref()
    .map_err(|cause| CliError::Other(format!("bộ mô tả protobuf hỏng: {cause}")))
}

/// `message` as canonical protobuf JSON (lowerCamelCase names, enum names, 64-bit integers as
/// strings, default values left out), pretty-printed.
pub fn to_json<M: ProtoMessage>(message: &M) -> Result<String, CliError> {
    let descriptor = pool()?
        .get_message_by_name(M::FULL_NAME)
        .ok_or_else(|| CliError::Other(format!("không có kiểu {} trong bộ mô tả", M::FULL_NAME)))?;
    let dynamic = DynamicMessage::decode(descriptor, message.encode_to_vec().as_slice())
        .map_err(|e| CliError::Other(format!("không giải mã được {}: {e}", M::FULL_NAME)))?;
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::pretty(&mut out);
    dynamic
        .serialize_with_options(&mut serializer, &SerializeOptions::new())
        .map_err(|e| CliError::Other(format!("không ghi được JSON: {e}")))?;
    String::from_utf8(out).map_err(|e| CliError::Other(format!("JSON không phải UTF-8: {e}")))
}

/// Prints `message` as JSON on one or more lines.
pub fn print_json<M: ProtoMessage>(message: &M) -> Result<(), CliError> {
    println!("{}", to_json(message)?);
    Ok(())
}

pub use partyregistry_vocab::reference::label;

/// The Vietnamese label of a blocker code (`LIVES_AWAY` → "Đi làm ăn xa"), from the rules; a code
/// this build does not know is shown as it is.
pub fn blocker_label(code: &str) -> String {
    BlockerCode::from_code(code).map_or_else(|| code.to_owned(), |known| known.label().to_owned())
}

/// The Vietnamese label of an enum value given by its number, through [`label`].
pub fn enum_label<T: TryFrom<i32>>(number: i32, name: impl Fn(T) -> &'static str) -> String {
    label(&crate::client::enum_name(number, name)).to_owned()
}

/// Name of an ethnic group by its code ("09" → "Dao"), or the code itself when unknown.
pub fn ethnicity(code: &str) -> String {
    match partyregistry_vocab::reference::ethnic_group(code) {
        Some(name) => name.to_owned(),
        None => code.to_owned(),
    }
}

/// A timestamp as `YYYY-MM-DD HH:MM:SS +07:00`, Vietnam's time with its zone; empty when absent.
pub fn timestamp(value: Option<&prost_types::Timestamp>) -> String {
    value
        .and_then(|value| {
            partyregistry_vocab::date::format_vietnam_time(
                value.seconds,
                u32::try_from(value.nanos).unwrap_or(0),
            )
        })
        .unwrap_or_default()
}

/// "Có" / "Không".
pub fn yes_no(value: bool) -> &'static str {
    if value { "Có" } else { "Không" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use partyregistry_proto::membership::v1::{Cell, CellKind, Member, MemberStatus};

    #[test]
    fn table_aligns_vietnamese_by_characters() {
        let mut table = Table::new(["Họ và tên", "Chi bộ"]);
        table.row(["Đặng Hoàng Long", "Tượng 1"]);
        table.row(["Lý A", "Trường Mầm non"]);
        let rendered = table.render();
        let lines: Vec<&str> = rendered.lines().collect();
        assert_eq!(lines.len(), 4);
        // The second column starts at the same character position on every line.
        let column =
            |line: &str, needle: &str| line.find(needle).map(|bytes| line[..bytes].chars().count());
        assert_eq!(column(lines[0], "Chi bộ"), Some(17));
        assert_eq!(column(lines[2], "Tượng 1"), Some(17));
        assert_eq!(column(lines[3], "Trường"), Some(17));
        // The rule runs under each column and the space after all but the last one.
        assert_eq!(lines[1].chars().filter(|c| *c == '─').count(), 15 + 1 + 14);
    }

    #[test]
    fn table_counts_decomposed_text_as_composed() {
        let decomposed = "Nguye\u{302}\u{303}n";
        assert_eq!(width(decomposed), 6);
        assert_eq!(width("Nguyễn"), 6);
        let mut table = Table::new(["Tên", "X"]);
        table.row([decomposed, "1"]);
        let rendered = table.render();
        assert!(
            rendered
                .lines()
                .nth(2)
                .is_some_and(|line| line == "Nguyễn  1"),
            "{rendered}"
        );
    }

    #[test]
    fn table_pads_short_rows_and_drops_extra_cells() {
        let mut table = Table::new(["A", "B"]);
        table.row(["1"]);
        table.row(["1", "2", "3"]);
        assert_eq!(table.len(), 2);
        assert!(!table.render().contains('3'));
    }

    #[test]
    fn fields_align_values() {
        let mut fields = Fields::new();
        fields
            .add("Họ và tên", "Lò Thị Mai")
            .add("Giới tính", "Nữ")
            .add("Số CCCD", "");
        let rendered = fields.render();
        assert!(rendered.contains("Họ và tên: Lò Thị Mai\n"));
        assert!(rendered.contains("Số CCCD:   —\n"));
    }

    #[test]
    fn json_is_canonical_protobuf_json() {
        let member = Member {
            name: "members/17".into(),
            full_name: "Đặng Hoàng Long".into(),
            status: MemberStatus::Official as i32,
            cell: "communes/02680/cells/tuong-1".into(),
            ..Member::default()
        };
        let json = to_json(&member).expect("the pool knows Member");
        let value: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
        assert_eq!(value["fullName"], "Đặng Hoàng Long");
        assert_eq!(value["status"], "MEMBER_STATUS_OFFICIAL");
        // Default values are left out.
        assert!(value.get("citizenId").is_none());

        let cell = Cell {
            kind: CellKind::School as i32,
            ..Cell::default()
        };
        let value: serde_json::Value =
            serde_json::from_str(&to_json(&cell).expect("the pool knows Cell"))
                .expect("valid JSON");
        assert_eq!(value["kind"], "CELL_KIND_SCHOOL");
    }

    #[test]
    fn json_prints_timestamps_in_rfc3339() {
        let commune = partyregistry_proto::membership::v1::Commune {
            code: "02680".into(),
            create_time: Some(prost_types::Timestamp {
                seconds: 1_656_547_200,
                nanos: 0,
            }),
            ..Default::default()
        };
        let value: serde_json::Value =
            serde_json::from_str(&to_json(&commune).expect("encodes")).expect("valid JSON");
        assert_eq!(value["createTime"], "2022-06-30T00:00:00Z");
    }

    #[test]
    fn labels_cover_events_and_defer_to_the_kit() {
        assert_eq!(label("EVENT_TYPE_CEREMONY_HELD"), "Lễ kết nạp");
        assert_eq!(label("CELL_KIND_SCHOOL"), "Nhà trường");
        assert_eq!(label("SOMETHING_NEW"), "SOMETHING_NEW");
        assert_eq!(ethnicity("09"), "Dao");
    }

    #[test]
    fn blocker_codes_have_vietnamese_labels() {
        assert_eq!(blocker_label("LIVES_AWAY"), "Đi làm ăn xa");
        assert_eq!(
            blocker_label("EDUCATION_BELOW_MINIMUM"),
            "Chưa đủ trình độ học vấn"
        );
        assert_eq!(blocker_label("NEW_RULE"), "NEW_RULE");
        for code in BlockerCode::ALL {
            assert_ne!(blocker_label(code.code()), code.code());
        }
    }

    #[test]
    fn timestamps_show_vietnam_time() {
        let value = prost_types::Timestamp {
            seconds: 1_656_547_200,
            nanos: 0,
        };
        assert_eq!(timestamp(Some(&value)), "2022-06-30 07:00:00 +07:00");
        assert_eq!(timestamp(None), "");
    }
}
