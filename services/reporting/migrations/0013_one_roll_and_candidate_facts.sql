-- Two facts that lift admission blockers, so that the pipeline judges them as the membership
-- service does: a demobilised soldier who took the awareness class again locally needs no
-- referral from the unit (flag 0/1), and a candidate living away may be admitted from the day the
-- Party organisation where they live or work gave its written comment (`YYYY-MM-DD`, null while
-- there is none, like the other optional dates of the table). The replay below fills them.
alter table candidates add column class_retaken_locally bigint not null default 0;
alter table candidates add column away_comment_date text;
-- The day the cell received the admission decision (the ceremony's clock starts at it).
alter table members add column decision_received_date text;

-- One roll for every report: the statistics, the movements and the rankings count a member on
-- the roll from the admission ceremony (or the transfer in), as the commune report and the cell
-- health always did; the days from the decision to the ceremony are the line "decided, awaiting
-- the ceremony", outside the roll, and the movements count ceremonies and departures before one.
-- The ledgers of the aggregate read model hold every member's contribution under the old roll.
--
-- Rebuild the projection from the start of the feed, the ledgers with it. Every row derives from
-- the feed, so nothing is lost; the audit trail stays.
delete from member_stints;
delete from members;
delete from cells;
delete from communes;
delete from commune_area_flags;
delete from candidates;
delete from candidate_introducers;
delete from candidate_stages;
delete from targets;
delete from cell_plans;
delete from cell_ratings;
delete from member_ratings;
delete from provinces;
delete from unit_merges;
delete from unit_merge_predecessors;
delete from member_events;
delete from member_party_age_gaps;
delete from member_badges;
delete from member_disciplines;
delete from holidays;
delete from rule_versions;
delete from roll_deltas;
delete from roll_movements;
delete from roll_base;
update feed_cursor set last_sequence = 0, last_commit_time_us = 0 where id = 1;

-- Bumped in the transaction of every commune, province or merge applied, and when the projection
-- is forgotten: reports keep the units directory they read while the version stands.
alter table feed_cursor add column units_version bigint not null default 0;
