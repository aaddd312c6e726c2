//! The roster import end to end: a batch imported through `ImportRoster` reaches the reporting
//! service through the ordinary feed, and each commune's figures equal what the rows say.

use partyregistry_kit::BoxError;
use partyregistry_proto::membership::v1 as pb;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::{Backend, Pair, on_each_backend};

on_each_backend! {
    imported_rows_are_counted_by_reporting;
}

/// The rows' facts a commune report counts.
#[derive(Debug, Default, PartialEq, Eq)]
struct Expected {
    official: i64,
    probationary: i64,
    women: i64,
}

/// Synthetic member `i` of commune `code`: every third a woman, every fourth probationary, every
/// fifth (official) exempt, every seventh (official) deceased.
fn member(i: usize, code: &str, expected: &mut Expected) -> pb::ImportMember {
    let woman = i.is_multiple_of(3);
    let probationary = i.is_multiple_of(4);
    let deceased = !probationary && i.is_multiple_of(7);
    let exempt = !probationary && !deceased && i.is_multiple_of(5);
    let mut row = pb::ImportMember {
        row_number: i as i64 + 10,
        row_key: format!("{code}-{i}"),
        commune_code: code.into(),
        cell_display_name: if i.is_multiple_of(2) {
            "Chi bộ thôn Nậm Hạ".into()
        } else {
            "Chi bộ Trường Tiểu học".into()
        },
        member: Some(pb::Member {
            full_name: format!("Thử Nghiệm Số {i}"),
            gender: if woman {
                pb::Gender::Female.into()
            } else {
                pb::Gender::Male.into()
            },
            birth_date: format!("19{}-03-0{}", 60 + i % 30, 1 + i % 9),
            ethnicity_code: "03".into(),
            general_education: pb::GeneralEducation::UpperSecondary.into(),
            ..Default::default()
        }),
        admission: Some(pb::Admission {
            ceremony_date: if probationary {
                "2025-09-02".into()
            } else {
                "2001-09-02".into()
            },
            official_date: if probationary {
                String::new()
            } else {
                "2002-09-02".into()
            },
            ..Default::default()
        }),
        ..Default::default()
    };
    if exempt {
        row.exempt_since = "2020-01-01".into();
    }
    if deceased {
        row.departure_kind = pb::DepartureKind::Death.into();
        row.departure_date = "2024-02-02".into();
    } else {
        expected.official += i64::from(!probationary);
        expected.probationary += i64::from(probationary);
        expected.women += i64::from(woman);
    }
    row
}

async fn imported_rows_are_counted_by_reporting(backend: Backend) -> Result<(), BoxError> {
    let mut pair = Pair::start(backend, "import").await?;
    let communes = [("02911", 23), ("02912", 17)];
    let mut request = pb::ImportRosterRequest {
        import_id: "so-lieu-thu".into(),
        ..Default::default()
    };
    let mut expected = Vec::new();
    for (code, size) in communes {
        request.communes.push(pb::ImportCommune {
            row_number: 1,
            code: code.into(),
            display_name: format!("Xã Thử {code}"),
            province_code: "15".into(),
            valid_from: "2025-07-01".into(),
        });
        for name in ["Chi bộ thôn Nậm Hạ", "Chi bộ Trường Tiểu học"] {
            request.cells.push(pb::ImportCell {
                row_number: 2,
                commune_code: code.into(),
                display_name: name.into(),
                kind: pb::CellKind::Residential.into(),
                open_date: "1990-01-01".into(),
            });
        }
        let mut figures = Expected::default();
        for i in 0..size {
            request.members.push(member(i, code, &mut figures));
        }
        expected.push((code, figures));
    }
    let response = pair.membership.import_roster(request).await?.into_inner();
    assert_eq!(response.rejected, 0, "{response:?}");
    assert_eq!(response.created, 2 + 4 + 23 + 17);
    pair.caught_up().await?;
    for (code, figures) in expected {
        let report = pair
            .reports
            .get_commune_report(report::GetCommuneReportRequest {
                commune: format!("communes/{code}"),
                as_of_date: String::new(),
            })
            .await?
            .into_inner();
        let counted = Expected {
            official: report.official_members,
            probationary: report.probationary_members,
            women: report.women,
        };
        assert_eq!(counted, figures, "commune {code}");
        assert_eq!(
            report.total_members,
            figures.official + figures.probationary
        );
    }
    pair.finish().await
}
