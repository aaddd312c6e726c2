//! The working-day calendar as data: days off and make-up working days, on each backend.

use super::*;

async fn make_up_saturdays_are_kept_beside_the_days_off(membership: &Membership) {
    membership.seed_reference_data().await.expect("seeded");
    let year_2024 = membership.holidays(2024).await.expect("2024");
    let moved: Vec<(&str, bool)> = year_2024
        .iter()
        .filter(|h| h.date.starts_with("2024-04-29") || h.date.starts_with("2024-05-04"))
        .map(|h| (h.date.as_str(), h.make_up_working_day))
        .collect();
    assert_eq!(moved, [("2024-04-29", false), ("2024-05-04", true)]);

    // 2027 is loaded by an administrator, make-up Saturday included.
    let saturday = membership
        .set_holiday(d("2027-01-09"), "Làm bù".into(), DayKind::MakeUpWorkingDay)
        .await
        .expect("a make-up Saturday");
    assert!(saturday.make_up_working_day);
    let listed = membership.holidays(2027).await.expect("2027");
    assert_eq!(listed, [saturday]);
    let (changes, _) = membership
        .changes_after(head(membership).await - 1, 1)
        .await
        .expect("feed");
    assert!(matches!(
        &changes[0].resource,
        Some(Resource::Holiday(h)) if h.make_up_working_day
    ));
}

on_both_backends! {
    make_up_saturdays_are_kept_beside_the_days_off =>
        sqlite_make_up_saturdays_are_kept_beside_the_days_off,
        postgres_make_up_saturdays_are_kept_beside_the_days_off;
}
