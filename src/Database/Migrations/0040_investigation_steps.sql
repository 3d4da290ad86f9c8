-- The legal steps a rektor records for a pupil (skollagen 7 kap. 19 a §): "Utredning inledd", "Anmält till huvudmannen",
-- "Avslutad", each with a date. No free text: no notes about a pupil are kept here. Every change is a new row with who
-- made it and when; a row is never updated in place, so the table is its own audit trail. A withdrawn step (recorded by
-- mistake) is a row with no date. The current state of a step is its latest row.
create table investigation_step (
    id                  bigint generated always as identity primary key,
    skolenhetskod       char(8) not null references school,
    pupil_key           bytea not null references pupil,
    step                text not null check (step in ('Started', 'Reported', 'Closed')),
    step_date           date,                          -- null: the step was withdrawn
    recorded_by         text not null,                 -- the signed-in user's e-mail address
    recorded_at         timestamptz not null
);
create index investigation_step_pupil on investigation_step (skolenhetskod, pupil_key, step, id);

create function investigation_step_is_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'investigation_step is append-only: record a new step instead of changing row %', old.id;
end $$;
create trigger investigation_step_append_only before update on investigation_step
    for each row execute function investigation_step_is_append_only();

-- Each pupil's current steps at a school: the latest row of each step.
create view investigation as
select skolenhetskod, pupil_key,
       max(step_date) filter (where step = 'Started')  as started_on,
       max(step_date) filter (where step = 'Reported') as reported_on,
       max(step_date) filter (where step = 'Closed')   as closed_on,
       max(recorded_at)                                 as changed_at
from (
    select distinct on (skolenhetskod, pupil_key, step) skolenhetskod, pupil_key, step, step_date, recorded_at
    from investigation_step
    order by skolenhetskod, pupil_key, step, id desc
) latest
group by skolenhetskod, pupil_key;

-- The key the web app's data-protection key ring is kept in, so every worker behind the proxy reads the same cookies.
create table web_key (
    name                text primary key,
    xml                 text not null,
    created_at          timestamptz not null default now()
);

-- The pupil's place in the school's concern order in the run (1 = the most worrying): the rektor's page lists in it.
alter table flag add column concern_rank int;
