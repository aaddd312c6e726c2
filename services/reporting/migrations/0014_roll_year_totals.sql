-- Each year's sum of the roll's deltas per commune, dimension and value, kept with the deltas in
-- the transaction that writes them: the roll on a day far from the pivot adds the totals of the
-- whole years in between instead of every daily delta, so that its cost does not grow with the
-- distance (see `store::aggregates::roll_sums`). `year` is the `YYYY` of the deltas' days.
create table roll_year_deltas (
    commune_code text   not null,
    dimension    text   not null,
    value        text   not null,
    year         text   not null,
    delta        bigint not null,
    constraint roll_year_deltas_pk primary key (commune_code, dimension, value, year)
);

-- Rows at zero are deleted in the transaction that zeroes them, as in the other ledgers (0009).
create index roll_year_deltas_zero_idx on roll_year_deltas (commune_code) where delta = 0;

-- The totals of the deltas already stored: no replay needed.
insert into roll_year_deltas (commune_code, dimension, value, year, delta)
select commune_code, dimension, value, substr(day, 1, 4), sum(delta)
from roll_deltas
group by commune_code, dimension, value, substr(day, 1, 4)
having sum(delta) <> 0;
