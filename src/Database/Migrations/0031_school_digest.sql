-- When each school's digest was last composed, sent or not (a digest day with no news sends nothing but still counts):
-- the cadence (weekly on Monday by default) is judged against it, so a weekly school hears nothing Tuesday to Sunday.
create table school_digest (
    skolenhetskod       char(8) primary key references school,
    last_composed_on    date not null,
    last_run_id         bigint references run
);

-- A run may send what is due now, whatever the schedule (run-once --send-now, and demo mode).
alter table run add column send_now boolean not null default false;

-- What a run's analysis said about the school's next digest: the analysts' run report and `status` show it.
alter table run_school
    add column next_digest_on   date,
    add column waiting          int;
