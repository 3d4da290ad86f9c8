-- Orchestration (Hangfire): a nightly run fans out one job per school and fans in to analysis and sending, possibly
-- across several worker processes. What each school's job did is kept here, so any job can be retried or run twice and
-- find out what is already done, and so `skolnarvaro status` can show a run school by school.
-- (Hangfire keeps its own tables in the schema "hangfire" of the same database.)

alter table run drop constraint run_status_check;
alter table run add constraint run_status_check check (status in ('Running', 'Succeeded', 'Failed', 'Abandoned'));
-- What started the run (a Hangfire job id, or the command line): retrying the job that started it finds it again.
alter table run add column trigger_key text;
create unique index run_trigger_once on run (trigger_key) where trigger_key is not null;
alter table run add column dry_run boolean not null default false;
create index run_kind_started on run (kind, started_at desc);

-- Which run imported a file (null: imported by `skolnarvaro import` outside a run).
alter table import_file add column run_id bigint references run;
create index import_file_run on import_file (run_id) where run_id is not null;

create table run_school (
    run_id              bigint not null references run,
    skolenhetskod       char(8) not null references school,
    -- Pending → Importing → Imported | Failed (a failed school is retried by Hangfire and may still become Imported).
    status              text not null default 'Pending' check (status in ('Pending', 'Importing', 'Imported', 'Failed')),
    attempts            int not null default 0,
    worker              text,                       -- the process that ran the latest attempt (host:pid)
    started_at          timestamptz,                -- first attempt
    finished_at         timestamptz,                -- latest attempt's end
    import_ms           bigint,                     -- latest attempt's import time
    files_seen          int not null default 0,     -- files in the inbox imported by an earlier run
    quality_json        jsonb,
    error               text,
    -- Set in the transaction that records the school's flags and digest: analysis is done once per run and school.
    analyzed_at         timestamptz,
    analysis_ms         bigint,
    high                int,
    at_risk             int,
    trend               int,
    new_or_escalated    int,
    reminded            int,
    digest_queued       boolean,
    primary key (run_id, skolenhetskod)
);
