-- No existence oracle: a writer that cannot see the member already holding a citizen ID gets the
-- answer a free ID would get. Its record is stored with `citizen_id_shared` set, which exempts it
-- from the database's uniqueness (still enforced between all the other records not superseded),
-- and the pair is queued in `identity_conflicts` for an office whose scope covers both records.
alter table members add column citizen_id_shared bigint not null default 0;
drop index members_citizen_id_uq;
create unique index members_citizen_id_uq on members (citizen_id) where superseded = 0 and citizen_id_shared = 0;
-- Every record holding a citizen ID, shared, superseded or not: the lookup before each write.
create index members_citizen_id_idx on members (citizen_id);

insert into id_sequences (name, last_value) values ('identity_conflicts', 0);

-- The review queue. `member_id` was written holding the citizen ID that `existing_member_id`
-- already held; `method` and `writer` (the token's subject) say how. `state` is OPEN until a
-- reviewer closes it as RESOLVED (the records no longer share it) or DISMISSED, with a note.
create table identity_conflicts (
    id                  bigint  not null constraint identity_conflicts_pk primary key,
    member_id           bigint  not null constraint identity_conflicts_member_fk references members (id),
    existing_member_id  bigint  not null constraint identity_conflicts_existing_fk references members (id),
    field               text    not null,
    method              text    not null,
    writer              text    not null,
    state               text    not null,
    note                text    not null,
    resolved_by         text    not null,
    resolve_time_us     bigint,
    version             bigint  not null,
    create_time_us      bigint  not null,
    update_time_us      bigint  not null
);
create index identity_conflicts_state_idx on identity_conflicts (state, id);
