-- The aggregate read model of the provincial statistics (`model::aggregate`): per commune, the
-- roll as dated deltas by breakdown value, and what happened on each day (entries, exits,
-- admissions, events). Maintained with each member change in the transaction that advances the
-- cursor: the member's previous contribution removed, the new one added. Same rules as before:
-- dates are `YYYY-MM-DD` text, no foreign keys, every row derives from the feed.

-- Members under `value` of `dimension` on day D in a commune: the sum of `delta` over the rows
-- dated on or before D.
create table roll_deltas (
    commune_code text   not null,
    dimension    text   not null,
    value        text   not null,
    day          text   not null,
    delta        bigint not null,
    constraint roll_deltas_pk primary key (commune_code, dimension, value, day)
);

-- How many times `value` of `dimension` happened in a commune on a day.
create table roll_movements (
    commune_code text   not null,
    dimension    text   not null,
    value        text   not null,
    day          text   not null,
    count        bigint not null,
    constraint roll_movements_pk primary key (commune_code, dimension, value, day)
);

create index roll_movements_day_idx on roll_movements (commune_code, day);
create index roll_deltas_day_idx on roll_deltas (commune_code, day);

-- The roll summed up to the pivot day: members under `value` of `dimension` on that day. A day
-- after the pivot adds the deltas dated from the day after the pivot up to it, a day before it
-- takes away those dated after it, so that an answer reads the deltas between the pivot and its
-- day only, not the whole history. Kept with each delta row; `partyctl aggregates rebuild` moves
-- the pivot to the day it runs.
create table roll_base (
    commune_code text   not null,
    dimension    text   not null,
    value        text   not null,
    members      bigint not null,
    constraint roll_base_pk primary key (commune_code, dimension, value)
);

create table roll_pivot (
    id  bigint not null,
    day text   not null,
    constraint roll_pivot_pk primary key (id)
);

insert into roll_pivot (id, day) values (1, '2026-01-01');

-- Rebuild the projection from the start of the feed, so that the ledgers above hold every member
-- change applied so far. Every row derives from the feed, so nothing is lost; the audit trail
-- stays.
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
delete from holidays;
delete from rule_versions;
update feed_cursor set last_sequence = 0, last_commit_time_us = 0 where id = 1;
