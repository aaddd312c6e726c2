-- Party disciplines short of expulsion, from the member changes; replaced by every member change
-- like the badges. `form` is REPRIMAND, WARNING or DISMISSAL; a due badge is deferred from the
-- decision for the months the regulation version in force on it says.
create table member_disciplines (
    member_id     bigint not null,
    position      bigint not null,
    form          text   not null,
    decision_date text   not null,
    constraint member_disciplines_pk primary key (member_id, position)
);

-- The badge deferrals of each regulation version; the versions projected so far carry the
-- reference values, which no version could change before these numbers existed.
alter table rule_versions add column badge_deferral_reprimand_months bigint not null default 0;
alter table rule_versions add column badge_deferral_warning_months bigint not null default 6;
alter table rule_versions add column badge_deferral_dismissal_months bigint not null default 12;
