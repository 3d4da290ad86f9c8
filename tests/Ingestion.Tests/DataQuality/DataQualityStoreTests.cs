using System.Diagnostics;
using Skolnarvaro.Calendar;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.DataQuality;

public sealed class DataQualityStoreTests(TestDatabase db) : IClassFixture<TestDatabase>
{
    /// <summary>
    /// Regression: right after a multi-term history was imported, PostgreSQL's statistics still described the table
    /// before the last school's facts arrived; the planner then re-ran the "last 20 school days" subquery for every fact
    /// row and the nightly run's data-quality query hit the 30 s command timeout for that school.
    /// </summary>
    [Fact]
    public async Task The_reporting_rate_of_a_school_imported_after_the_last_analyze_comes_back_quickly()
    {
        await ExecAsync("""
            alter table attendance_fact set (autovacuum_enabled = false);
            insert into school (skolenhetskod, name, driftsform, huvudman)
            values ('11111111', 'Skola A', 'Municipal', 'Testkommunen'), ('22222222', 'Skola B', 'Independent', 'Test AB');
            insert into import_file (skolenhetskod, file_name, content_sha256, profile, kind, status, imported_at, period_from, period_to)
            values ('11111111', 'a.csv', '\x01', 'days-default', 'Days', 'Imported', now(), '2026-01-08', '2026-06-12'),
                   ('22222222', 'b.csv', '\x02', 'summary-default', 'Summary', 'Imported', now(), '2026-01-08', '2026-06-12');
            insert into pupil (pupil_key, first_name, last_name, gender, birth_year)
            select sha256(convert_to('p' || i, 'UTF8')), 'Elev', 'Testsson', 'F', 2013 from generate_series(1, 4000) i;
            insert into attendance_fact (skolenhetskod, pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min, import_file_id)
            select '11111111', sha256(convert_to('p' || i, 'UTF8')), d::date, 300, 0, 0, 0, 0, (select id from import_file where file_name = 'a.csv')
            from generate_series(1, 3000) i, generate_series('2026-01-08'::date, '2026-06-12', '1 day') d where extract(isodow from d) < 6;
            analyze attendance_fact;
            insert into attendance_fact (skolenhetskod, pupil_key, date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min, import_file_id)
            select '22222222', sha256(convert_to('p' || i, 'UTF8')), d::date, 300, 30, 0, 0, 0, (select id from import_file where file_name = 'b.csv')
            from generate_series(3001, 4000) i, generate_series('2026-01-08'::date, '2026-06-12', '1 day') d where extract(isodow from d) < 6;
            """);
        var clock = Stopwatch.StartNew();

        var quality = await new DataQualityStore(db.DataSource, SchoolCalendar.Default).ForSchoolAsync("22222222", new DateOnly(2026, 6, 12), 5, 20);

        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        quality.LastExportDate.Should().Be(new DateOnly(2026, 6, 12));
        quality.IsStale.Should().BeFalse();
    }

    private async Task ExecAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        cmd.CommandTimeout = 120;
        await cmd.ExecuteNonQueryAsync();
    }
}
