-- An import writes its facts straight into attendance_fact while it parses the file, and only at the end removes
-- the school's older facts on the dates the file covers. For that moment both exist, so the import is part of the
-- key. Outside an import's transaction there is still exactly one fact per school, pupil and date.
alter table attendance_fact drop constraint attendance_fact_pkey;
alter table attendance_fact add primary key (skolenhetskod, pupil_key, date, import_file_id);
