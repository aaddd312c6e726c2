-- The audit trail (partyregistry.audit.v1): append-only, one row per audited call.
-- The last id handed out; incremented inside each insert's transaction.
create table audit_head (
    id              bigint  not null constraint audit_head_pk primary key constraint audit_head_single check (id = 1),
    last_id         bigint  not null
);
insert into audit_head (id, last_id) values (1, 0);

-- One audited call. resources is a JSON array of resource names; personal_fields is 0 or 1;
-- outcome is the gRPC code name (OK, UNAUTHENTICATED, PERMISSION_DENIED, ...); detail never holds
-- personal data.
create table audit_entries (
    id              bigint  not null constraint audit_entries_pk primary key,
    time_us         bigint  not null,
    subject         text    not null,
    method          text    not null,
    resources       text    not null,
    personal_fields bigint  not null,
    outcome         text    not null,
    detail          text    not null
);
create index audit_entries_subject_idx on audit_entries (subject, id);
create index audit_entries_method_idx on audit_entries (method, id);
create index audit_entries_outcome_idx on audit_entries (outcome, id);
