-- Older pupil-days an import left as they were because rows of its file were quarantined: told in the import's summary
-- and, summed over recent files, in the school's digest.
alter table import_file add column facts_kept int not null default 0;
