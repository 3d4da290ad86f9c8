using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests;

/// <summary>
/// One school with a chosen export profile (and overrides), behind the stage's real composition, importing the
/// oddity files of this project's Data folder with the real <see cref="FileImporter"/>.
/// <code>
/// using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
/// var result = await import.ImportAsync("days_crlf.csv");
/// var facts = await import.FactsAsync();
/// </code>
/// </summary>
public sealed class ImportHarness : IDisposable
{
    public const string Skolenhetskod = "12345678";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private readonly ServiceProvider host;
    private readonly TestDatabase db;

    private ImportHarness(ServiceProvider host, TestDatabase db)
    {
        this.host = host;
        this.db = db;
    }

    /// <summary>A file of tests/Ingestion.Tests/Data.</summary>
    public static string Data(params string[] parts) => TestFiles.InRepo(["tests", "Ingestion.Tests", "Data", .. parts]);

    /// <param name="maxBadRowShare">Skolnarvaro:MaxBadRowShare; the product default (5 %) when null.</param>
    public static async Task<ImportHarness> StartAsync(
        TestDatabase db, TempDirectory temp, string profile, ExportProfileSettings? overrides = null, double? maxBadRowShare = null,
        IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var schools = new
        {
            Skolnarvaro = new
            {
                Schools = new[]
                {
                    new
                    {
                        Skolenhetskod,
                        Name = "Ängsskolan",
                        Driftsform = "Municipal",
                        Huvudman = "Testkommunen",
                        Rektorer = new[] { new { Name = "Rektor Ängsskolan", Email = "rektor@angsskolan.example.se" } },
                        Profile = profile,
                        ProfileOverrides = overrides,
                        Inbox = "inbox",
                    },
                },
            },
        };
        Directory.CreateDirectory(temp.File("inbox"));
        var schoolsFile = temp.File("schools.json");
        await File.WriteAllTextAsync(schoolsFile, JsonSerializer.Serialize(schools, Json));

        var settings = new Dictionary<string, string?>(configuration ?? new Dictionary<string, string?>());
        if (maxBadRowShare is { } share)
        {
            settings["Skolnarvaro:MaxBadRowShare"] = share.ToString(CultureInfo.InvariantCulture);
        }

        return new ImportHarness(IngestionHost.Start(db, schoolsFile, settings), db);
    }

    public SchoolSettings School => host.GetRequiredService<ImportedSchools>().All.Single();

    public ResolvedProfile Profile => host.GetRequiredService<SchoolProfiles>().For(School);

    /// <summary>Imports a file of the Data folder (or any path) for the school, as the nightly run would.</summary>
    public Task<ImportResult> ImportAsync(string dataFile, bool allowShrink = false) =>
        host.GetRequiredService<FileImporter>().ImportAsync(School, Profile, Path.IsPathRooted(dataFile) ? dataFile : Data(dataFile), allowShrink: allowShrink);

    /// <summary>Every stored fact with its pupil's name, ordered by name (bytewise, so Å and Ö come after Z) and date.</summary>
    public async Task<IReadOnlyList<StoredFact>> FactsAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("""
            select p.first_name || ' ' || p.last_name, f.date, f.scheduled_min, f.excused_min, f.unexcused_min, f.late_min,
                   f.not_reported_min, f.import_file_id
            from attendance_fact f join pupil p using (pupil_key)
            order by (p.first_name || ' ' || p.last_name) collate "C", f.date
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        var facts = new List<StoredFact>();
        while (await r.ReadAsync())
        {
            facts.Add(new StoredFact(r.GetString(0), r.GetFieldValue<DateOnly>(1), r.GetInt32(2), r.GetInt32(3), r.GetInt32(4),
                r.GetInt32(5), r.GetInt32(6), r.GetInt64(7)));
        }

        return facts;
    }

    /// <summary>The quarantined rows of one import, by line.</summary>
    public async Task<IReadOnlyList<StoredQuarantinedRow>> QuarantinedAsync(long importFileId)
    {
        await using var cmd = db.DataSource.CreateCommand(
            "select line, column_name, value, reason from quarantined_row where import_file_id = @id order by line");
        cmd.Parameters.AddWithValue("id", importFileId);
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<StoredQuarantinedRow>();
        while (await r.ReadAsync())
        {
            rows.Add(new StoredQuarantinedRow(r.GetInt32(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetString(3)));
        }

        return rows;
    }

    /// <summary>Stored pupils with their class, ordered by name (bytewise).</summary>
    public async Task<IReadOnlyList<StoredPupil>> PupilsAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("""
            select p.first_name, p.last_name, p.gender, p.birth_year, e.class_name, e.grade
            from pupil p left join enrolment e using (pupil_key)
            order by p.first_name collate "C", p.last_name collate "C"
            """);
        await using var r = await cmd.ExecuteReaderAsync();
        var pupils = new List<StoredPupil>();
        while (await r.ReadAsync())
        {
            pupils.Add(new StoredPupil(r.GetString(0), r.GetString(1), r.GetString(2)[0], r.GetInt32(3),
                r.IsDBNull(4) ? null : r.GetString(4), r.IsDBNull(5) ? null : r.GetInt32(5)));
        }

        return pupils;
    }

    public async Task<long> CountAsync(string sql)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = db.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var result = await cmd.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    public NpgsqlDataSource DataSource => db.DataSource;

    public T Get<T>() where T : notnull => host.GetRequiredService<T>();

    public void Dispose() => host.Dispose();
}

public sealed record StoredFact(string Pupil, DateOnly Date, int Scheduled, int Excused, int Unexcused, int Late, int NotReported, long ImportFileId);

public sealed record StoredQuarantinedRow(int Line, string? Column, string? Value, string Reason);

public sealed record StoredPupil(string FirstName, string LastName, char Gender, int BirthYear, string? ClassName, int? Grade);
