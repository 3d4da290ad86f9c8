-- The hand-off after the school's own steps: the rektor records "Stöd begärt från skolnärvaroteamet" (SupportRequested), the
-- municipality's skolnärvaroteam records "Stöd påbörjat" (SupportStarted) and "Stöd avslutat" (SupportEnded). Dates only, no
-- free text, one audited row per change, like the steps before them.
alter table investigation_step drop constraint investigation_step_step_check;
alter table investigation_step add constraint investigation_step_step_check
    check (step in ('Started', 'Reported', 'Closed', 'SupportRequested', 'SupportStarted', 'SupportEnded'));

-- New columns go last, so what reads the view's first columns reads it as before.
create or replace view investigation as
select skolenhetskod, pupil_key,
       max(step_date) filter (where step = 'Started')  as started_on,
       max(step_date) filter (where step = 'Reported') as reported_on,
       max(step_date) filter (where step = 'Closed')   as closed_on,
       max(recorded_at)                                 as changed_at,
       max(step_date) filter (where step = 'SupportRequested') as support_requested_on,
       max(step_date) filter (where step = 'SupportStarted')   as support_started_on,
       max(step_date) filter (where step = 'SupportEnded')     as support_ended_on
from (
    select distinct on (skolenhetskod, pupil_key, step) skolenhetskod, pupil_key, step, step_date, recorded_at
    from investigation_step
    order by skolenhetskod, pupil_key, step, id desc
) latest
group by skolenhetskod, pupil_key;
