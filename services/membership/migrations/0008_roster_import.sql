-- The roster import: which rows of which import a caller's scope has already brought in, so that
-- a batch sent again (after a crash, a timeout or a second run of the same file) creates nothing
-- twice; and an index for finding the same person again (commune, birth date, then the name).

-- One row per imported member row. `tenant` is the caller's scope (national, or its provinces
-- and communes), so that two provinces using the same import id never see each other's rows.
create table imported_rows (
    tenant          text    not null,
    import_id       text    not null,
    row_key         text    not null,
    row_number      bigint  not null,
    resource_name   text    not null,
    create_time_us  bigint  not null,
    constraint imported_rows_pk primary key (tenant, import_id, row_key)
);

create index members_identity_idx on members (commune_code, birth_date);
