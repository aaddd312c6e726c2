-- The ledgers follow a member by the events they read (exits and counted movements, see
-- model::aggregate::read_by_ledgers): with the type in the member's index those are found without
-- visiting the member's other events, so that following a member does not cost more as its history
-- grows. Reads of a member's whole history use the index's first column as before.
drop index member_events_member_idx;
create index member_events_member_idx on member_events (member_id, event_type, effective_date);
