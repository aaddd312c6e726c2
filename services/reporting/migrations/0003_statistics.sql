-- The statistics a provincial office files: administrative units with their validity and merges,
-- the member facts the breakdowns read (religion, qualification, Youth Union), party age and
-- badges, and the member events that date the movements. Same rules as 0001 and 0002: every row
-- derives from the feed, dates are `YYYY-MM-DD` text, enum values are value names, flags are
-- bigint 0/1 (one column type on both databases), no foreign keys.

-- Validity of a commune: it exists on day D when valid_from <= D and (valid_to is null or
-- D <= valid_to). Null valid_from reads as "since always".
alter table communes add column valid_from text;
alter table communes add column valid_to text;

-- Religion code of the reference list (`00` for none), as `kit::reference::religion_code` reads
-- the member's religion text.
alter table members add column religion_code text;
-- Qualification value name; unspecified is stored as QUALIFICATION_NONE, as the contract says.
alter table members add column qualification text;
alter table members add column youth_union bigint;
alter table members add column seriously_ill bigint;
-- 1 when the admission is a re-admission.
alter table members add column readmission bigint;

-- Rebuild the projection from the start of the feed: the changes applied before this migration
-- were read without the fields above, and a replay over the stints already computed would not
-- give the same periods. Every row derives from the feed, so nothing is lost.
delete from member_stints;
delete from members;
delete from cells;
delete from communes;
delete from commune_area_flags;
delete from candidates;
delete from candidate_stages;
delete from targets;
delete from cell_plans;
delete from cell_ratings;
delete from member_ratings;
update feed_cursor set last_sequence = 0, last_commit_time_us = 0 where id = 1;

-- Provinces; in force on day D when valid_from <= D and (valid_to is null or D <= valid_to).
create table provinces (
    code         text not null,
    display_name text not null,
    valid_from   text not null,
    valid_to     text,
    constraint provinces_pk primary key (code)
);

-- Recorded merges of units: the predecessors end the day before effective_date and the successor
-- carries on from that day. level is the UnitLevel value name.
create table unit_merges (
    merge_id       text not null,
    level          text not null,
    successor_code text not null,
    effective_date text not null,
    legal_basis    text not null,
    constraint unit_merges_pk primary key (merge_id)
);

create table unit_merge_predecessors (
    merge_id         text   not null,
    position         bigint not null,
    predecessor_code text   not null,
    constraint unit_merge_predecessors_pk primary key (merge_id, position)
);

-- The events a lifecycle command recorded, as the feed carried them with the member change.
-- type is the EventType value name.
create table member_events (
    event_name        text   not null,
    member_id         bigint not null,
    event_type        text   not null,
    effective_date    text   not null,
    from_organization text   not null,
    to_organization   text   not null,
    -- the change that carried it
    sequence          bigint not null,
    constraint member_events_pk primary key (event_name)
);

create index member_events_member_idx on member_events (member_id, effective_date);

-- Periods that do not count towards party age (to_date inclusive); replaced by every member
-- change.
create table member_party_age_gaps (
    member_id bigint not null,
    position  bigint not null,
    from_date text   not null,
    to_date   text   not null,
    constraint member_party_age_gaps_pk primary key (member_id, position)
);

-- Badges handed over; replaced by every member change.
create table member_badges (
    member_id  bigint not null,
    years      bigint not null,
    award_date text,
    constraint member_badges_pk primary key (member_id, years)
);
