using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests.Identity;

/// <summary>
/// The personnummer never reaches the database: pupils are keyed by an HMAC of it, quarantined values and messages are
/// masked, and pupils with protected identity are counted and nothing else.
/// </summary>
public sealed partial class PseudonymisationTests(TestDatabase db) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("pseudonymisation");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Protected_identity_rows_are_counted_and_never_stored()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_protected_identity.csv");

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        result.Should().BeEquivalentTo(new { RowsRead = 5, RowsImported = 2, RowsProtected = 3, RowsQuarantined = 0, FactsWritten = 2 });
        result.Message.Should().Contain("3 protected-identity rows skipped");
        (await import.CountAsync("select rows_protected from import_file")).Should().Be(3);
        (await import.PupilsAsync()).Select(p => p.FirstName).Should().Equal("Märta", "Åke");
        (await FindInDatabaseAsync("Hemlig", "Okänd", "Dold")).Should().BeEmpty("nothing of a protected pupil is stored");
    }

    [Fact]
    public async Task No_personnummer_in_any_form_is_stored_anywhere_after_importing()
    {
        string[] days =
        [
            "days_personnummer_formats.csv", "days_invalid_luhn.csv", "days_samordningsnummer.csv", "days_protected_identity.csv",
            "days_duplicate_rows.csv", "days_bad_date.csv", "days_no_header_row.csv", "days_missing_column.csv", "days_unclosed_quote.csv",
        ];
        string[] lessons = ["lessons_utf8_bom.csv", "lessons_quoted_delimiter_and_newline.csv", "lessons_unknown_status_code.csv"];
        string[] summaries = ["summary_week1.csv", "summary_decimal_comma.csv"];
        var results = new List<ImportResult>();
        results.AddRange(await ImportAllAsync(BuiltInProfiles.DaysDefault, 0.5, days));
        results.AddRange(await ImportAllAsync(BuiltInProfiles.DaysDefault, null, ["days_over_bad_row_limit.csv"]));
        results.AddRange(await ImportAllAsync(BuiltInProfiles.LessonsDefault, 0.5, lessons));
        results.AddRange(await ImportAllAsync(BuiltInProfiles.SummaryDefault, null, summaries));
        results.Should().Contain(r => r.Status == ImportStatus.Rejected).And.Contain(r => r.Status == ImportStatus.Imported);
        results.Sum(r => r.RowsQuarantined).Should().BeGreaterThan(0);

        var forms = days.Concat(lessons).Concat(summaries).Append("days_over_bad_row_limit.csv")
            .SelectMany(f => PersonnummerForms(File.ReadAllText(ImportHarness.Data(f))))
            .Distinct()
            .ToArray();
        forms.Should().Contain(["20130417-2321", "201304172321", "130417-2321", "1304172321", "20130417-2322", "20130974-3613"]);

        (await FindInDatabaseAsync(forms)).Should().BeEmpty();
        foreach (var r in results)
        {
            r.Message.Should().NotContainAny(forms);
        }
    }

    [Fact]
    public async Task A_file_without_a_header_row_puts_none_of_its_first_line_in_the_message_or_the_database()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        var result = await import.ImportAsync("days_no_header_row.csv");

        result.Status.Should().Be(ImportStatus.Rejected);
        // Issue 13, finding 6: the name, class and birth date of the first pupil were in the message, the database and the log.
        result.Message.Should().Contain("missing column 'Personnummer'").And.Contain("line 1 holds data (its values are not shown)");
        foreach (var value in new[] { "20130417", "130417", "2321", "Märta", "Östlund", "7B", "2026-09-14" })
        {
            result.Message.Should().NotContain(value);
        }

        (await FindInDatabaseAsync("20130417", "130417", "Märta", "Östlund")).Should().BeEmpty();
    }

    [Fact]
    public async Task The_pupil_key_is_an_HMAC_with_the_secret_not_a_plain_hash_of_the_personnummer()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);

        await import.ImportAsync("days_personnummer_formats.csv");

        var key = await import.ScalarAsync<byte[]>("select pupil_key from pupil");
        var twelve = Encoding.ASCII.GetBytes("201304172321");
        key.Should().Equal(HMACSHA256.HashData(Encoding.UTF8.GetBytes(TestSchools.PseudonymisationKey), twelve));
        key.Should().NotEqual(SHA256.HashData(twelve)).And.NotEqual(SHA256.HashData(Encoding.ASCII.GetBytes("1304172321")));
    }

    private async Task<IReadOnlyList<ImportResult>> ImportAllAsync(string profile, double? maxBadRowShare, IEnumerable<string> files)
    {
        using var folder = TestFiles.CreateTempDirectory("pseudonymisation-host");
        using var import = await ImportHarness.StartAsync(db, folder, profile, maxBadRowShare: maxBadRowShare);
        var results = new List<ImportResult>();
        foreach (var file in files)
        {
            results.Add(await import.ImportAsync(file));
        }

        return results;
    }

    /// <summary>Every way each personnummer in the text could be written: 12 or 10 digits, with or without '-'.</summary>
    private static IEnumerable<string> PersonnummerForms(string text)
    {
        foreach (Match m in PersonnummerLike().Matches(text))
        {
            var digits = m.Value.Replace("-", "", StringComparison.Ordinal).Replace("+", "", StringComparison.Ordinal);
            var ten = digits[^10..];
            yield return ten;
            yield return $"{ten[..6]}-{ten[6..]}";
            if (digits.Length == 12)
            {
                yield return digits;
                yield return $"{digits[..8]}-{digits[8..]}";
            }
        }
    }

    [GeneratedRegex(@"(?<![0-9])([0-9]{8}|[0-9]{6})[-+]?[0-9]{4}(?![0-9])")]
    private static partial Regex PersonnummerLike();

    /// <summary>
    /// Every text, character, JSON, array and bytea column of every table in the database, searched for each value.
    /// Returns "schema.table.column: value" for each hit.
    /// </summary>
    private async Task<IReadOnlyList<string>> FindInDatabaseAsync(params string[] values)
    {
        var columns = new List<(string Schema, string Table, string Column, string Type)>();
        await using (var cmd = db.DataSource.CreateCommand("""
            select c.table_schema, c.table_name, c.column_name, c.data_type
            from information_schema.columns c
            join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
            where c.table_schema not in ('pg_catalog', 'information_schema')
              and c.data_type in ('text', 'character varying', 'character', 'json', 'jsonb', 'ARRAY', 'bytea', 'USER-DEFINED')
            """))
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                columns.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
            }
        }

        columns.Should().Contain(c => c.Table == "quarantined_row" && c.Column == "value", "the scan must cover the tables it is meant to");
        var patterns = values.Select(v => $"%{v.Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal)}%").ToArray();
        var hits = new List<string>();
        foreach (var (schema, table, column, type) in columns)
        {
            var text = type == "bytea" ? $"encode(\"{column}\", 'escape')" : $"\"{column}\"::text";
            await using var cmd = db.DataSource.CreateCommand(
                $"select distinct p from \"{schema}\".\"{table}\", unnest(@patterns) p where {text} like p");
            cmd.Parameters.Add(new NpgsqlParameter("patterns", patterns));
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync())
            {
                hits.Add($"{schema}.{table}.{column}: {r.GetString(0)}");
            }
        }

        return hits;
    }
}
