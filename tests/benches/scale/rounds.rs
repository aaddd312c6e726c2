//! Workloads measured in interleaved rounds, and the rows of the table they make.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use partyregistry_kit::BoxError;
use partyregistry_tests::Backend;
use partyregistry_tests::bench::{Budget, Sample, in_flight, median_sample};

/// One call of a workload.
pub type CallFuture = Pin<Box<dyn Future<Output = Result<(), BoxError>> + Send>>;
/// Makes one call each time it is called.
pub type Call = Arc<dyn Fn() -> CallFuture + Send + Sync>;

/// Wraps `call` as a [`Call`].
pub fn call<F, Fut>(call: F) -> Call
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), BoxError>> + Send + 'static,
{
    Arc::new(move || Box::pin(call()) as CallFuture)
}

/// What is measured: a call made by `callers` callers at once.
pub struct Workload {
    pub measure: String,
    pub size: String,
    pub callers: usize,
    pub call: Call,
    /// The workload of the same group it is compared with.
    pub baseline: Option<usize>,
}

impl Workload {
    pub fn new(measure: impl Into<String>, size: &str, callers: usize, call: Call) -> Self {
        Self {
            measure: measure.into(),
            size: size.to_owned(),
            callers,
            call,
            baseline: None,
        }
    }

    /// The same, held against the group's workload at `baseline`.
    pub fn against(mut self, baseline: usize) -> Self {
        self.baseline = Some(baseline);
        self
    }
}

/// A row of the table.
#[derive(Debug, Clone)]
pub struct Row {
    pub measure: String,
    pub size: String,
    pub backend: Backend,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// None for a row of latencies only (how long until a write is visible).
    pub per_second: Option<f64>,
    pub cpu_ms_per_call: Option<f64>,
    /// p50 ÷ the baseline's p50.
    pub ratio: Option<f64>,
    /// The baseline's calls per second, for the throughput ratios.
    pub baseline_per_second: Option<f64>,
}

impl Row {
    fn from_sample(workload: &Workload, backend: Backend, sample: Sample) -> Self {
        Self {
            measure: workload.measure.clone(),
            size: workload.size.clone(),
            backend,
            p50_ms: sample.p50 / 1000.0,
            p99_ms: sample.p99 / 1000.0,
            per_second: Some(sample.per_second),
            cpu_ms_per_call: Some(sample.cpu_per_call / 1000.0),
            ratio: None,
            baseline_per_second: None,
        }
    }
}

/// How many rounds, and how long each lasts.
#[derive(Debug, Clone, Copy)]
pub struct Plan {
    pub rounds: usize,
    pub round: Duration,
}

impl Plan {
    fn budget(&self) -> Budget {
        Budget {
            calls_per_caller: 3,
            at_least: self.round,
        }
    }
}

/// Measures `workloads` in interleaved rounds — each round runs every workload once, in turn,
/// forwards in even rounds and backwards in odd ones (A B, B A, …), so that the machine's noise
/// falls on all alike — after a warm-up round that does not count. Each figure is the median
/// over rounds.
pub async fn interleaved(
    backend: Backend,
    plan: Plan,
    workloads: &[Workload],
) -> Result<Vec<Row>, BoxError> {
    let run = |workload: &Workload| {
        let call = workload.call.clone();
        in_flight(workload.callers, plan.budget(), move || call())
    };
    for workload in workloads {
        run(workload).await?;
    }
    let mut samples: Vec<Vec<Sample>> = workloads.iter().map(|_| Vec::new()).collect();
    for round in 0..plan.rounds {
        let mut order: Vec<usize> = (0..workloads.len()).collect();
        if round % 2 == 1 {
            order.reverse();
        }
        for index in order {
            samples[index].push(run(&workloads[index]).await?);
        }
    }
    let medians: Vec<Sample> = samples.iter().map(|s| median_sample(s)).collect();
    let mut rows: Vec<Row> = workloads
        .iter()
        .zip(&medians)
        .map(|(workload, sample)| Row::from_sample(workload, backend, *sample))
        .collect();
    for (row, workload) in rows.iter_mut().zip(workloads) {
        if let Some(baseline) = workload.baseline.and_then(|b| medians.get(b)) {
            row.ratio = Some(row.p50_ms * 1000.0 / baseline.p50);
            row.baseline_per_second = Some(baseline.per_second);
        }
    }
    for row in &rows {
        println!(
            "  {backend:?} {:<44} p50 {:>9.2} ms  {:>9.0}/s  {}",
            format!("{} [{}]", row.measure, row.size),
            row.p50_ms,
            row.per_second.unwrap_or(0.0),
            row.ratio
                .map_or(String::new(), |r| format!("{r:.2}× baseline p50"))
        );
    }
    Ok(rows)
}

/// `value` with a comma every three digits, as the table writes sizes.
pub fn grouped(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn cell(value: Option<f64>, decimals: usize) -> String {
    value.map_or("—".to_owned(), |v| format!("{v:.decimals$}"))
}

/// Prints the table of `rows`.
pub fn print_table(rows: &[Row]) {
    println!(
        "\n| measure | size | backend | p50 ms | p99 ms | calls/s | CPU ms/call | ratio to its baseline (p50) |"
    );
    println!("|---|---|---|---:|---:|---:|---:|---:|");
    for row in rows {
        println!(
            "| {} | {} | {:?} | {:.2} | {:.2} | {} | {} | {} |",
            row.measure,
            row.size,
            row.backend,
            row.p50_ms,
            row.p99_ms,
            cell(row.per_second, 0),
            cell(row.cpu_ms_per_call, 3),
            row.ratio.map_or("—".to_owned(), |r| format!("{r:.2}×")),
        );
    }
}
