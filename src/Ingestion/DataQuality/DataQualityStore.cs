using Npgsql;
using Skolnarvaro.Calendar;

namespace Skolnarvaro.Ingestion.DataQuality;

/// <summary>A school's data quality on a date: what digests, reports and analysts show next to the figures.</summary>
public sealed record SchoolDataQuality(
    string Skolenhetskod,
    DateOnly? LastExportDate,
    DateTimeOffset? LastImportAt,
    int SchoolDaysSinceLastExport,
    bool IsStale,
    double? ReportingRate,
    int RejectedFilesLast30Days)
{
    /// <summary>
    /// Pupils the school's files of the last 30 days named otherwise than the name stored for the same personnummer
    /// (table identity_conflict; listed by <c>skolnarvaro quarantine --school</c>).
    /// </summary>
    public int IdentityConflictsLast30Days { get; init; }

    /// <summary>
    /// Older pupil-days the school's files of the last 30 days left as they were because some of their rows were
    /// quarantined: the figures there are the earlier export's, not the latest.
    /// </summary>
    public int KeptFactsLast30Days { get; init; }
}

/// <summary>
/// Last export, staleness, reporting rate and rejected files per school, computed from what imports stored. Staleness is
/// counted in the school calendar's school days, so a break never makes an export late and a new term does.
/// </summary>
public sealed class DataQualityStore(NpgsqlDataSource db, SchoolCalendar calendar)
{
    public async Task<SchoolDataQuality> ForSchoolAsync(string school, DateOnly asOf, int staleAfterSchoolDays, int reportingWindowDays, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            with files as (
                select max(period_to) filter (where status = 'Imported') as last_export,
                       max(imported_at) filter (where status = 'Imported') as last_import,
                       count(*) filter (where status = 'Rejected' and imported_at >= @asOf::timestamptz - interval '30 days') as rejected,
                       bool_or(status = 'Imported' and kind in ('Lessons', 'Days')) as has_registrations,
                       coalesce(sum(facts_kept) filter (where status = 'Imported' and imported_at >= @asOf::timestamptz - interval '30 days'), 0) as kept
                from import_file where skolenhetskod = @school),
            -- Materialized: with statistics older than the last import the planner otherwise re-runs this for every fact row.
            recent_days as materialized (
                select date from attendance_fact
                where skolenhetskod = @school and date <= @asOf and scheduled_min > 0
                group by date order by date desc limit @window),
            rate as (
                select sum(f.scheduled_min - f.not_reported_min)::float8 / nullif(sum(f.scheduled_min), 0) as rate
                from attendance_fact f join recent_days d using (date)
                where f.skolenhetskod = @school)
            select files.last_export, files.last_import, files.rejected,
                   case when files.has_registrations then rate.rate end,
                   (select count(*) from identity_conflict c join import_file f on f.id = c.import_file_id
                    where c.skolenhetskod = @school and f.imported_at >= @asOf::timestamptz - interval '30 days'),
                   files.kept
            from files, rate
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlTypes.NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("asOf", asOf);
        cmd.Parameters.AddWithValue("window", reportingWindowDays);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        await r.ReadAsync(ct);
        DateOnly? lastExport = r.IsDBNull(0) ? null : r.GetFieldValue<DateOnly>(0);
        var daysSince = lastExport is { } last ? calendar.DaysBetween(school, last, asOf) : int.MaxValue;
        return new SchoolDataQuality(
            school,
            lastExport,
            r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1),
            lastExport is null ? int.MaxValue : daysSince,
            lastExport is null || daysSince >= staleAfterSchoolDays,
            r.IsDBNull(3) ? null : r.GetDouble(3),
            (int)r.GetInt64(2))
        {
            IdentityConflictsLast30Days = (int)r.GetInt64(4),
            KeptFactsLast30Days = (int)r.GetInt64(5),
        };
    }
}
