-- Party disciplines short of expulsion are member events (EVENT_TYPE_DISCIPLINED) with their form;
-- the form is empty on every other event.
alter table member_events add column discipline_form text not null default '';

-- How long a discipline defers a due Party badge, per regulation version; the stored versions take
-- the reference values (Quy định 29-QĐ/TW on Huy hiệu Đảng: 6 months after a warning, 1 year after
-- a dismissal, none after a reprimand).
alter table rule_versions add column badge_deferral_reprimand_months bigint not null default 0;
alter table rule_versions add column badge_deferral_warning_months bigint not null default 6;
alter table rule_versions add column badge_deferral_dismissal_months bigint not null default 12;
