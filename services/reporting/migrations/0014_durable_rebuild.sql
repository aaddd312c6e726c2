-- Set when the projection is forgotten to be counted again from the start of the feed (after a
-- divergence, or a replay a migration asked for), cleared once the replay has reached the head
-- membership announced. A service restarted in the middle of a replay still refuses reports
-- until it ends, instead of answering the partial figures of the batches applied so far.
alter table feed_cursor add column rebuilding bigint not null default 0;
