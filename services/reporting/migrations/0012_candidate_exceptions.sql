-- The rest of what the eligibility rules judge a candidate on, so that the admission reports
-- find the blockers the membership service finds: the exceptions to the admission rules, whether
-- a Youth Union organisation exists where the candidate lives or works, the cell's unsuccessful
-- votes, and the numbers of a regulation version those rules use. Same rules as before: every
-- row derives from the feed, dates are `YYYY-MM-DD` text, enum values are value names, flags are
-- bigint 0/1, no foreign keys.

-- 1 when no Youth Union organisation exists where the candidate lives or works (the contract's
-- `no_youth_union_organisation`; unset means one exists).
alter table candidates add column no_youth_union_organisation bigint not null default 0;

-- A candidate's exceptions, in the feed's order; replaced by every candidate change. Only what
-- the rules read: which rule is lifted and from which day. Who decided, the reference number and
-- the note stay with the membership service.
create table candidate_exceptions (
    candidate_id  text   not null,
    position      bigint not null,
    -- ExceptionKind value name
    kind          text   not null,
    decision_date text   not null,
    constraint candidate_exceptions_pk primary key (candidate_id, position)
);

-- The days of the cell's unsuccessful votes on a candidate, oldest first; replaced by every
-- candidate change. The rules count them up to the day judged; the tallies are not needed.
create table candidate_failed_votes (
    candidate_id text   not null,
    position     bigint not null,
    vote_date    text   not null,
    constraint candidate_failed_votes_pk primary key (candidate_id, position)
);

-- The numbers of a regulation version the exceptions, the Youth Union's introduction and the
-- failed votes are judged by; the defaults are the reference values, rewritten by the replay.
alter table rule_versions add column min_education_village_elder text not null
    default 'GENERAL_EDUCATION_LITERATE';
alter table rule_versions add column youth_age_max_months bigint not null default 371;
alter table rule_versions add column failed_cell_votes_limit bigint not null default 3;

-- Rebuild the projection from the start of the feed: the candidates and versions stored so far
-- were read without the facts above, although the membership service already recorded them, and
-- a replay over the stints and ledgers already computed would not give the same counts. Every
-- row derives from the feed, so nothing is lost; the audit trail stays.
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
