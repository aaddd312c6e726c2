//! The group commit of the commands' writes, on each backend: a command's writes become durable
//! with its group's commit, never before its answer; a command that fails or is dropped takes
//! nothing of the others with it.

use super::*;

use crate::store::Tx;

/// The days off recorded between 2030-01-01 and 2030-12-31, as committed.
async fn days_off_2030(store: &Store) -> Vec<String> {
    let mut reader = store.read().await.expect("read connection");
    reader
        .list_holidays(d("2030-01-01"), d("2030-12-31"))
        .await
        .expect("holidays read")
        .into_iter()
        .map(|holiday| holiday.date)
        .collect()
}

/// A command that records the day off `day` in its own part of the group.
async fn command_writing(store: &Store, day: &str) -> Tx {
    let mut command = store.begin_command().await.expect("command joins a group");
    command
        .set_holiday(d(day), ("Ngày nghỉ thử", false), 0)
        .await
        .expect("day off written");
    command
}

/// Waits until `count` commands wait to join the group.
async fn until_queued(store: &Store, count: usize) {
    for _ in 0..500 {
        if store.commands_queued() == count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    panic!("{count} commands never queued");
}

/// A command that ends while another waits leaves the commit to it: its writes are not visible
/// (nor is its commit acknowledged) until the last command of the group commits them both.
async fn a_command_waits_for_the_commit_of_its_group(membership: &Membership) {
    let store = membership.store();
    let first = command_writing(store, "2030-01-02").await;
    let second = {
        let store = store.clone();
        tokio::spawn(async move { command_writing(&store, "2030-01-03").await })
    };
    until_queued(store, 1).await;
    let first_committed = tokio::spawn(first.commit());
    let second = second.await.expect("second command ran");
    assert!(
        !first_committed.is_finished(),
        "the first command's commit is left to the second"
    );
    assert_eq!(days_off_2030(store).await, Vec::<String>::new());
    second.commit().await.expect("the group commits");
    first_committed
        .await
        .expect("first command ran")
        .expect("committed with the group");
    assert_eq!(days_off_2030(store).await, ["2030-01-02", "2030-01-03"]);

    // A command dropped after the first left it the commit (its call failed or was cancelled)
    // rolls back its own writes and commits the group in its stead.
    let third = command_writing(store, "2030-01-04").await;
    let fourth = {
        let store = store.clone();
        tokio::spawn(async move { command_writing(&store, "2030-01-05").await })
    };
    until_queued(store, 1).await;
    let third_committed = tokio::spawn(third.commit());
    drop(fourth.await.expect("fourth command ran"));
    third_committed
        .await
        .expect("third command ran")
        .expect("committed by the dropped command's hand-over");
    assert_eq!(
        days_off_2030(store).await,
        ["2030-01-02", "2030-01-03", "2030-01-04"]
    );
}

/// Commands in flight together, a quarter of them failing on a statement after their write (on
/// PostgreSQL a failed statement spoils the whole transaction until its savepoint is rolled
/// back): every other command's write is committed, none of the failed ones'.
async fn a_failed_command_takes_nothing_of_its_group_with_it(membership: &Membership) {
    let store = membership.store();
    let mut commands = Vec::new();
    for day in 1..=24 {
        let store = store.clone();
        commands.push(tokio::spawn(async move {
            let mut command = command_writing(&store, &format!("2030-02-{day:02}")).await;
            if day % 4 == 0 {
                let failed = sqlx::query("select missing_column from holidays")
                    .execute(command.conn())
                    .await;
                assert!(failed.is_err(), "the statement fails");
                // Dropped: the command's call answers its error.
                return false;
            }
            command.commit().await.expect("committed");
            true
        }));
    }
    let mut kept = Vec::new();
    for (day, command) in (1..=24).zip(commands) {
        if command.await.expect("command ran") {
            kept.push(format!("2030-02-{day:02}"));
        }
    }
    // Whatever is still settling after the last drop is committed by its hand-over.
    for _ in 0..500 {
        if days_off_2030(store).await == kept {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    assert_eq!(days_off_2030(store).await, kept);
    assert_eq!(kept.len(), 18);
}

/// Starts the next command of `previous`'s group: it joins while `previous` still holds the
/// group, then `previous` is settled (its writes kept or rolled back) and hands the group on.
async fn next_in_group(
    store: &Store,
    previous: Tx,
    keep: bool,
) -> (Tx, tokio::task::JoinHandle<Result<(), ApiError>>) {
    let next = {
        let store = store.clone();
        tokio::spawn(async move { store.begin_command().await.expect("command joins") })
    };
    until_queued(store, 1).await;
    let settled = tokio::spawn(async move {
        if keep {
            previous.commit().await
        } else {
            previous.rollback().await
        }
    });
    (next.await.expect("next command joined"), settled)
}

/// Whether the rule table `command` reads has a version in force from `day`.
async fn reads_version_from(command: &mut Tx, day: &str) -> bool {
    command
        .rule_table()
        .await
        .expect("rule table read")
        .versions()
        .iter()
        .any(|version| version.in_force_from == d(day))
}

/// A rule version in force from `day`.
fn rule_version_from(day: &str) -> partyregistry_rules::RuleVersion {
    let mut version = partyregistry_rules::RuleVersion::regulation_2025();
    version.code = "Thử".into();
    version.in_force_from = d(day);
    version
}

/// The group keeps the rule table for its commands once it holds the feed head, and that copy
/// follows the group's own rule writes: a command reads the version it wrote, the commands after
/// it read it once it is kept, and none reads one whose command was rolled back.
async fn a_group_reads_the_rule_versions_its_commands_wrote(membership: &Membership) {
    let store = membership.store();
    let change = || vec![("ruleVersions/test".to_owned(), b"change".to_vec())];
    let mut first = store.begin_command().await.expect("command joins a group");
    first.append_changes(change(), 0).await.expect("appended");
    let (mut second, first_settled) = next_in_group(store, first, true).await;
    assert!(!reads_version_from(&mut second, "2031-01-01").await);
    second
        .insert_rule_version(&rule_version_from("2031-01-01"), 0)
        .await
        .expect("rule version written");
    assert!(reads_version_from(&mut second, "2031-01-01").await);
    let (mut third, second_settled) = next_in_group(store, second, false).await;
    assert!(
        !reads_version_from(&mut third, "2031-01-01").await,
        "the rolled-back version is gone"
    );
    third
        .insert_rule_version(&rule_version_from("2032-01-01"), 0)
        .await
        .expect("rule version written");
    third.append_changes(change(), 0).await.expect("appended");
    let (mut fourth, third_settled) = next_in_group(store, third, true).await;
    assert!(reads_version_from(&mut fourth, "2032-01-01").await);
    assert!(!reads_version_from(&mut fourth, "2031-01-01").await);
    fourth.commit().await.expect("the group commits");
    for settled in [first_settled, second_settled, third_settled] {
        settled
            .await
            .expect("command settled")
            .expect("with the group's commit");
    }
    let mut reader = store.read().await.expect("read connection");
    assert!(reads_version_from(&mut reader, "2032-01-01").await);
    assert!(!reads_version_from(&mut reader, "2031-01-01").await);
}

on_both_backends! {
    a_command_waits_for_the_commit_of_its_group =>
        sqlite_a_command_waits_for_the_commit_of_its_group,
        postgres_a_command_waits_for_the_commit_of_its_group;
    a_failed_command_takes_nothing_of_its_group_with_it =>
        sqlite_a_failed_command_takes_nothing_of_its_group_with_it,
        postgres_a_failed_command_takes_nothing_of_its_group_with_it;
    a_group_reads_the_rule_versions_its_commands_wrote =>
        sqlite_a_group_reads_the_rule_versions_its_commands_wrote,
        postgres_a_group_reads_the_rule_versions_its_commands_wrote;
}
