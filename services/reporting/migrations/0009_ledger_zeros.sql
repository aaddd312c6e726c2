-- A ledger row whose count reaches zero is deleted in the transaction that zeroes it. These
-- partial indexes hold only such rows (none once a batch has committed), so that the batch finds
-- them with one indexed delete per table instead of reading back every row it wrote, however long
-- the history.
create index roll_deltas_zero_idx on roll_deltas (commune_code) where delta = 0;
create index roll_movements_zero_idx on roll_movements (commune_code) where count = 0;
create index roll_base_zero_idx on roll_base (commune_code) where members = 0;
