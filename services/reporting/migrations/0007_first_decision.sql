-- A re-admitted member's first admission decision: party age counts from it.
alter table members add column first_decision_date text;
