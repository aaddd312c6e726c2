//! How long until a write is visible in reporting: the writes note their feed sequence as they are
//! answered, and one watcher asks reporting for the smallest sequence not yet seen, with
//! read-your-writes' `x-min-feed-sequence` (answered once reporting's consumer has applied it).
//! The answer's applied sequence settles every write up to it at once. One call in flight,
//! whatever the number of writers: reporting limits the calls it serves at a time, and a wait per
//! write would run into that limit when reporting falls behind.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use partyregistry_kit::BoxError;
use partyregistry_proto::reporting::v1 as report;
use partyregistry_tests::ReportingClient;
use partyregistry_tests::bench::quantile;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

/// The writes awaiting reporting, and the times of those it has applied.
#[derive(Default)]
struct Writes {
    /// By feed sequence: when each write's answer arrived.
    pending: BTreeMap<i64, Vec<Instant>>,
    /// Milliseconds from a write's answer to reporting's answer that it is applied.
    visible_after: Vec<f64>,
}

/// Follows the writes of one workload until [`Visibility::finish`].
pub struct Visibility {
    writes: Arc<Mutex<Writes>>,
    written: Arc<Notify>,
    stop: CancellationToken,
    watcher: JoinHandle<Result<(), BoxError>>,
}

/// What a writer holds to note its writes.
#[derive(Clone)]
pub struct Notes {
    writes: Arc<Mutex<Writes>>,
    written: Arc<Notify>,
}

impl Notes {
    /// The write committed at `sequence` was answered at `answered`.
    pub fn written(&self, sequence: i64, answered: Instant) {
        self.writes
            .lock()
            .expect("no one panics holding the writes")
            .pending
            .entry(sequence)
            .or_default()
            .push(answered);
        self.written.notify_one();
    }
}

/// Asks reporting to answer once it has applied `sequence`; the sequence it has applied.
async fn applied_from(reports: &mut ReportingClient, sequence: i64) -> Result<i64, BoxError> {
    let mut request = tonic::Request::new(report::GetFreshnessRequest {});
    request
        .metadata_mut()
        .insert("x-min-feed-sequence", sequence.into());
    request.set_timeout(Duration::from_secs(60));
    Ok(reports
        .get_freshness(request)
        .await?
        .into_inner()
        .last_applied_sequence)
}

async fn watch(
    mut reports: ReportingClient,
    writes: Arc<Mutex<Writes>>,
    written: Arc<Notify>,
    stop: CancellationToken,
) -> Result<(), BoxError> {
    loop {
        let next = writes
            .lock()
            .expect("no one panics holding the writes")
            .pending
            .keys()
            .next()
            .copied();
        let Some(sequence) = next else {
            if stop.is_cancelled() {
                return Ok(());
            }
            tokio::select! {
                () = written.notified() => {}
                () = stop.cancelled() => {}
            }
            continue;
        };
        let applied = applied_from(&mut reports, sequence).await?;
        let now = Instant::now();
        let mut writes = writes.lock().expect("no one panics holding the writes");
        let later = writes.pending.split_off(&(applied + 1));
        let settled = std::mem::replace(&mut writes.pending, later);
        let times: Vec<f64> = settled
            .into_values()
            .flatten()
            .map(|answered| now.duration_since(answered).as_secs_f64() * 1000.0)
            .collect();
        writes.visible_after.extend(times);
    }
}

impl Visibility {
    /// Starts the watcher on `reports`.
    pub fn start(reports: ReportingClient) -> Self {
        let writes = Arc::new(Mutex::new(Writes::default()));
        let written = Arc::new(Notify::new());
        let stop = CancellationToken::new();
        let watcher = tokio::spawn(watch(
            reports,
            writes.clone(),
            written.clone(),
            stop.clone(),
        ));
        Self {
            writes,
            written,
            stop,
            watcher,
        }
    }

    /// The handle the writers note their writes with.
    pub fn notes(&self) -> Notes {
        Notes {
            writes: self.writes.clone(),
            written: self.written.clone(),
        }
    }

    /// Waits until reporting has applied every write noted; their count, and the p50 and p99
    /// times from a write's answer to reporting's, in ms.
    pub async fn finish(self) -> Result<(usize, f64, f64), BoxError> {
        self.stop.cancel();
        self.watcher.await??;
        let mut times = std::mem::take(
            &mut self
                .writes
                .lock()
                .expect("no one panics holding the writes")
                .visible_after,
        );
        times.sort_by(f64::total_cmp);
        Ok((times.len(), quantile(&times, 0.5), quantile(&times, 0.99)))
    }
}
