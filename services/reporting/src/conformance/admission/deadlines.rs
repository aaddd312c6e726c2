//! The admission deadlines through storage: the ceremony's working days counted from the day the
//! cell received the decision, when the feed gives it.

use super::*;

/// Two members decided on 3 March 2025 and awaiting the ceremony in Đồng Tâm, one of whose
/// cell received the decision on 20 March, with the 2025 calendar.
fn receipt_feed() -> Vec<Change> {
    let awaiting = |id: i64, received: &str| {
        let mut member = admitted(id, "dong-tam", "2025-03-03", "");
        member.status = MemberStatus::Admitted as i32;
        if let Some(admission) = member.admission.as_mut() {
            admission.decision_received_date = received.into();
        }
        Resource::Member(member)
    };
    let mut resources = vec![
        commune(),
        cell("dong-tam", "Chi bộ thôn Đồng Tâm", CellKind::Residential),
    ];
    resources.extend(reference_rules(|year| year == 2025));
    resources.extend([awaiting(401, "2025-03-20"), awaiting(402, "")]);
    resources
        .into_iter()
        .enumerate()
        .map(|(i, resource)| change(i as i64 + 1, resource))
        .collect()
}

async fn ceremony_deadline_runs_from_the_receipt(store: &Store) {
    let feed = receipt_feed();
    let outcome = store.apply_changes(&feed, 1).await.expect("feed applies");
    assert_eq!((outcome.applied, outcome.malformed), (feed.len(), 0));

    let facts = facts_on(store, window("2025-04-01", "2025-01-01", "2025-04-01")).await;
    let received = facts
        .members
        .iter()
        .map(|m| (m.id, m.decision_received_date))
        .collect::<Vec<_>>();
    assert!(
        received.contains(&(401, Some(d("2025-03-20")))),
        "{received:?}"
    );
    assert!(received.contains(&(402, None)), "{received:?}");

    // The due days as the projection's own calendar counts them.
    let due_from = |start: &str| {
        let rules = facts.rules.in_force_on(d(start));
        date::format(
            facts
                .calendar
                .due(
                    partyregistry_rules::DeadlineKind::Ceremony,
                    d(start),
                    rules,
                    false,
                )
                .due,
        )
    };
    let listed = crate::report::deadlines::deadlines(
        &facts,
        d("2025-04-01"),
        d("2025-04-01"),
        Freshness::default(),
    );
    let mut ceremonies: Vec<(&str, &str, &str)> = listed
        .deadlines
        .iter()
        .map(|x| {
            (
                x.subject.as_str(),
                x.start_date.as_str(),
                x.due_date.as_str(),
            )
        })
        .collect();
    ceremonies.sort_unstable();
    let (from_receipt, from_decision) = (due_from("2025-03-20"), due_from("2025-03-03"));
    assert_ne!(from_receipt, from_decision);
    assert_eq!(
        ceremonies,
        [
            ("members/401", "2025-03-20", from_receipt.as_str()),
            ("members/402", "2025-03-03", from_decision.as_str()),
        ]
    );
}

on_each_store! {
    ceremony_deadline_runs_from_the_receipt => "ceremony_receipt";
}
