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
-- Rebuild the projection from the start of the feed, the ledgers with it: the request below makes
-- the service forget every projected table (`Store::replay_if_requested`, the one list of them) and
-- replay the feed before it answers a report. Every row derives from the feed, so nothing is lost;
-- the audit trail stays.

-- Replays of the feed asked for by a migration, one row per migration; the service carries them
-- out at start and deletes them in the same transaction.
create table projection_replay_requests (
    migration bigint not null,
    constraint projection_replay_requests_pk primary key (migration)
);
insert into projection_replay_requests (migration) values (13);

-- Bumped in the transaction of every commune, province or merge applied, and when the projection
-- is forgotten: reports keep the units directory they read while the version stands.
alter table feed_cursor add column units_version bigint not null default 0;
