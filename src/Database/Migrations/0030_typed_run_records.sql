-- A run's per-school data quality and its delivery figures in typed columns. They were JSON (run_school.quality_json,
-- run.summary_json) whose only definition was an anonymous object in the worker, parsed by the term report: renaming a
-- property would have silently turned the report's stale counts into zeros.

alter table run_school
    add column last_export_date            date,
    add column last_import_at              timestamptz,
    add column school_days_since_export    int,
    add column stale                       boolean,
    add column reporting_rate              double precision,
    add column rejected_files_30_days      int;

update run_school set
    last_export_date         = (quality_json->>'lastExportDate')::date,
    last_import_at           = (quality_json->>'lastImportAt')::timestamptz,
    school_days_since_export = (quality_json->>'schoolDaysSinceLastExport')::int,
    stale                    = (quality_json->>'isStale')::boolean,
    reporting_rate           = (quality_json->>'reportingRate')::double precision,
    rejected_files_30_days   = (quality_json->>'rejectedFilesLast30Days')::int
where quality_json is not null;

alter table run_school drop column quality_json;

alter table run
    add column trend_model       text,
    add column digests_sent      int,
    add column digests_failed    int,
    add column digests_given_up  int;

update run set
    trend_model      = summary_json->>'trendModel',
    digests_sent     = (summary_json->>'digestsSent')::int,
    digests_failed   = (summary_json->>'digestsFailed')::int,
    digests_given_up = (summary_json->>'digestsGivenUp')::int
where summary_json is not null and jsonb_typeof(summary_json) = 'object';

-- summary_json stays as a free-form record of a back-test's result for people to read; no code reads it.
