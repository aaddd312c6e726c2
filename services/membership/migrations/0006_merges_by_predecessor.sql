-- A unit's successor is looked up by the unit's code on every call of a caller scoped to
-- provinces (the province today of a commune recorded under a former province).
create index unit_merge_predecessors_code_idx on unit_merge_predecessors (code);
