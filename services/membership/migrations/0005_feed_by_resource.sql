-- The latest change of one resource, read when a member's or candidate's change is appended to
-- find the commune it moves them from.
create index changes_by_resource on changes (resource_name, sequence);
