//! Read-your-writes: a caller that wrote to membership passes the feed sequence of its write
//! (membership's `x-feed-sequence`, or its `GetFeedHead`) as `x-min-feed-sequence`, and the report
//! is computed only once that change is applied — waiting at most four fifths of the call's
//! deadline (`grpc-timeout`, else [`DEFAULT_WAIT`]), then answering FAILED_PRECONDITION.

use std::time::Duration;

use partyregistry_kit::error::ApiError;
use tonic::metadata::MetadataMap;

use crate::ingest::consumer::FeedState;

/// The request metadata naming the feed sequence a report must reflect.
pub const MIN_FEED_SEQUENCE_HEADER: &str = "x-min-feed-sequence";

/// How long a report waits for its sequence when the call states no deadline.
pub const DEFAULT_WAIT: Duration = Duration::from_secs(10);

/// The reason of a report whose sequence was not applied in time.
const NOT_YET_APPLIED: &str = "FEED_SEQUENCE_NOT_YET_APPLIED";

/// The sequence asked for, if any, and how long the call may wait for it.
pub fn requested(metadata: &MetadataMap) -> Result<Option<(i64, Duration)>, ApiError> {
    let Some(value) = metadata.get(MIN_FEED_SEQUENCE_HEADER) else {
        return Ok(None);
    };
    let sequence = value
        .to_str()
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .filter(|sequence| *sequence >= 0)
        .ok_or_else(|| {
            ApiError::invalid(
                MIN_FEED_SEQUENCE_HEADER,
                "must be a feed sequence: a whole number, 0 or more",
            )
        })?;
    // A fifth of the caller's deadline is left for computing and sending the answer, so that
    // the refusal arrives before the caller gives up.
    let wait = metadata
        .get("grpc-timeout")
        .and_then(|value| value.to_str().ok())
        .and_then(grpc_timeout)
        .map_or(DEFAULT_WAIT, |deadline| deadline - deadline / 5);
    Ok(Some((sequence, wait)))
}

/// A `grpc-timeout` value (`<digits><unit>`, the unit one of H M S m u n).
fn grpc_timeout(text: &str) -> Option<Duration> {
    let unit = text.chars().last()?;
    let amount: u64 = text.get(..text.len() - unit.len_utf8())?.parse().ok()?;
    Some(match unit {
        'H' => Duration::from_secs(amount.saturating_mul(3600)),
        'M' => Duration::from_secs(amount.saturating_mul(60)),
        'S' => Duration::from_secs(amount),
        'm' => Duration::from_millis(amount),
        'u' => Duration::from_micros(amount),
        'n' => Duration::from_nanos(amount),
        _ => return None,
    })
}

/// Waits until `feed` has applied `sequence`, for at most `wait`.
pub async fn wait(feed: &FeedState, sequence: i64, wait: Duration) -> Result<(), ApiError> {
    feed.wait_applied(sequence, wait).await.map_err(|applied| {
        ApiError::precondition(
            NOT_YET_APPLIED,
            MIN_FEED_SEQUENCE_HEADER,
            format!(
                "change {sequence} is not applied yet (applied up to {applied}); retry shortly"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_read_in_every_unit() {
        assert_eq!(grpc_timeout("5S"), Some(Duration::from_secs(5)));
        assert_eq!(grpc_timeout("250m"), Some(Duration::from_millis(250)));
        assert_eq!(grpc_timeout("2M"), Some(Duration::from_secs(120)));
        assert_eq!(grpc_timeout("x"), None);
        assert_eq!(grpc_timeout("10Q"), None);
    }

    #[test]
    fn a_bad_sequence_names_the_header() {
        let mut metadata = MetadataMap::new();
        assert!(matches!(requested(&metadata), Ok(None)));
        metadata.insert(MIN_FEED_SEQUENCE_HEADER, "-3".parse().expect("ascii"));
        assert!(requested(&metadata).is_err());
        metadata.insert(MIN_FEED_SEQUENCE_HEADER, "42".parse().expect("ascii"));
        metadata.insert("grpc-timeout", "3S".parse().expect("ascii"));
        assert!(matches!(
            requested(&metadata),
            Ok(Some((42, wait))) if wait == Duration::from_millis(2400)
        ));
    }

    #[tokio::test]
    async fn a_report_waits_for_its_change_and_no_longer_than_allowed() {
        let feed = std::sync::Arc::new(FeedState::default());
        let refused = wait(&feed, 5, Duration::from_millis(20)).await;
        assert!(refused.is_err());
        let waiting = tokio::spawn({
            let feed = feed.clone();
            async move { wait(&feed, 5, Duration::from_secs(30)).await }
        });
        tokio::task::yield_now().await;
        feed.applied(5);
        assert!(waiting.await.expect("joined").is_ok());
    }
}
