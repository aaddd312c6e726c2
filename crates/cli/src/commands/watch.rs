//! `partyctl watch`: follows the membership service's change feed and prints each change on one
//! line (or one JSON document per message). Personal fields are never printed here: a feed is
//! often left scrolling on a screen.

use clap::Args;
use partyregistry_proto::membership::v1::change::Resource;
use partyregistry_proto::membership::v1::watch_changes_response::Event;
use partyregistry_proto::membership::v1::{
    CandidateStage, Change, MemberStatus, RatingLevel, WatchChangesRequest,
};

use super::Context;
use crate::client::{self, enum_name};
use crate::error::CliError;
use crate::output::{self, label};

/// `partyctl watch`.
#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Chỉ các thay đổi có số thứ tự lớn hơn số này.
    #[arg(long, default_value_t = 0)]
    pub after: i64,
    /// Dừng sau chừng này thay đổi.
    #[arg(long)]
    pub limit: Option<u64>,
    /// Dừng khi đã đọc hết lịch sử (lần báo nhịp đầu tiên) thay vì theo dõi tiếp.
    #[arg(long)]
    pub until_caught_up: bool,
}

/// Runs `watch` until the limit, the first heartbeat with `--until-caught-up`, the end of the
/// stream, or Ctrl-C.
pub async fn run(context: &Context, args: WatchArgs) -> Result<(), CliError> {
    let mut membership = client::membership(&context.membership, &context.security).await?;
    let mut stream = membership
        .watch_changes(WatchChangesRequest {
            after_sequence: args.after,
        })
        .await?
        .into_inner();
    let mut seen = 0u64;
    if args.limit == Some(0) {
        return Ok(());
    }
    while let Some(message) = stream.message().await? {
        if context.json {
            output::print_json(&message)?;
        }
        match message.event {
            Some(Event::Change(change)) => {
                if !context.json {
                    println!("{}", change_line(&change));
                }
                seen += 1;
                if args.limit.is_some_and(|limit| seen >= limit) {
                    break;
                }
            }
            Some(Event::Heartbeat(heartbeat)) => {
                if !context.json {
                    println!(
                        "… đã cập nhật đến #{} ({})",
                        heartbeat.head_sequence,
                        output::timestamp(heartbeat.time.as_ref())
                    );
                }
                if args.until_caught_up {
                    break;
                }
            }
            None => {}
        }
    }
    Ok(())
}

/// One change as a line: sequence, commit time, what changed.
pub fn change_line(change: &Change) -> String {
    let what = match &change.resource {
        Some(Resource::Commune(commune)) => format!("Xã {} {}", commune.name, commune.display_name),
        Some(Resource::Cell(cell)) => format!("Chi bộ {} {}", cell.name, cell.display_name),
        Some(Resource::Member(member)) => format!(
            "Đảng viên {} {} — {}",
            member.name,
            member.full_name,
            label(&enum_name(member.status, |s: MemberStatus| s.as_str_name()))
        ),
        // Only the name and the stage: the candidate's personal fields stay off the screen.
        Some(Resource::Candidate(candidate)) => format!(
            "Người vào Đảng {} {} — {}",
            candidate.name,
            candidate.full_name,
            label(&enum_name(candidate.stage, |s: CandidateStage| s.as_str_name()))
        ),
        Some(Resource::RuleVersion(version)) => format!(
            "Quy định {} {} (hiệu lực từ {})",
            version.name, version.code, version.in_force_from
        ),
        Some(Resource::Holiday(holiday)) => {
            format!("Ngày nghỉ lễ {} {}", holiday.date, holiday.display_name)
        }
        Some(Resource::Target(target)) => format!(
            "Chỉ tiêu {} ({}–{}): {} kết nạp/năm, {} % chi bộ tốt",
            target.name,
            target.first_year,
            target.last_year,
            target.admissions_per_year,
            target.good_cells_percent
        ),
        Some(Resource::CellPlan(plan)) => format!(
            "Kế hoạch {}: {} nguồn, {} kết nạp",
            plan.name, plan.sources_to_develop, plan.admissions
        ),
        Some(Resource::CellRating(rating)) => format!(
            "Xếp loại chi bộ {} — {}",
            rating.name,
            label(&enum_name(rating.level, |l: RatingLevel| l.as_str_name()))
        ),
        Some(Resource::MemberRating(rating)) => format!(
            "Xếp loại đảng viên {} — {}",
            rating.name,
            label(&enum_name(rating.level, |l: RatingLevel| l.as_str_name()))
        ),
        Some(Resource::DeletedResource(name)) => format!("Đã xóa {name}"),
        Some(Resource::LeftScope(name)) => {
            format!("{name} đã chuyển ra ngoài phạm vi được xem: bỏ bản sao")
        }
        Some(Resource::Province(province)) => {
            format!("Tỉnh {} {}", province.name, province.display_name)
        }
        Some(Resource::Merge(merge)) => format!(
            "Sáp nhập {} → {} từ {}",
            merge.predecessor_codes.join(", "),
            merge.successor_code,
            merge.effective_date
        ),
        None => "(không rõ tài nguyên)".to_owned(),
    };
    format!(
        "#{:<6} {}  {}",
        change.sequence,
        output::timestamp(change.commit_time.as_ref()),
        what
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use partyregistry_proto::membership::v1::Member;

    #[test]
    fn change_lines_name_the_resource_without_personal_fields() {
        let change = Change {
            moved_from_commune: String::new(),
            trace_parent: String::new(),
            sequence: 42,
            commit_time: None,
            resource: Some(Resource::Member(Member {
                name: "members/7".into(),
                full_name: "Bàn Thị Dung".into(),
                citizen_id: "010190000007".into(),
                status: MemberStatus::Probationary as i32,
                ..Member::default()
            })),
            events: Vec::new(),
        };
        let line = change_line(&change);
        assert!(line.starts_with("#42"));
        assert!(line.contains("Bàn Thị Dung — Dự bị"));
        assert!(!line.contains("010190000007"));
    }
}
