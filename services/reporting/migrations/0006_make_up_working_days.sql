-- The calendar also keeps the make-up working days (ngày làm bù, usually Saturdays) that come
-- with the days off the Government moves: 1 for such a day, 0 for a day off.
alter table holidays add column make_up_working_day bigint not null default 0;
