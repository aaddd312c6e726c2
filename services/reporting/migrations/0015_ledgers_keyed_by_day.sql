-- The dated ledgers keyed by commune and day first: the one index then serves both the batch's
-- upserts (a conflict target names the same columns in any order) and the reports' reads of the
-- rows between two days, instead of a key and a second index on (commune_code, day) that every
-- row written had to enter too. The rows are copied as they are; nothing is counted again.
create table roll_deltas_by_day (
    commune_code text   not null,
    dimension    text   not null,
    value        text   not null,
    day          text   not null,
    delta        bigint not null,
    constraint roll_deltas_by_day_pk primary key (commune_code, day, dimension, value)
);
insert into roll_deltas_by_day (commune_code, dimension, value, day, delta)
    select commune_code, dimension, value, day, delta from roll_deltas;
drop table roll_deltas;
alter table roll_deltas_by_day rename to roll_deltas;
create index roll_deltas_zero_idx on roll_deltas (commune_code) where delta = 0;

create table roll_movements_by_day (
    commune_code text   not null,
    dimension    text   not null,
    value        text   not null,
    day          text   not null,
    count        bigint not null,
    constraint roll_movements_by_day_pk primary key (commune_code, day, dimension, value)
);
insert into roll_movements_by_day (commune_code, dimension, value, day, count)
    select commune_code, dimension, value, day, count from roll_movements;
drop table roll_movements;
alter table roll_movements_by_day rename to roll_movements;
create index roll_movements_zero_idx on roll_movements (commune_code) where count = 0;
