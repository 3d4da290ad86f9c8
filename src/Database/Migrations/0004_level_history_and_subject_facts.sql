-- Level history: one row per period a pupil held one level at one school. Entered, escalated, lowered and left are
-- rows and dates here, so "since when", "last reported N days ago" and a term's outcomes are plain queries.
create table level_episode (
    id                  bigint generated always as identity primary key,
    skolenhetskod       char(8) not null references school,
    pupil_key           bytea not null references pupil,
    level               text not null check (level in ('Trend', 'AtRisk', 'High')),
    entered_on          date not null,                 -- as_of of the run that first saw the pupil at this level
    entered_run_id      bigint not null references run,
    entered_as          text not null check (entered_as in ('New', 'Escalated', 'Lowered')),
    left_on             date,                          -- as_of of the first run that no longer did; null while open
    left_run_id         bigint references run,
    left_because        text check (left_because in ('Escalated', 'Lowered', 'BelowThresholds', 'LeftSchool')),
    last_reported_on    date,                          -- the last digest that told the rektor about the pupil at this level
    check ((left_on is null) = (left_because is null)),
    check (left_on is null or left_on >= entered_on)
);
-- A pupil holds at most one level at a school at a time.
create unique index level_episode_open on level_episode (skolenhetskod, pupil_key) where left_on is null;
create index level_episode_pupil on level_episode (skolenhetskod, pupil_key, entered_on);
create index level_episode_entered on level_episode (entered_on);

-- Flags recorded before this table existed: the latest run's flags become open episodes, so no pupil looks new again.
insert into level_episode (skolenhetskod, pupil_key, level, entered_on, entered_run_id, entered_as, last_reported_on)
select f.skolenhetskod, f.pupil_key, f.level, f.since,
       coalesce((select min(r.id) from run r where r.kind = 'nightly' and r.as_of = f.since), f.run_id),
       case when f.change = 'Escalated' then 'Escalated' else 'New' end,
       case when exists (select 1 from outbox o join run r on r.id = o.run_id
                         where o.skolenhetskod = f.skolenhetskod and r.as_of = f.since) then f.since end
from flag f
join (select fl.skolenhetskod, max(fl.run_id) as run_id
      from flag fl join run r on r.id = fl.run_id and r.kind = 'nightly'
      group by fl.skolenhetskod) latest on latest.skolenhetskod = f.skolenhetskod and latest.run_id = f.run_id;

-- Moves between schools are found through the enrolments of one school's pupils.
create index enrolment_school on enrolment (skolenhetskod);

-- Lesson exports broken down by subject, for the one-subject pattern. Same grain as attendance_fact plus the subject;
-- filled by lesson imports only (days and summary exports have no subject), replaced together with the day facts.
-- Like attendance_fact, no row-level foreign keys: the importer guarantees them and they would slow the merge.
create table attendance_subject_fact (
    skolenhetskod       char(8) not null,
    pupil_key           bytea not null,
    date                date not null,
    subject             text not null check (subject <> ''),
    lessons             smallint not null check (lessons > 0),                     -- scheduled lessons, any status
    unreported_lessons  smallint not null check (unreported_lessons between 0 and lessons),  -- status ej rapporterad
    absent_lessons      smallint not null check (absent_lessons between 0 and lessons - unreported_lessons),  -- giltig or ogiltig frånvaro
    scheduled_min       int not null,
    excused_min         int not null,
    unexcused_min       int not null,
    late_min            int not null,
    not_reported_min    int not null,
    import_file_id      bigint not null,
    -- The import is part of the key as in attendance_fact (0003): a file may write its rows before it removes older ones.
    -- The lesson counts ride along in the key's index, so the subject pattern reads its pupils' windows from it alone.
    primary key (skolenhetskod, pupil_key, date, subject, import_file_id) include (lessons, unreported_lessons, absent_lessons)
);
