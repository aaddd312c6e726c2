-- Request ids belong to the caller that sent them: the same id from two callers names two
-- requests, so one tenant's id can neither block nor reveal another's. `caller` is a digest of
-- the token's subject and scope (see the kit's `Caller::request_scope`). A request's row is
-- inserted first in its transaction with sequence 0 (a concurrent retry of the same id waits on
-- it) and given the sequence of its first change before the commit. Rows older than the
-- configured retention are purged.
create table caller_requests (
    caller          text    not null,
    request_id      text    not null,
    method          text    not null,
    fingerprint     bytea   not null,
    sequence        bigint  not null,
    create_time_us  bigint  not null,
    constraint caller_requests_pk primary key (caller, request_id)
);

create index caller_requests_by_time on caller_requests (create_time_us);

-- Ids recorded before callers were told apart cannot be given a caller: they are dropped (the
-- changes they produced stay in the feed); upgrade between bursts of retries.

drop table requests;
