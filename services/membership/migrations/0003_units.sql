-- Administrative units as data: provinces with their validity and the recorded merges of
-- provinces and communes; and the member facts the provincial statistics need (party-age gaps,
-- badges handed over, serious illness, re-admission). Same portable conventions as 0001: dates
-- 'YYYY-MM-DD' text, times microseconds, flags 0/1, ids from id_sequences.

insert into id_sequences (name, last_value) values ('merges', 0);

-- Province-level units, keyed by statistics code.
create table provinces (
    code            text    not null constraint provinces_pk primary key,
    display_name    text    not null,
    valid_from      text    not null,
    valid_to        text,
    version         bigint  not null,
    create_time_us  bigint  not null,
    update_time_us  bigint  not null
);

-- A merge of units (level PROVINCE or COMMUNE) into a successor from its effective date.
create table unit_merges (
    id              bigint  not null constraint unit_merges_pk primary key,
    level           text    not null,
    successor_code  text    not null,
    effective_date  text    not null,
    legal_basis     text    not null,
    create_time_us  bigint  not null
);
create index unit_merges_order_idx on unit_merges (effective_date, id);

-- The joined units of each merge, in the order given.
create table unit_merge_predecessors (
    merge_id        bigint  not null constraint unit_merge_predecessors_merge_fk references unit_merges (id),
    position        bigint  not null,
    code            text    not null,
    constraint unit_merge_predecessors_pk primary key (merge_id, position)
);

alter table members add column readmission bigint not null default 0;
alter table members add column seriously_ill bigint not null default 0;

-- Periods that do not count towards a member's party age, in the order given.
create table member_party_age_gaps (
    member_id       bigint  not null constraint member_party_age_gaps_member_fk references members (id),
    position        bigint  not null,
    from_date       text    not null,
    to_date         text    not null,
    reason          text    not null,
    constraint member_party_age_gaps_pk primary key (member_id, position)
);

-- Badges handed to a member, in the order given; one per number of years.
create table member_badges (
    member_id       bigint  not null constraint member_badges_member_fk references members (id),
    position        bigint  not null,
    years           bigint  not null,
    award_date      text    not null,
    constraint member_badges_pk primary key (member_id, position),
    constraint member_badges_years_uq unique (member_id, years)
);
