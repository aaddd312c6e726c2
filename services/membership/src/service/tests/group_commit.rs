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

on_both_backends! {
    a_command_waits_for_the_commit_of_its_group =>
        sqlite_a_command_waits_for_the_commit_of_its_group,
        postgres_a_command_waits_for_the_commit_of_its_group;
    a_failed_command_takes_nothing_of_its_group_with_it =>
        sqlite_a_failed_command_takes_nothing_of_its_group_with_it,
        postgres_a_failed_command_takes_nothing_of_its_group_with_it;
}
