-- Term-level absence shares of an imported history, beside published figures (issue 16): per term, the share of pupils
-- whose absence (giltig + ogiltig over registered time) over the whole term reached 10 % and 15 %, overall and by grade.
-- Pupils with at least 20 registered school days in the term, at the school they were at longest; summary exports
-- (no days) are left out. Usage: psql -d <database> -f scripts/history-term-shares.sql
with facts as (
    select f.pupil_key, f.skolenhetskod, f.date,
           case when extract(month from f.date) >= 7 then 'HT' || extract(year from f.date) else 'VT' || extract(year from f.date) end as term,
           (case when extract(month from f.date) >= 7 then extract(year from f.date) else extract(year from f.date) - 1 end)::int as school_year,
           f.scheduled_min - f.not_reported_min as registered, f.excused_min + f.unexcused_min as absent
    from attendance_fact f
    where f.scheduled_min > 0
), per_pupil as (
    select term, school_year, pupil_key, skolenhetskod, count(*) filter (where registered > 0) as days,
           sum(absent)::float / nullif(sum(registered), 0) as share
    from facts group by term, school_year, pupil_key, skolenhetskod
), graded as (
    select p.*, e.grade - ((case when extract(month from e.last_date) >= 7 then extract(year from e.last_date) else extract(year from e.last_date) - 1 end)::int - p.school_year) as grade,
           row_number() over (partition by p.term, p.pupil_key order by p.days desc) as n
    from per_pupil p join enrolment e on e.pupil_key = p.pupil_key and e.skolenhetskod = p.skolenhetskod
    where p.days >= 20
)
select term, case when grade is null then 'alla' else 'åk ' || grade end as grupp, count(*) as elever,
       round(100.0 * avg((share >= 0.10)::int), 1) as "≥10 %", round(100.0 * avg((share >= 0.15)::int), 1) as "≥15 %"
from graded where n = 1
group by grouping sets ((term), (term, grade))
order by min(school_year), term, grade nulls first;
