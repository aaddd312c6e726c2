//! Progress of long work (seed, import, export, generate) on stderr: a bar with the count, the
//! rate and the time left, or a spinner with the amount so far where the total is unknown. Drawn
//! only when stderr is a terminal and the output is not JSON; otherwise nothing at all, so that
//! redirected output, pipes and logs stay clean.

use std::borrow::Cow;
use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A bar of `pos/len` with the rate per second and the time left, in Vietnamese; the bar takes
/// twenty-five columns.
const COUNTED: &str = "{msg:24!} [{bar:25}] {pos}/{len} · {rate} · còn {eta_precise}";
/// A spinner with the amount so far, for a stream whose size is not known in advance.
const STREAMED: &str = "{spinner} {msg} {bytes} · {bytes_per_sec} · {elapsed_precise}";

/// One piece of long work's progress; cleared from the terminal when finished or dropped (an
/// error then prints on a clean line).
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Progress over `total` items named `unit` (for example "đảng viên"); hidden under `--json`
    /// or when stderr is not a terminal.
    pub fn counted(total: u64, unit: &'static str, json: bool) -> Self {
        let bar = ProgressBar::with_draw_target(Some(total), target(json));
        bar.set_style(counted_style(unit));
        Self { bar }
    }

    /// Progress of a download of unknown size, in bytes.
    pub fn streamed(json: bool) -> Self {
        let bar = ProgressBar::with_draw_target(None, target(json));
        bar.set_style(styled(STREAMED, ProgressStyle::default_spinner()));
        bar.enable_steady_tick(Duration::from_millis(120));
        Self { bar }
    }

    /// Progress nobody sees: for callers that run the same work without a person watching (the
    /// dev mode's first start, tests).
    pub fn hidden() -> Self {
        Self {
            bar: ProgressBar::hidden(),
        }
    }

    /// Sets the number of items of the whole work, once it is known.
    pub fn set_total(&self, total: u64) {
        self.bar.set_length(total);
    }

    /// Counts `amount` more items (or bytes) as done.
    pub fn advance(&self, amount: u64) {
        self.bar.inc(amount);
    }

    /// What is being done now, shown before the bar.
    pub fn set_message(&self, message: impl Into<Cow<'static, str>>) {
        self.bar.set_message(message);
    }

    /// Runs `print` with the bar out of the way, so that lines written to stdout while the work
    /// goes on do not mix with it.
    pub fn above<R>(&self, print: impl FnOnce() -> R) -> R {
        self.bar.suspend(print)
    }

    /// Whether the bar is drawn (a terminal, not JSON).
    pub fn is_visible(&self) -> bool {
        !self.bar.is_hidden()
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// stderr when a person is watching it and the output is for a person, else nowhere.
fn target(json: bool) -> ProgressDrawTarget {
    if json || !std::io::stderr().is_terminal() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    }
}

fn counted_style(unit: &'static str) -> ProgressStyle {
    styled(COUNTED, ProgressStyle::default_bar())
        .progress_chars("=> ")
        .with_key(
            "rate",
            move |state: &ProgressState, out: &mut dyn std::fmt::Write| {
                let _ = write!(out, "{:.0} {unit}/giây", state.per_sec());
            },
        )
}

/// The template's style; the templates are constants checked by a test, and a bar drawn in the
/// default style is still better than failing the work it reports on.
fn styled(template: &str, fallback: ProgressStyle) -> ProgressStyle {
    ProgressStyle::with_template(template).unwrap_or(fallback)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_parse() {
        for template in [COUNTED, STREAMED] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }

    #[test]
    fn nothing_is_drawn_under_json_and_counts_still_advance() {
        let progress = Progress::counted(10, "đảng viên", true);
        assert!(!progress.is_visible());
        progress.advance(4);
        progress.advance(3);
        assert_eq!(progress.bar.position(), 7);
        assert_eq!(progress.bar.length(), Some(10));
        assert!(!Progress::streamed(true).is_visible());
        assert!(!Progress::hidden().is_visible());
    }
}
