-- Foundation schema. Personnummer never appears here: pupils are keyed by an HMAC of it.

create table school (
    skolenhetskod   char(8) primary key,
    name            text not null,
    driftsform      text not null check (driftsform in ('Municipal', 'Independent')),
    huvudman        text not null,
    updated_at      timestamptz not null default now()
);

create table pupil (
    pupil_key       bytea primary key,            -- HMAC-SHA256(secret, 12-digit personnummer)
    first_name      text not null,
    last_name       text not null,
    gender          char(1) not null check (gender in ('F', 'M')),
    birth_year      int not null,
    updated_at      timestamptz not null default now()
);

-- Where a pupil has been seen, with class and grade as of the latest export.
create table enrolment (
    pupil_key       bytea not null references pupil,
    skolenhetskod   char(8) not null references school,
    class_name      text not null,
    grade           int,
    first_date      date not null,
    last_date       date not null,
    primary key (pupil_key, skolenhetskod)
);

create table import_file (
    id                  bigint generated always as identity primary key,
    skolenhetskod       char(8) not null references school,
    file_name           text not null,
    content_sha256      bytea not null,
    profile             text not null,
    kind                text not null check (kind in ('Lessons', 'Days', 'Summary')),
    status              text not null check (status in ('Imported', 'Rejected')),
    imported_at         timestamptz not null,
    period_from         date,
    period_to           date,
    rows_read           int not null default 0,
    rows_imported       int not null default 0,
    rows_quarantined    int not null default 0,
    rows_protected      int not null default 0,
    facts_written       int not null default 0,
    facts_replaced      int not null default 0,
    lessons_scheduled   int,                      -- lessons exports: for the reporting rate
    lessons_registered  int,
    message             text
);
-- A file is imported once; a rejected file may be sent again once the school has fixed it.
create unique index import_file_once on import_file (skolenhetskod, content_sha256) where status = 'Imported';
create index import_file_school on import_file (skolenhetskod, imported_at);

create table quarantined_row (
    import_file_id  bigint not null references import_file on delete cascade,
    line            int not null,
    column_name     text,
    value           text,                          -- masked when it could be a personnummer
    reason          text not null
);
create index quarantined_row_file on quarantined_row (import_file_id);

-- One row per pupil, school and school day: the grain everything else is computed from.
create table attendance_fact (
    skolenhetskod       char(8) not null references school,
    pupil_key           bytea not null references pupil,
    date                date not null,
    scheduled_min       int not null,
    excused_min         int not null,
    unexcused_min       int not null,
    late_min            int not null,
    not_reported_min    int not null,
    import_file_id      bigint not null references import_file,
    primary key (skolenhetskod, pupil_key, date)
);
create index attendance_fact_school_date on attendance_fact (skolenhetskod, date);

-- Cumulative term-to-date figures from summary exports, kept so the next snapshot can be differenced.
create table summary_snapshot (
    skolenhetskod       char(8) not null references school,
    pupil_key           bytea not null references pupil,
    period_from         date not null,
    period_to           date not null,
    scheduled_min       int not null,
    excused_min         int not null,
    unexcused_min       int not null,
    import_file_id      bigint not null references import_file,
    primary key (skolenhetskod, pupil_key, period_to)
);

create table run (
    id                  bigint generated always as identity primary key,
    kind                text not null,
    started_at          timestamptz not null,
    finished_at         timestamptz,
    as_of               date not null,
    status              text not null check (status in ('Running', 'Succeeded', 'Failed')),
    config_json         jsonb not null,
    config_sha256       text not null,
    summary_json        jsonb
);

-- The level each pupil is at, per run; the history of levels follows from these rows.
create table flag (
    run_id              bigint not null references run,
    skolenhetskod       char(8) not null references school,
    pupil_key           bytea not null references pupil,
    level               text not null check (level in ('Trend', 'AtRisk', 'High')),
    since               date not null,
    change              text not null check (change in ('New', 'Escalated', 'Still')),
    figures_json        jsonb not null,
    descriptions        text[] not null,
    primary key (run_id, skolenhetskod, pupil_key)
);
create index flag_pupil on flag (skolenhetskod, pupil_key, run_id);

create table outbox (
    id                  bigint generated always as identity primary key,
    idempotency_key     text not null unique,      -- school + run: a digest is recorded once
    run_id              bigint references run,
    skolenhetskod       char(8) references school,
    recipients          text[] not null,
    subject             text not null,
    mime                bytea not null,            -- the whole message, ready to send
    created_at          timestamptz not null,
    attempts            int not null default 0,
    next_attempt_at     timestamptz not null,
    last_error          text,
    sent_at             timestamptz
);
create index outbox_pending on outbox (next_attempt_at) where sent_at is null;
