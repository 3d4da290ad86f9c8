using Npgsql;
using NpgsqlTypes;
using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Analysis.Investigations;

/// <summary>The legal steps after repeated or long absence (skollagen 7 kap. 19 a §), in the order they are taken.</summary>
public enum InvestigationStep
{
    /// <summary>"Utredning inledd".</summary>
    Started,
    /// <summary>"Anmält till huvudmannen".</summary>
    Reported,
    /// <summary>"Avslutad".</summary>
    Closed,
    /// <summary>"Stöd begärt från skolnärvaroteamet": the rektor's, after "Anmält till huvudmannen".</summary>
    SupportRequested,
    /// <summary>"Stöd påbörjat": the skolnärvaroteam's, after the request.</summary>
    SupportStarted,
    /// <summary>"Stöd avslutat": the skolnärvaroteam's, after support started.</summary>
    SupportEnded,
}

/// <summary>A pupil's current steps at a school: the date of each, or null where it has not been taken.</summary>
public sealed record Investigation(
    DateOnly? StartedOn, DateOnly? ReportedOn, DateOnly? ClosedOn,
    DateOnly? SupportRequestedOn = null, DateOnly? SupportStartedOn = null, DateOnly? SupportEndedOn = null)
{
    /// <summary>Started and not closed: the rektor is acting on it, so the pupil is not reminded until they escalate.</summary>
    public bool IsOpen => StartedOn is not null && ClosedOn is null;

    public DateOnly? On(InvestigationStep step) => step switch
    {
        InvestigationStep.Started => StartedOn,
        InvestigationStep.Reported => ReportedOn,
        InvestigationStep.SupportRequested => SupportRequestedOn,
        InvestigationStep.SupportStarted => SupportStartedOn,
        InvestigationStep.SupportEnded => SupportEndedOn,
        _ => ClosedOn,
    };

    /// <summary>These steps with one step's date replaced (null: withdrawn).</summary>
    public Investigation With(InvestigationStep step, DateOnly? date) => step switch
    {
        InvestigationStep.Started => this with { StartedOn = date },
        InvestigationStep.Reported => this with { ReportedOn = date },
        InvestigationStep.SupportRequested => this with { SupportRequestedOn = date },
        InvestigationStep.SupportStarted => this with { SupportStartedOn = date },
        InvestigationStep.SupportEnded => this with { SupportEndedOn = date },
        _ => this with { ClosedOn = date },
    };

    public bool Any => Enum.GetValues<InvestigationStep>().Any(s => On(s) is not null);
}

/// <summary>One row of the audit trail: a step recorded (or withdrawn, without a date), by whom and when.</summary>
public sealed record InvestigationChange(InvestigationStep Step, DateOnly? Date, string RecordedBy, DateTimeOffset RecordedAt);

/// <summary>A step the store refuses, with a Swedish message for the person who tried.</summary>
public sealed class InvestigationRefused(string message) : Exception(message);

/// <summary>
/// The investigation_step table: append-only, one row per change with who and when. Every read and write names the school,
/// and a pupil is found only at a school they are enrolled at, so a caller scoped to its schools never reaches another's.
/// </summary>
public sealed class InvestigationStore(NpgsqlDataSource db, TimeProvider time)
{
    /// <summary>How far back a step may be dated.</summary>
    public const int MaxDaysBack = 365;

    /// <summary>
    /// Records a step's date (or withdraws it with null). Refused with a Swedish message when the pupil is not enrolled at
    /// the school, the date is in the future or too far back, a step comes before the one it needs, or the dates are out of
    /// order (<see cref="StepOrder"/>). Who may record which step is the caller's to check.
    /// </summary>
    public async Task<Investigation> RecordAsync(
        string school, byte[] pupilKey, InvestigationStep step, DateOnly? date, string recordedBy, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.Serializable, ct);
        if (!await EnrolledAsync(conn, school, pupilKey, ct))
        {
            throw new InvestigationRefused("Eleven finns inte på skolan.");
        }

        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, time.LocalTimeZone).DateTime);
        var current = (await ForSchoolAsync(conn, school, [pupilKey], ct)).GetValueOrDefault(pupilKey) ?? new Investigation(null, null, null);
        StepOrder.Check(current, step, date, today);
        await using (var insert = new NpgsqlCommand("""
            insert into investigation_step (skolenhetskod, pupil_key, step, step_date, recorded_by, recorded_at)
            values (@school, @key, @step, @date, @by, @at)
            """, conn, tx))
        {
            insert.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
            insert.Parameters.AddWithValue("key", pupilKey);
            insert.Parameters.AddWithValue("step", step.ToString());
            insert.Parameters.Add(new NpgsqlParameter("date", NpgsqlDbType.Date) { Value = date is { } v ? v : DBNull.Value });
            insert.Parameters.AddWithValue("by", recordedBy);
            insert.Parameters.AddWithValue("at", now);
            await insert.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        return current.With(step, date);
    }

    /// <summary>The current steps of the school's pupils who have any (optionally only these pupils), on the caller's connection.</summary>
    public static async Task<Dictionary<byte[], Investigation>> ForSchoolAsync(
        NpgsqlConnection conn, string school, IReadOnlyCollection<byte[]>? pupils = null, CancellationToken ct = default)
    {
        await using var cmd = new NpgsqlCommand("""
            select pupil_key, started_on, reported_on, closed_on, support_requested_on, support_started_on, support_ended_on from investigation
            where skolenhetskod = @school and (@keys::bytea[] is null or pupil_key = any(@keys))
            """, conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.Add(new NpgsqlParameter("keys", NpgsqlDbType.Array | NpgsqlDbType.Bytea) { Value = pupils is null ? DBNull.Value : pupils.ToArray() });
        var result = new Dictionary<byte[], Investigation>(PupilKeyComparer.Instance);
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            var steps = new Investigation(Date(r, 1), Date(r, 2), Date(r, 3), Date(r, 4), Date(r, 5), Date(r, 6));
            if (steps.Any)
            {
                result[r.GetFieldValue<byte[]>(0)] = steps;
            }
        }

        return result;
    }

    /// <summary>Every change recorded for a pupil at a school, oldest first.</summary>
    public async Task<IReadOnlyList<InvestigationChange>> HistoryAsync(string school, byte[] pupilKey, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("""
            select step, step_date, recorded_by, recorded_at from investigation_step
            where skolenhetskod = @school and pupil_key = @key order by id
            """);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("key", pupilKey);
        var result = new List<InvestigationChange>();
        await using var r = await cmd.ExecuteReaderAsync(ct);
        while (await r.ReadAsync(ct))
        {
            result.Add(new InvestigationChange(Enum.Parse<InvestigationStep>(r.GetString(0)), Date(r, 1), r.GetString(2), r.GetFieldValue<DateTimeOffset>(3)));
        }

        return result;
    }

    private static async Task<bool> EnrolledAsync(NpgsqlConnection conn, string school, byte[] pupilKey, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select exists (select 1 from enrolment where skolenhetskod = @school and pupil_key = @key)", conn);
        cmd.Parameters.AddWithValue("school", NpgsqlDbType.Char, school);
        cmd.Parameters.AddWithValue("key", pupilKey);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static DateOnly? Date(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
}
