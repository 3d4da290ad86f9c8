-- How the trajectories of an imported history look (see docs/history-generators.md, "A multi-term history").
--   TRUTH=$PWD/.local/history-train/history-truth.csv psql "<connection>" -f scripts/history-trajectories.sql
-- The part that joins the answer key needs pgcrypto and a database imported in demo mode (the demo key).
-- Crossings of the high level (default thresholds: >= 20 % of registered time over the last 20 school days or the
-- term to date, or >= 5 whole school days absent in a row; at least 10 school days in the term) in the imported
-- facts, per pupil, school and term; and how each crossing pupil's 20-day share (across terms) evolved before.
\set ON_ERROR_STOP on
create temp table f as
select pupil_key, skolenhetskod s, date,
       case when extract(month from date) >= 7 then 'HT' else 'VT' end || extract(year from date)::int as term,
       excused_min + unexcused_min as a, scheduled_min - not_reported_min as r,
       scheduled_min - not_reported_min > 0 and excused_min + unexcused_min >= scheduled_min - not_reported_min as whole
from attendance_fact where scheduled_min > 0;

create temp table w as
select *, row_number() over t as n,
       sum(a) over (t rows 19 preceding)::float8 / nullif(sum(r) over (t rows 19 preceding), 0) as recent,
       sum(a) over (t rows unbounded preceding)::float8 / nullif(sum(r) over (t rows unbounded preceding), 0) as ttd,
       row_number() over t - row_number() over (partition by pupil_key, s, term, whole order by date) as grp
from f window t as (partition by pupil_key, s, term order by date);

create temp table w2 as
select *, case when whole then count(*) over (partition by pupil_key, s, term, whole, grp order by date) else 0 end as run,
       -- the 20-day share over the pupil's school days across terms and schools (for the trajectory before a crossing)
       sum(a) over (p rows 19 preceding)::float8 / nullif(sum(r) over (p rows 19 preceding), 0) as recent_all,
       row_number() over p as m
from w window p as (partition by pupil_key order by date);

create temp table crossing as
select distinct on (pupil_key, s, term) pupil_key, s, term, date, m, n,
       case when run >= 5 and recent < 0.2 and ttd < 0.2 then 'spell' else 'share' end as rule
from w2 where n >= 10 and (recent >= 0.2 or ttd >= 0.2 or run >= 5)
order by pupil_key, s, term, date;

\echo '== pupils, pupils ever at High, crossings per term (first crossing of each pupil, school and term)'
select (select count(distinct pupil_key) from f) as pupils,
       (select count(distinct pupil_key) from crossing) as ever_high,
       round(100.0 * (select count(distinct pupil_key) from crossing) / (select count(distinct pupil_key) from f), 1) as pct;
select term, count(*) as crossings, count(*) filter (where n <= 12) as in_first_12_days,
       count(*) filter (where rule = 'spell') as by_spell_alone
from crossing group by term order by min(date);

-- Crossings in VT2026 and HT2026 after the first four weeks of the term, with the 20-day share 8, 6, 4, 2 weeks before.
create temp table traj as
select c.pupil_key, c.term, c.date,
       (select recent_all from w2 x where x.pupil_key = c.pupil_key and x.m = c.m - 40) as s8,
       (select recent_all from w2 x where x.pupil_key = c.pupil_key and x.m = c.m - 30) as s6,
       (select recent_all from w2 x where x.pupil_key = c.pupil_key and x.m = c.m - 20) as s4,
       (select recent_all from w2 x where x.pupil_key = c.pupil_key and x.m = c.m - 10) as s2,
       (select recent_all from w2 x where x.pupil_key = c.pupil_key and x.m = c.m) as s0
from crossing c where c.term in ('VT2026', 'HT2026') and c.n > 20 and c.m > 40;

\echo '== VT2026/HT2026 crossings after day 20 of the term: rising (20-day share >= 8 % four weeks before and climbing from eight weeks before) vs sudden (< 5 % four weeks before)'
select count(*) as crossings,
       count(*) filter (where s4 >= 0.08 and s4 > s8) as rising,
       count(*) filter (where s4 < 0.05) as sudden,
       count(*) filter (where not (s4 >= 0.08 and s4 > s8) and not s4 < 0.05) as other
from traj;
\echo '== median 20-day share 8/6/4/2/0 weeks before crossing, per group'
select grp, count(*),
       round(percentile_cont(0.5) within group (order by s8)::numeric, 3) as w8,
       round(percentile_cont(0.5) within group (order by s6)::numeric, 3) as w6,
       round(percentile_cont(0.5) within group (order by s4)::numeric, 3) as w4,
       round(percentile_cont(0.5) within group (order by s2)::numeric, 3) as w2,
       round(percentile_cont(0.5) within group (order by s0)::numeric, 3) as w0
from (select *, case when s4 >= 0.08 and s4 > s8 then 'rising' when s4 < 0.05 then 'sudden' else 'other' end as grp from traj) t
group by grp order by grp;

-- With the generator's answer key (history-truth.csv; pupils keyed with the demo pseudonymisation key, demo mode only).
create extension if not exists pgcrypto;
create temp table truth (pnr text, kon text, cohort int, course text, rise_onset text, rise_onset_day text, rise_days text,
    rise_peak text, recovers_from text, rise_weekday text, weekday_pattern text, late text, scattered text,
    longest_spell_from text, longest_spell_days text);
\copy truth from program 'cat "$TRUTH"' with (format csv, delimiter ';', header true)
alter table truth add column pupil_key bytea;
update truth set pupil_key = hmac(convert_to(pnr, 'UTF8'), convert_to('skolnarvaro-demo-key-for-synthetic-sample-data-only', 'UTF8'), 'sha256');

\echo '== per generated course: pupils imported, pupils ever at High, crossings after day 20 of a term'
select t.course, count(distinct t.pupil_key) as pupils,
       count(distinct c.pupil_key) as ever_high,
       round(100.0 * count(distinct c.pupil_key) / count(distinct t.pupil_key), 1) as pct,
       count(c.*) filter (where c.n > 20) as crossings_after_day_20
from truth t join (select distinct pupil_key from f) i using (pupil_key)
left join crossing c using (pupil_key)
group by t.course order by t.course;

\echo '== rising pupils whose rise began inside the history: peak above / below the high level, and whether they ever crossed'
select case when t.rise_peak::float8 >= 0.17 then 'peak >= 17 %' else 'peak < 17 %' end as peak,
       count(*) as pupils, count(*) filter (where exists (select 1 from crossing c where c.pupil_key = t.pupil_key and c.date > t.rise_onset::date)) as crossed_after_onset
from truth t where t.course = 'Rising' and t.rise_onset <> '' and t.pupil_key in (select pupil_key from f)
group by 1 order by 1;

\echo '== crossings after day 20 of VT2026/HT2026 by trajectory group (20-day share 4 weeks before) and generated course'
select grp, t.course, count(*)
from (select *, case when s4 >= 0.08 and s4 > s8 then 'rising' when s4 < 0.05 then 'sudden' else 'other' end as grp from traj) x
join truth t using (pupil_key) group by 1, 2 order by 1, 2;
