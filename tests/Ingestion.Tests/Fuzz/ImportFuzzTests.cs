using System.Globalization;
using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;
using Xunit.Abstractions;

namespace Skolnarvaro.Ingestion.Tests.Fuzz;

/// <summary>
/// Issue 13: the sample's exports, damaged at random — cut at a random byte, quotes, NUL bytes, separators and line breaks
/// inserted, re-encoded — each imported over the good file. Whatever happens: the file is rejected whole with file and
/// line (or held back), or imported with its lines accounted for; never an unhandled exception, never fewer facts for a
/// pupil who is still in the file, never a replacement character stored. A failure prints the seed:
/// <c>SKOLNARVARO_FUZZ_SEED=… scripts/test.sh --filter FullyQualifiedName~ImportFuzz</c> replays it
/// (<c>SKOLNARVARO_FUZZ_CASES</c> sets the number of cases, 300 by default).
/// </summary>
public sealed class ImportFuzzTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("fuzz");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    private sealed record Base(string Profile, ExportProfileSettings? Overrides, byte[] Bytes, Encoding Encoding);

    [Fact]
    public async Task Damaged_sample_exports_are_rejected_whole_or_imported_with_every_line_accounted_for()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SKOLNARVARO_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s)
            ? s : Random.Shared.Next();
        var cases = int.TryParse(Environment.GetEnvironmentVariable("SKOLNARVARO_FUZZ_CASES"), CultureInfo.InvariantCulture, out var c) ? c : 300;
        output.WriteLine($"SKOLNARVARO_FUZZ_SEED={seed} SKOLNARVARO_FUZZ_CASES={cases}");
        var random = new Random(seed);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var cp1252 = Encoding.GetEncoding(1252);

        byte[] Head(string file, int lines) =>
            Encoding.UTF8.GetBytes(string.Join("\n", File.ReadAllText(ImportHarness.Data("hostile", file), Encoding.UTF8).Split('\n').Take(lines + 1)) + "\n");
        var days = Head("days_week.csv", 60);
        Base[] bases =
        [
            new(BuiltInProfiles.LessonsDefault, null, Head("lessons_week.csv", 90), Encoding.UTF8),
            new(BuiltInProfiles.DaysDefault, null, days, Encoding.UTF8),
            new(BuiltInProfiles.DaysDefault, new ExportProfileSettings { Encoding = "windows-1252" },
                cp1252.GetBytes(Encoding.UTF8.GetString(days)), cp1252),
            new(BuiltInProfiles.SummaryDefault, null, Head("summary_hours_overflow_int.csv", 30), Encoding.UTF8),
        ];

        var outcomes = new Dictionary<string, int>();
        for (var b = 0; b < bases.Length; b++)
        {
            await db.ResetAsync();
            using var import = await ImportHarness.StartAsync(db, temp, bases[b].Profile, bases[b].Overrides, maxBadRowShare: 0.2,
                configuration: new Dictionary<string, string?> { ["Skolnarvaro:MaxShrinkShare"] = "0" });
            var original = temp.File($"base{b}.csv");
            await File.WriteAllBytesAsync(original, bases[b].Bytes);
            var first = await import.ImportAsync(original);
            first.Status.Should().Be(ImportStatus.Imported, $"the undamaged base file imports (seed {seed}): {first.Message}");
            await Exec(import, """
                drop table if exists fuzz_fact; drop table if exists fuzz_snapshot;
                create table fuzz_fact as select * from attendance_fact;
                create table fuzz_snapshot as select * from summary_snapshot;
                """);
            var before = await FactsPerPupilAsync(import);

            for (var n = b; n < cases; n += bases.Length)
            {
                var (bytes, what) = Damage(bases[b], random, cp1252);
                var file = temp.File($"case{n:D4}.csv");
                await File.WriteAllBytesAsync(file, bytes);
                var context = $"seed {seed}, case {n} ({bases[b].Profile}{(bases[b].Overrides is null ? "" : ", windows-1252")}: {what})";

                ImportResult result;
                try
                {
                    result = await import.ImportAsync(file);
                }
                catch (Exception e)
                {
                    throw new Xunit.Sdk.XunitException($"{context}: unhandled {e.GetType().Name}: {e.Message}");
                }

                var kind = result.Status == ImportStatus.Rejected && result.HeldBack ? "held back" : result.Status.ToString();
                outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
                var after = await FactsPerPupilAsync(import);
                switch (result.Status)
                {
                    case ImportStatus.Rejected when result.HeldBack:
                        result.Message.Should().StartWith($"case{n:D4}.csv: held back", context);
                        after.Should().Equal(before, $"{context}: a held-back file changes nothing");
                        break;
                    case ImportStatus.Rejected:
                        result.Message.Should().StartWith($"case{n:D4}.csv", context).And.MatchRegex(@"line \d+", context);
                        after.Should().Equal(before, $"{context}: a rejected file changes nothing");
                        break;
                    case ImportStatus.Imported:
                        result.Lines.Should().NotBeNull(context);
                        result.Lines!.AddsUp.Should().BeTrue($"{context}: {result.Lines}");
                        result.Lines.Total.Should().Be(PhysicalLines(bytes), $"{context}: {result.Lines}");
                        foreach (var (pupil, count) in after)
                        {
                            if (before.TryGetValue(pupil, out var had))
                            {
                                count.Should().BeGreaterThanOrEqualTo(had, $"{context}: a pupil still in the file lost facts; {result.Message}");
                            }
                        }

                        break;
                    case ImportStatus.AlreadyImported:
                        break;
                    default:
                        throw new Xunit.Sdk.XunitException($"{context}: unexpected outcome {result.Status}: {result.Message}");
                }

                (await import.CountAsync("""
                    select (select count(*) from pupil where first_name || last_name like '%' || chr(65533) || '%')
                         + (select count(*) from enrolment where class_name like '%' || chr(65533) || '%')
                         + (select count(*) from school_subject where name like '%' || chr(65533) || '%')
                         + (select count(*) from quarantined_row where coalesce(value, '') || column_name like '%' || chr(65533) || '%')
                    """)).Should().Be(0, $"{context}: no replacement character is ever stored");

                if (result.Status == ImportStatus.Imported)
                {
                    // Back to the good file's facts, so every case is judged against the same earlier export.
                    await Exec(import, """
                        delete from attendance_fact; insert into attendance_fact select * from fuzz_fact;
                        delete from summary_snapshot; insert into summary_snapshot select * from fuzz_snapshot;
                        """);
                }
            }
        }

        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}")));
        outcomes.Keys.Should().Contain(["Imported", "Rejected"], "the damage is varied enough to produce both outcomes");
    }

    private static (byte[] Bytes, string What) Damage(Base file, Random random, Encoding cp1252)
    {
        var bytes = new List<byte>(file.Bytes);
        var what = new List<string>();
        var quote = (byte)'"';
        var delimiter = (byte)';';
        for (var i = random.Next(1, 4); i > 0; i--)
        {
            var at = random.Next(bytes.Count + 1);
            switch (random.Next(7))
            {
                case 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    what.Add($"cut at byte {at}");
                    break;
                case 1:
                    bytes.Insert(at, quote);
                    what.Add($"quote at {at}");
                    break;
                case 2:
                    bytes.Insert(at, 0);
                    what.Add($"NUL at {at}");
                    break;
                case 3:
                    bytes.Insert(at, delimiter);
                    what.Add($"separator at {at}");
                    break;
                case 4:
                    bytes.InsertRange(at, random.Next(2) == 0 ? "\n"u8.ToArray() : "\r\n"u8.ToArray());
                    what.Add($"line break at {at}");
                    break;
                case 5:
                    var text = file.Encoding.GetString(bytes.ToArray());
                    var other = file.Encoding is UTF8Encoding ? cp1252 : Encoding.UTF8;
                    bytes = [.. other.GetBytes(text)];
                    what.Add($"re-encoded as {other.WebName}");
                    break;
                default:
                    var from = random.Next(bytes.Count + 1);
                    var length = random.Next(Math.Min(40, bytes.Count - from) + 1);
                    bytes.RemoveRange(from, length);
                    what.Add($"{length} bytes removed at {from}");
                    break;
            }
        }

        return ([.. bytes], string.Join(", ", what));
    }

    /// <summary>Lines as an editor counts them: LF, CR LF or a lone CR ends one; a last line without a break is one too.</summary>
    private static int PhysicalLines(byte[] bytes)
    {
        var lines = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 == bytes.Length || bytes[i + 1] != '\n')))
            {
                lines++;
            }
        }

        return lines + (bytes.Length > 0 && bytes[^1] is not (byte)'\n' and not (byte)'\r' ? 1 : 0);
    }

    private static async Task<Dictionary<string, long>> FactsPerPupilAsync(ImportHarness import)
    {
        await using var cmd = import.DataSource.CreateCommand("select encode(pupil_key, 'hex'), count(*) from attendance_fact group by 1");
        await using var r = await cmd.ExecuteReaderAsync();
        var facts = new Dictionary<string, long>();
        while (await r.ReadAsync())
        {
            facts[r.GetString(0)] = r.GetInt64(1);
        }

        return facts;
    }

    private static async Task Exec(ImportHarness import, string sql)
    {
        await using var cmd = import.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
