//! The request checks, the chunking, and the export against a real projection.

use partyregistry_export::Format;
use partyregistry_kit::error::ApiError;
use partyregistry_proto::reporting::v1::{ExportFormat, ExportReportRequest, GetStatisticsRequest};

use super::*;

fn invalid_fields(error: ApiError) -> Vec<String> {
    match error {
        ApiError::InvalidArgument(violations) => violations.into_iter().map(|v| v.field).collect(),
        other => panic!("expected INVALID_ARGUMENT, got {other:?}"),
    }
}

#[test]
fn export_without_report_or_format_is_rejected_naming_both_fields() {
    let error = validate(ExportReportRequest::default()).expect_err("nothing asked");
    assert_eq!(invalid_fields(error), ["format", "report"]);
}

#[test]
fn export_with_unspecified_or_unknown_format_is_rejected() {
    let report = Some(Report::Statistics(GetStatisticsRequest::default()));
    for format in [ExportFormat::Unspecified as i32, 9] {
        let request = ExportReportRequest {
            report: report.clone(),
            format,
        };
        let error = validate(request).expect_err("no format");
        assert_eq!(invalid_fields(error), ["format"]);
    }
    let request = ExportReportRequest {
        report,
        format: ExportFormat::Xlsx as i32,
    };
    assert!(matches!(
        validate(request),
        Ok((Report::Statistics(_), Format::Xlsx))
    ));
}

#[test]
fn chunks_are_at_most_64_kib_and_the_first_names_the_file() {
    let bytes: Vec<u8> = (0..150 * 1024).map(|i| (i % 251) as u8).collect();
    let pieces = chunks("a.xlsx".into(), Format::Xlsx.content_type(), &bytes);
    let sizes: Vec<usize> = pieces.iter().map(|c| c.data.len()).collect();
    assert_eq!(sizes, [65536, 65536, 22528]);
    assert_eq!(pieces[0].file_name, "a.xlsx");
    assert_eq!(
        pieces[0].content_type,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        pieces[1..]
            .iter()
            .all(|c| c.file_name.is_empty() && c.content_type.is_empty())
    );
    let joined: Vec<u8> = pieces.into_iter().flat_map(|c| c.data).collect();
    assert_eq!(joined, bytes);

    let empty = chunks("b.csv".into(), Format::Csv.content_type(), &[]);
    assert_eq!(empty.len(), 1);
    assert_eq!(empty[0].file_name, "b.csv");
}

mod through_the_service {
    //! `export` against a real (SQLite) projection: what the RPC answers is what the file holds,
    //! and what the RPC refuses is refused the same way.

    use std::sync::Arc;

    use partyregistry_kit::db;
    use partyregistry_kit::error::describe_status;
    use partyregistry_proto::membership::v1::{Change, Commune, change::Resource};
    use partyregistry_proto::reporting::v1::reporting_service_server::ReportingService;
    use partyregistry_proto::reporting::v1::{
        ExportChunk, ExportFormat, ExportReportRequest, GetAdmissionProgressRequest,
        GetCommuneReportRequest,
    };
    use tokio_stream::StreamExt;
    use tonic::Code;

    use super::super::{Report, export};
    use crate::grpc::api::ReportingApi;
    use crate::ingest::consumer::FeedState;
    use crate::store::Store;

    struct TestApi {
        api: ReportingApi,
        store: Store,
        path: std::path::PathBuf,
    }

    impl TestApi {
        async fn close(self) {
            self.store.close().await;
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
            }
        }
    }

    /// A projection holding one commune and nothing else.
    async fn api_with_one_commune() -> TestApi {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let path = std::env::temp_dir().join(format!(
            "reporting_export_test_{}_{nanos}.db",
            std::process::id()
        ));
        let database = db::connect(&format!("sqlite://{}", path.display()), &crate::MIGRATIONS)
            .await
            .expect("SQLite opens");
        let store = Store::new(database);
        let commune = Change {
            sequence: 1,
            commit_time: Some(db::timestamp(1_750_000_000_000_000)),
            resource: Some(Resource::Commune(Commune {
                name: "communes/02680".into(),
                code: "02680".into(),
                display_name: "Xã Hợp Thành".into(),
                province_code: "15".into(),
                valid_from: "2025-07-01".into(),
                ..Commune::default()
            })),
            ..Change::default()
        };
        store
            .apply_changes(&[commune], 1_750_000_000_000_000)
            .await
            .expect("the commune is applied");
        TestApi {
            api: crate::testing::api(&store, Arc::new(FeedState::default())),
            store,
            path,
        }
    }

    async fn collect(api: &ReportingApi, request: ExportReportRequest) -> Vec<ExportChunk> {
        let response = export(api, crate::testing::request(request))
            .await
            .expect("exported");
        response
            .into_inner()
            .collect::<Result<Vec<_>, _>>()
            .await
            .expect("every chunk arrives")
    }

    #[tokio::test]
    async fn export_streams_the_report_the_rpc_returns() {
        let test = api_with_one_commune().await;
        let progress = GetAdmissionProgressRequest {
            commune: "communes/02680".into(),
            year: 2026,
            as_of_date: "2026-06-30".into(),
        };
        let chunks = collect(
            &test.api,
            ExportReportRequest {
                report: Some(Report::AdmissionProgress(progress.clone())),
                format: ExportFormat::Xlsx as i32,
            },
        )
        .await;
        assert_eq!(
            chunks[0].file_name,
            "tien-do-ket-nap-communes-02680-2026-2026-06-30.xlsx"
        );
        assert_eq!(
            chunks[0].content_type,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        );
        let bytes: Vec<u8> = chunks.into_iter().flat_map(|c| c.data).collect();
        assert!(bytes.starts_with(b"PK"), "an XLSX file is a zip archive");
        // The same computation, converted and rendered here, gives a workbook of the same size
        // (its bytes differ only by the creation time in its properties).
        let direct = test
            .api
            .get_admission_progress(crate::testing::request(progress))
            .await
            .expect("the report")
            .into_inner();
        let expected = partyregistry_export::render(
            &partyregistry_export::reports::admission_progress(&direct),
            partyregistry_export::Format::Xlsx,
        )
        .expect("rendered");
        assert_eq!(bytes.len(), expected.len());

        let report = GetCommuneReportRequest {
            commune: "communes/02680".into(),
            as_of_date: "2026-06-30".into(),
        };
        let chunks = collect(
            &test.api,
            ExportReportRequest {
                report: Some(Report::CommuneReport(report.clone())),
                format: ExportFormat::Csv as i32,
            },
        )
        .await;
        assert_eq!(chunks[0].file_name, "bao-cao-communes-02680-2026-06-30.csv");
        assert_eq!(chunks[0].content_type, "text/csv; charset=utf-8");
        let bytes: Vec<u8> = chunks.into_iter().flat_map(|c| c.data).collect();
        // CSV has no timestamps: the file is byte for byte the RPC's answer, converted.
        let direct = test
            .api
            .get_commune_report(crate::testing::request(report))
            .await
            .expect("the report")
            .into_inner();
        let expected = partyregistry_export::render(
            &partyregistry_export::reports::commune_report(&direct),
            partyregistry_export::Format::Csv,
        )
        .expect("rendered");
        assert_eq!(bytes, expected);
        let text = String::from_utf8(bytes).expect("UTF-8");
        assert!(text.starts_with("\u{feff}Báo cáo đảng viên Xã Hợp Thành ngày 30/06/2026\r\n"));
        test.close().await;
    }

    #[tokio::test]
    async fn export_passes_report_errors_through_unchanged() {
        let test = api_with_one_commune().await;
        let unknown = GetCommuneReportRequest {
            commune: "communes/09999".into(),
            as_of_date: "2026-06-30".into(),
        };
        let direct = test
            .api
            .get_commune_report(crate::testing::request(unknown.clone()))
            .await
            .expect_err("no such commune");
        let exported = export(
            &test.api,
            crate::testing::request(ExportReportRequest {
                report: Some(Report::CommuneReport(unknown)),
                format: ExportFormat::Csv as i32,
            }),
        )
        .await
        .err()
        .expect("no file for an unknown commune");
        assert_eq!(direct.code(), Code::NotFound);
        assert_eq!(exported.code(), direct.code());
        assert_eq!(exported.message(), direct.message());
        test.close().await;
    }

    #[tokio::test]
    async fn export_without_format_is_invalid_argument_naming_the_field() {
        let test = api_with_one_commune().await;
        let status = export(
            &test.api,
            crate::testing::request(ExportReportRequest {
                report: Some(Report::CommuneReport(GetCommuneReportRequest {
                    commune: "communes/02680".into(),
                    as_of_date: String::new(),
                })),
                format: ExportFormat::Unspecified as i32,
            }),
        )
        .await
        .err()
        .expect("no format");
        assert_eq!(status.code(), Code::InvalidArgument);
        let described = describe_status(&status);
        assert!(described.contains("\n  - format: "), "{described}");
        assert!(!described.contains("report"), "{described}");
        test.close().await;
    }
}
