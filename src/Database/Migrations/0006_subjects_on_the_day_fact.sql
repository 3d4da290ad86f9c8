-- Subjects ride along with the day fact, packed into a few bytes, instead of a row per subject and day: a lessons
-- import then writes one narrow row per pupil and day whatever the number of subjects, which keeps it at COPY speed
-- (a row per subject multiplied the rows to write about sixfold; subject names in every row still cost a third).
-- Packing, per subject, one byte each: the subject's code at this school (school_subject), lessons, unreported
-- lessons, absent lessons. attendance_subject_fact becomes a view with the columns the analysis reads.
-- Null for days and summary exports, which have no subjects.
drop table attendance_subject_fact;

create table school_subject (
    skolenhetskod   char(8) not null references school,
    code            smallint not null check (code between 0 and 254),
    name            text not null,
    primary key (skolenhetskod, code),
    unique (skolenhetskod, name)
);

alter table attendance_fact add column subjects bytea;

create function day_subjects(packed bytea)
returns table (code smallint, lessons smallint, unreported_lessons smallint, absent_lessons smallint)
language sql immutable strict as $$
    select get_byte(packed, i)::smallint, get_byte(packed, i + 1)::smallint, get_byte(packed, i + 2)::smallint, get_byte(packed, i + 3)::smallint
    from generate_series(0, length(packed) - 4, 4) i
$$;

create view attendance_subject_fact as
select f.skolenhetskod, f.pupil_key, f.date, n.name as subject, s.lessons, s.unreported_lessons, s.absent_lessons, f.import_file_id
from attendance_fact f
cross join lateral day_subjects(f.subjects) s
join school_subject n on n.skolenhetskod = f.skolenhetskod and n.code = s.code
where f.subjects is not null;
