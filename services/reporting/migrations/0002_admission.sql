-- The admission pipeline as the feed tells it: candidates and the stages they reached, the
-- regulation versions and the holiday calendar (both kept as data by the membership service),
-- commune targets, cell plans and yearly ratings, and the area flags of communes. Same rules as
-- 0001: every row derives from the feed, dates are `YYYY-MM-DD` text, enum values are value
-- names, byte strings are `bytea` (SQLite stores them as blobs), no foreign keys.

-- Deadlines name the person concerned, for the secretaries who follow them up.
alter table members add column full_name text;

-- Rebuild the projection from the start of the feed: the consumer that ran before this migration
-- stepped over the admission changes it could not read, and stored no member names. Every row
-- derives from the feed, so emptying the tables and rewinding the cursor loses nothing.
delete from member_stints;
delete from members;
delete from cells;
delete from communes;
update feed_cursor set last_sequence = 0, last_commit_time_us = 0 where id = 1;

-- A commune's area classifications; replaced as a whole by every commune change. A commune is a
-- flagged area on day D when a period covers D (valid_to is the last day, inclusive).
create table commune_area_flags (
    commune_code text   not null,
    position     bigint not null,
    -- AreaKind value name
    kind         text   not null,
    valid_from   text   not null,
    -- null while in force
    valid_to     text,
    constraint commune_area_flags_pk primary key (commune_code, position)
);

-- Candidates (admission sources), latest known facts. The citizen id is never stored: `resource`
-- is the feed's Candidate message with citizen_id cleared, decoded when a report judges the
-- candidate's eligibility.
create table candidates (
    candidate_id  text   not null,
    commune_code  text   not null,
    cell_id       text   not null,
    -- CandidateStage value name, as of the latest change
    stage         text   not null,
    stage_date    text,
    resource      bytea  not null,
    -- sequence of the change that wrote this state
    last_sequence bigint not null,
    constraint candidates_pk primary key (candidate_id)
);

create index candidates_commune_idx on candidates (commune_code, cell_id);

-- Every stage a candidate was seen at, with the day it was reached: the stage on day D is the
-- row with the latest stage_date <= D (ties: the later feed sequence). A candidate whose first
-- stage_date is after D does not exist yet on D.
create table candidate_stages (
    candidate_id text   not null,
    stage        text   not null,
    stage_date   text   not null,
    -- the first change that carried this stage and day
    sequence     bigint not null,
    constraint candidate_stages_pk primary key (candidate_id, stage, stage_date)
);

-- Regulation versions; `resource` is the feed's RuleVersion message.
create table rule_versions (
    in_force_from text  not null,
    code          text  not null,
    resource      bytea not null,
    constraint rule_versions_pk primary key (in_force_from)
);

-- Public holidays: not working days.
create table holidays (
    holiday_date text not null,
    display_name text not null,
    constraint holidays_pk primary key (holiday_date)
);

-- A commune's targets for a congress term.
create table targets (
    commune_code        text   not null,
    first_year          bigint not null,
    last_year           bigint not null,
    admissions_per_year bigint not null,
    good_cells_percent  bigint not null,
    constraint targets_pk primary key (commune_code, first_year)
);

-- A cell's plan for a year.
create table cell_plans (
    commune_code       text   not null,
    cell_id            text   not null,
    plan_year          bigint not null,
    sources_to_develop bigint not null,
    admissions         bigint not null,
    constraint cell_plans_pk primary key (commune_code, cell_id, plan_year)
);

-- A cell's rating for a year; level is the RatingLevel value name.
create table cell_ratings (
    commune_code text   not null,
    cell_id      text   not null,
    rating_year  bigint not null,
    level        text   not null,
    constraint cell_ratings_pk primary key (commune_code, cell_id, rating_year)
);

-- A member's rating for a year; level is the RatingLevel value name.
create table member_ratings (
    member_id   bigint not null,
    rating_year bigint not null,
    level       text   not null,
    constraint member_ratings_pk primary key (member_id, rating_year)
);
