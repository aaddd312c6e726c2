-- Two facts that lift admission blockers, same portable conventions as 0002 (flags 0/1, dates
-- 'YYYY-MM-DD' text, empty while unknown). The candidates stored so far take the defaults, which
-- judge them as before.

-- A demobilised soldier took the awareness class again locally: the certificate is the local
-- one, and the army unit's referral letter is not needed.
alter table candidates add column class_retaken_locally bigint not null default 0;

-- For a candidate living or working away: the day the Party organisation where they live or work
-- gave its written comment on them; empty while there is none.
alter table candidates add column away_comment_date text not null default '';
