-- A member's party-age gaps, badges and disciplines are kept on its row, as JSON arrays, so that a
-- member or a page of a roster is read as its rows alone, without a sub-select per member.
-- NULL in the rows stored before: at start the service folds in what was kept apart until now
-- (member_party_age_gaps, member_badges, and the member's EVENT_TYPE_DISCIPLINED events) and
-- empties those two tables, which nothing writes any more (store::members::fold_legacy_extras).
alter table members add column party_age_gaps text;
alter table members add column badges text;
alter table members add column disciplines text;

-- What is left to fold, found without reading the whole table at each start.
create index members_lists_unfolded on members (id) where party_age_gaps is null;
