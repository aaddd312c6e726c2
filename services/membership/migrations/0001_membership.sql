-- The membership system of record: communes, Party cells, members, their event history, the change
-- feed and idempotency records. One text for SQLite and PostgreSQL: dates are 'YYYY-MM-DD' text,
-- times are microseconds since the Unix epoch, flags are 0/1 integers, byte strings are `bytea`
-- (SQLite stores them as blobs, and both compare them byte by byte), and ids come from the
-- id_sequences table rather than from either database's own auto-increment.

-- Commune-level administrative units and their Party organisations, keyed by statistics code.
create table communes (
    code            text    not null constraint communes_pk primary key,
    display_name    text    not null,
    province_code   text    not null,
    valid_from      text    not null,
    valid_to        text,
    version         bigint  not null,
    create_time_us  bigint  not null,
    update_time_us  bigint  not null
);
create index communes_province_idx on communes (province_code, code);

-- Dated area classifications of a commune, in the order the caller gave them.
create table commune_area_flags (
    commune_code    text    not null constraint area_flags_commune_fk references communes (code),
    position        bigint  not null,
    kind            text    not null,
    valid_from      text    not null,
    valid_to        text,
    constraint area_flags_pk primary key (commune_code, position)
);

-- Party cells; sort_key is the Vietnamese collation key of the display name.
create table cells (
    commune_code    text    not null constraint cells_commune_fk references communes (code),
    cell_id         text    not null,
    display_name    text    not null,
    sort_key        bytea    not null,
    kind            text    not null,
    open_date       text    not null,
    close_date      text,
    version         bigint  not null,
    create_time_us  bigint  not null,
    update_time_us  bigint  not null,
    constraint cells_pk primary key (commune_code, cell_id)
);
create index cells_order_idx on cells (commune_code, sort_key, cell_id);

-- Members. sort_key orders rosters (given, middle, family name; Vietnamese collation);
-- search_name is the diacritic-free folded full name for searching.
create table members (
    id                  bigint  not null constraint members_pk primary key,
    commune_code        text    not null,
    cell_id             text    not null,
    full_name           text    not null,
    family_name         text    not null,
    middle_name         text    not null,
    given_name          text    not null,
    sort_key            bytea    not null,
    search_name         text    not null,
    gender              text    not null,
    birth_date          text    not null,
    ethnicity_code      text    not null,
    religion            text    not null,
    home_town           text    not null,
    citizen_id          text,
    phone               text    not null,
    address             text    not null,
    general_education   text    not null,
    qualification       text    not null,
    political_theory    text    not null,
    occupation          text    not null,
    youth_union         bigint  not null,
    card_number         text    not null,
    decision_date       text    not null,
    decision_number     text    not null,
    ceremony_date       text,
    official_date       text,
    status              text    not null,
    cell_since          text    not null,
    assignment          text    not null,
    temporarily_away    bigint  not null,
    away_until          text,
    joined_date         text,
    left_date           text,
    admitted_in_cell    text,
    version             bigint  not null,
    create_time_us      bigint  not null,
    update_time_us      bigint  not null,
    constraint members_cell_fk foreign key (commune_code, cell_id) references cells (commune_code, cell_id)
);
create index members_roster_idx on members (commune_code, sort_key, id);
create index members_cell_idx on members (commune_code, cell_id);
create unique index members_citizen_id_uq on members (citizen_id);

-- The append-only history of each member, numbered 1, 2, … per member.
create table member_events (
    member_id           bigint  not null constraint member_events_member_fk references members (id),
    position            bigint  not null,
    event_type          text    not null,
    effective_date      text    not null,
    decision_number     text    not null,
    deciding_body       text    not null,
    from_organization   text    not null,
    to_organization     text    not null,
    reason              text    not null,
    vote_eligible       bigint,
    vote_present        bigint,
    vote_yes            bigint,
    vote_no             bigint,
    rule_version        text    not null,
    create_time_us      bigint  not null,
    constraint member_events_pk primary key (member_id, position)
);

-- Id allocation, the same on both databases: a command increments the row in its transaction.
create table id_sequences (
    name            text    not null constraint id_sequences_pk primary key,
    last_value      bigint  not null
);
insert into id_sequences (name, last_value) values ('members', 0);

-- The feed's head. Every mutation increments it as its last write: the row lock it takes is held
-- until commit, so sequences commit in order and a reader can never see 8 before 7.
create table feed_head (
    id              bigint  not null constraint feed_head_pk primary key constraint feed_head_single check (id = 1),
    last_sequence   bigint  not null
);
insert into feed_head (id, last_sequence) values (1, 0);

-- The transactional outbox: the full new state of each changed resource, as an encoded
-- partyregistry.membership.v1.Change without sequence and time (they are the columns).
create table changes (
    sequence        bigint  not null constraint changes_pk primary key,
    commit_time_us  bigint  not null,
    resource_name   text    not null,
    payload         bytea    not null
);

-- Idempotency: a request id, the request it came with, and the change it produced.
create table requests (
    request_id      text    not null constraint requests_pk primary key,
    method          text    not null,
    fingerprint     bytea    not null,
    sequence        bigint  not null,
    create_time_us  bigint  not null
);
