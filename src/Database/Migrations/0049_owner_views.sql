-- Views through which the analyst's desk (src/Insights: the term report) reads tables another stage writes. Each view
-- belongs to the stage that writes its table: that stage may change its table as it likes, as long as its view keeps
-- these columns and their meaning. Who owns which table: docs/architecture.md.

-- Ingestion writes import_file: each export imported or rejected, its kind (the kind a fact came from), the dates it
-- covers, and the school day in Sweden it was imported on.
create view import_file_record as
    select id, skolenhetskod, kind, status, period_from, period_to,
           (imported_at at time zone 'Europe/Stockholm')::date as imported_on
    from import_file;

-- The Worker's run books write run and run_school: the date each run was for, and each nightly run's data-quality
-- verdict per school (stale null: the run did not judge the school, e.g. it failed before).
create view run_date as
    select id as run_id, kind, as_of from run;

create view nightly_school_staleness as
    select r.id as run_id, r.as_of, rs.skolenhetskod, rs.stale
    from run r join run_school rs on rs.run_id = r.id
    where r.kind = 'nightly';

-- Notifications writes outbox: the digests a run recorded for a school, and whether each has been sent.
create view digest_mail as
    select run_id, skolenhetskod, sent_at is not null as sent
    from outbox where skolenhetskod is not null;
