//! Where the projection stands in the membership feed, and what the consumer knows of the
//! connection: the inputs of the freshness figures.

/// The feed position as stored with the projection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedPosition {
    /// Sequence of the last change applied.
    pub last_sequence: i64,
    /// Its commit time, microseconds since the epoch; 0 when nothing was applied.
    pub last_commit_time_us: i64,
}

/// What the consumer knows of the feed's connection, held in memory.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FeedContact {
    /// Whether the consumer is connected now.
    pub connected: bool,
    /// Highest sequence announced by the membership service.
    pub head_sequence: i64,
    /// Last time the membership service was heard from, microseconds; 0 for never.
    pub last_contact_us: i64,
    /// Whether, on the current connection, the feed was found to hold the last change applied
    /// and membership announced its head, with no rebuild under way: only then does
    /// `head_sequence` say where membership stands now.
    pub head_confirmed: bool,
}
