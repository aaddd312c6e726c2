-- The projection of the membership feed that the reports read. The reporting service owns this
-- database; every row derives from a change of the feed, so the whole database can be rebuilt by
-- replaying the feed from sequence 0. Dates are TEXT `YYYY-MM-DD` (their text order is their
-- calendar order), timestamps BIGINT microseconds since the Unix epoch, enum values TEXT value
-- names (`CELL_KIND_SCHOOL`). There are no foreign keys between the tables: the feed is the
-- source of truth and a member may arrive before its cell's row in a partial replay.

-- Where the consumer stands in the feed. Exactly one row, advanced in the same transaction as the
-- projection rows of the changes it covers (exactly-once effect).
create table feed_cursor (
    id                  bigint not null,
    -- sequence of the last change applied; 0 before the first
    last_sequence       bigint not null,
    -- commit time of that change at the membership service; 0 before the first
    last_commit_time_us bigint not null,
    -- highest sequence the membership service announced in a heartbeat
    head_sequence       bigint not null,
    -- last time the membership service was heard from; 0 for never
    last_contact_us     bigint not null,
    constraint feed_cursor_pk primary key (id),
    constraint feed_cursor_single_row check (id = 1)
);

insert into feed_cursor (id, last_sequence, last_commit_time_us, head_sequence, last_contact_us)
values (1, 0, 0, 0, 0);

-- Communes seen on the feed: a report is only answered for a commune listed here.
create table communes (
    code          text not null,
    display_name  text not null,
    province_code text not null,
    constraint communes_pk primary key (code)
);

-- Party cells; a cell is open on day D when open_date <= D and (close_date is null or D < close_date).
create table cells (
    commune_code text not null,
    cell_id      text not null,
    display_name text not null,
    -- CellKind value name
    kind         text not null,
    -- null only if the feed did not carry it: then the cell counts as open since always
    open_date    text,
    -- null while the cell is active
    close_date   text,
    constraint cells_pk primary key (commune_code, cell_id)
);

-- Members, current state only, without names or any personal contact field: the reports need
-- none of them. Enum columns hold value names; unset optional dates are null.
create table members (
    id                  bigint not null,
    -- the current cell
    commune_code        text not null,
    cell_id             text not null,
    cell_since          text,
    gender              text not null,
    birth_date          text,
    ethnicity_code      text not null,
    general_education   text not null,
    -- POLITICAL_THEORY_UNSPECIFIED is stored as POLITICAL_THEORY_NONE, as the contract says
    political_theory    text not null,
    -- ASSIGNMENT_UNSPECIFIED is stored as ASSIGNMENT_LOCAL, as the contract says
    assignment          text not null,
    status              text not null,
    decision_date       text,
    ceremony_date       text,
    -- official on day D when official_date <= D, probationary before
    official_date       text,
    joined_date         text,
    left_date           text,
    -- the cell where this commune admitted the member; null for transfers in
    admitted_in_commune text,
    admitted_in_cell    text,
    -- sequence of the change that wrote this state
    last_sequence       bigint not null,
    constraint members_pk primary key (id)
);

create index members_commune_cell_idx on members (commune_code, cell_id);
-- admissions per commune and period, and the last admission per cell
create index members_admitted_idx on members (admitted_in_commune, decision_date);

-- A member's periods on the roll of one cell: on the roll of the cell on day D when
-- from_date <= D and (to_date is null or D < to_date). Periods of one member never overlap, so
-- that a point-in-time report counts each member at most once, in the cell they were in that day.
create table member_stints (
    member_id    bigint not null,
    commune_code text not null,
    cell_id      text not null,
    from_date    text not null,
    -- exclusive end; null while the member is still on this cell's roll
    to_date      text,
    constraint member_stints_pk primary key (member_id, from_date),
    constraint member_stints_not_empty check (to_date is null or to_date > from_date)
);

-- every report scans one commune's stints
create index member_stints_commune_idx on member_stints (commune_code, cell_id, from_date);
