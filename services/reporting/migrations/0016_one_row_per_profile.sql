-- A member's roll period is counted under one profile row (gender, ethnic group, religion,
-- general education, political theory, qualification in one value) instead of a row per
-- breakdown, and an admission under one row naming its breakdowns instead of a row per breakdown
-- (`model::aggregate`, `roll::PROFILE`, `movement::ADMITTED`): the ledgers hold every
-- contribution in the old shape, so the feed is counted again from its start.
insert into projection_replay_requests (migration) values (16);
