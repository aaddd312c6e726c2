-- A re-admission links the new record to the earlier one of the same person. The citizen ID is
-- unique per person, not per record: the earlier record, superseded by the re-admission, keeps its
-- citizen ID, and the uniqueness holds over the records not superseded.
alter table members add column previous_member_id bigint;
alter table members add column superseded bigint not null default 0;
-- The person's first admission decision, on a re-admitted record: party age counts from it.
alter table members add column first_decision_date text;
drop index members_citizen_id_uq;
create unique index members_citizen_id_uq on members (citizen_id) where superseded = 0;
