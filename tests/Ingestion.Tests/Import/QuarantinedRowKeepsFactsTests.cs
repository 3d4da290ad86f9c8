using System.Globalization;
using System.Text;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.TestSupport;
using Xunit.Abstractions;

namespace Skolnarvaro.Ingestion.Tests.Import;

/// <summary>
/// A quarantined row never removes or shrinks a fact. A school's week is imported, then the school's corrected export of
/// the same week with a typo in it: the pupil of the typo keeps every older fact of the week whole, everyone else takes the
/// corrections. The generative test damages any single cell of any row, in any encoding, and checks every pupil-day is
/// either unchanged or the corrected one (<c>SKOLNARVARO_FUZZ_SEED</c> replays a failure, <c>SKOLNARVARO_FUZZ_CASES</c>
/// sets the number of cases).
/// </summary>
public sealed class QuarantinedRowKeepsFactsTests(TestDatabase db, ITestOutputHelper output) : IClassFixture<TestDatabase>, IAsyncLifetime
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("kept");

    public Task InitializeAsync() => db.ResetAsync();

    public Task DisposeAsync()
    {
        temp.Dispose();
        return Task.CompletedTask;
    }

    // The lesson the typos go into: one of Sami Andersson's unexcused lessons on Thursday 19 November.
    private const string SamiPnr = "20190308-0594";
    private const string TypoLesson = "20190308-0594;Sami;Andersson;1A;2026-11-19;10:40;60;Engelska;O;60";

    /// <summary>The sample school's week of lessons, without the row the sample itself has a bad date in.</summary>
    private static List<string> LessonsWeek() =>
        File.ReadAllLines(ImportHarness.Data("hostile", "lessons_week.csv"), Encoding.UTF8).Where(l => !l.Contains("2026-02-30")).ToList();

    private static List<string> DaysWeek() => File.ReadAllLines(ImportHarness.Data("hostile", "days_week.csv"), Encoding.UTF8).ToList();

    /// <summary>The school's corrected export of the same week: every fifth present lesson turned out to be an unexcused absence.</summary>
    private static List<string> CorrectedLessons(List<string> week) => week.Select((line, i) =>
    {
        var f = line.Split(';');
        return i > 0 && i % 5 == 0 && f[8] == "N" ? string.Join(';', f[..8].Append("O").Append(f[6])) : line;
    }).ToList();

    /// <summary>The corrected days export: every fifth day's absence that was not excused turned out unexcused.</summary>
    private static List<string> CorrectedDays(List<string> week) => week.Select((line, i) =>
    {
        var f = line.Split(';');
        if (i == 0 || i % 5 != 0 || !int.TryParse(f[4], out var scheduled) || !int.TryParse(f[5], out var excused))
        {
            return line;
        }

        f[6] = (scheduled - excused).ToString(CultureInfo.InvariantCulture);
        f[7] = "0";
        return string.Join(';', f);
    }).ToList();

    [Theory]
    [InlineData("a decimal comma in the minutes", 9, "60,0")]
    [InlineData("text for the minutes", 9, "sextio")]
    [InlineData("negative minutes", 6, "-60")]
    [InlineData("another date format", 4, "19/11/2026")]
    [InlineData("an Excel serial date", 4, "46345")]
    [InlineData("a date in 2099", 4, "2099-11-19")]
    [InlineData("a date in 1999", 4, "1999-11-19")]
    [InlineData("a weekend date", 4, "2026-11-21")]
    [InlineData("a holiday (trettondedag jul)", 4, "2026-01-06")]
    [InlineData("a NUL byte", 7, "Eng\0elska")]
    [InlineData("an unknown status", 8, "X")]
    [InlineData("the start time 25:10", 5, "25:10")]
    [InlineData("a short row", -1, "")]
    [InlineData("a bad check digit in the personnummer", 0, "20190308-0595")]
    [InlineData("a letter in the personnummer", 0, "2019030B-0594")]
    [InlineData("13 digits in the personnummer", 0, "20190308-05941")]
    [InlineData("a zero-width space in the personnummer", 0, "20190308-\u200b0594")]
    public async Task A_typo_in_one_lesson_keeps_the_pupils_older_week_whole_and_everyone_else_takes_the_corrections(string typo, int column, string value)
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        var week = LessonsWeek();
        var corrected = CorrectedLessons(week);
        var typoAt = corrected.IndexOf(TypoLesson);
        typoAt.Should().BePositive("the lesson the typo goes into is in the export");
        var damaged = corrected.ToList();
        var fields = TypoLesson.Split(';');
        damaged[typoAt] = column < 0 ? string.Join(';', fields[..6]) : string.Join(';', fields.Select((f, i) => i == column ? value : f));

        var (before, clean) = await BeforeAndCorrectedAsync(import, week, corrected);
        var result = await import.ImportAsync(await WriteAsync("damaged.csv", damaged, Encoding.UTF8));

        result.Status.Should().Be(ImportStatus.Imported, $"{typo}: {result.Message}");
        result.RowsQuarantined.Should().Be(1, typo);
        var after = await FactsAsync(import);
        var sami = await KeyOfAsync(import, "Sami", "Andersson");
        after.Where(f => f.Key.Pupil == sami).Should().BeEquivalentTo(before.Where(f => f.Key.Pupil == sami),
            $"{typo}: the pupil of the quarantined row keeps the week as it was, not a day made of the lessons left");
        after.Where(f => f.Key.Pupil != sami).Should().BeEquivalentTo(clean.Where(f => f.Key.Pupil != sami),
            $"{typo}: every other pupil takes the school's corrections");
        clean.Where(f => f.Key.Pupil == sami).Should().NotBeEquivalentTo(before.Where(f => f.Key.Pupil == sami),
            "the correction changes the pupil's week too, so keeping it is seen");
        result.FactsKept.Should().Be(5);
        result.Message.Should().Contain("Kept 5 older pupil-days");
        (await import.ScalarAsync<int>("select facts_kept from import_file where id = @id", ("id", result.ImportFileId!.Value))).Should().Be(5);
    }

    [Theory]
    [InlineData("a bad check digit", "20190308-0595")]
    [InlineData("a letter", "2019030B-0594")]
    [InlineData("13 digits", "20190308-05941")]
    [InlineData("a zero-width space", "20190308-\u200b0594")]
    public async Task A_personnummer_unreadable_on_every_row_of_a_pupil_does_not_erase_their_week(string typo, string value)
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        var week = LessonsWeek();
        var corrected = CorrectedLessons(week);
        var damaged = corrected.Select(l => l.StartsWith(SamiPnr + ";", StringComparison.Ordinal) ? value + l[SamiPnr.Length..] : l).ToList();

        var (before, clean) = await BeforeAndCorrectedAsync(import, week, corrected);
        var result = await import.ImportAsync(await WriteAsync("damaged.csv", damaged, Encoding.UTF8));

        result.Status.Should().Be(ImportStatus.Imported, $"{typo}: {result.Message}");
        result.RowsQuarantined.Should().Be(22);
        var after = await FactsAsync(import);
        var sami = await KeyOfAsync(import, "Sami", "Andersson");
        after.Where(f => f.Key.Pupil == sami).Should().HaveCount(5).And.BeEquivalentTo(before.Where(f => f.Key.Pupil == sami),
            $"{typo}: the rows are the pupil's by their name, and the pupil keeps the week");
        after.Where(f => f.Key.Pupil != sami).Should().BeEquivalentTo(clean.Where(f => f.Key.Pupil != sami));
        result.Message.Should().Contain("Kept 5 older pupil-days");
    }

    [Fact]
    public async Task A_row_without_a_readable_personnummer_or_name_keeps_that_day_for_every_pupil()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        var week = LessonsWeek();
        var corrected = CorrectedLessons(week);
        var damaged = corrected.ToList();
        damaged[corrected.IndexOf(TypoLesson)] = "2019030B-0594;S\0mi;Andersson;1A;2026-11-19;10:40;60;Engelska;O;60";

        var (before, clean) = await BeforeAndCorrectedAsync(import, week, corrected);
        var result = await import.ImportAsync(await WriteAsync("damaged.csv", damaged, Encoding.UTF8));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        var after = await FactsAsync(import);
        var thursday = new DateOnly(2026, 11, 19);
        after.Where(f => f.Key.Date == thursday).Should().BeEquivalentTo(before.Where(f => f.Key.Date == thursday),
            "the row may be anyone's Thursday, so every Thursday stays as it was");
        after.Where(f => f.Key.Date != thursday).Should().BeEquivalentTo(clean.Where(f => f.Key.Date != thursday));
        result.Message.Should().Contain("whose pupil could not be read");
    }

    [Fact]
    public async Task A_pupil_missing_from_the_valid_rows_of_a_file_with_quarantined_rows_keeps_their_facts()
    {
        // The shrink guard would hold a file back that leaves out a pupil's whole week; here the school says it may.
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault,
            configuration: new Dictionary<string, string?> { ["Skolnarvaro:MaxShrinkShare"] = "0.5" });
        var week = DaysWeek();
        var corrected = CorrectedDays(week);
        var gone = week[1].Split(';')[0];
        // The first pupil is left out, and one other row has a typo.
        var damaged = corrected.Where(l => !l.StartsWith(gone + ";", StringComparison.Ordinal)).ToList();
        var f = damaged[20].Split(';');
        f[4] = "250,0";
        damaged[20] = string.Join(';', f);

        var (before, _) = await BeforeAndCorrectedAsync(import, week, corrected);
        var result = await import.ImportAsync(await WriteAsync("damaged.csv", damaged, Encoding.UTF8));

        result.Status.Should().Be(ImportStatus.Imported, result.Message);
        var after = await FactsAsync(import);
        var johan = await KeyOfAsync(import, "Johan", "Ahmed");
        after.Where(x => x.Key.Pupil == johan).Should().HaveCount(5).And.BeEquivalentTo(before.Where(x => x.Key.Pupil == johan));
        result.Message.Should().Contain("pupils the file's valid rows leave out");
    }

    [Theory]
    [InlineData("46345")]
    [InlineData("x")]
    [InlineData("Sen ankomst")]
    public async Task A_renamed_late_minutes_header_refuses_the_file_naming_the_column_and_leaves_every_late_minute_as_it_was(string header)
    {
        // Found by the damage test (seed 2129131714): read as absent, the column's late minutes became 0 in every pupil-day.
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.DaysDefault);
        var week = DaysWeek();
        var corrected = CorrectedDays(week);
        var damaged = corrected.Select((l, i) => i == 0 ? l.Replace("Sen ankomst (min)", header, StringComparison.Ordinal) : l).ToList();

        var (before, _) = await BeforeAndCorrectedAsync(import, week, corrected);
        var result = await import.ImportAsync(await WriteAsync("renamed.csv", damaged, Encoding.UTF8));

        result.Status.Should().Be(ImportStatus.Rejected, result.Message);
        result.Message.Should().Contain($"renamed.csv, line 1, column 8: '{header}' is not a column of export profile 'days-default', and the header has no 'Sen ankomst (min)'");
        (await FactsAsync(import)).Should().BeEquivalentTo(before);
    }

    [Fact]
    public async Task The_digest_data_quality_counts_the_pupil_days_kept_in_the_last_30_days()
    {
        using var import = await ImportHarness.StartAsync(db, temp, BuiltInProfiles.LessonsDefault);
        var week = LessonsWeek();
        var corrected = CorrectedLessons(week);
        await import.ImportAsync(await WriteAsync("week.csv", week, Encoding.UTF8));
        var damaged = corrected.Select(l => l == TypoLesson ? TypoLesson.Replace(";O;60", ";O;60,0", StringComparison.Ordinal) : l).ToList();
        (await import.ImportAsync(await WriteAsync("damaged.csv", damaged, Encoding.UTF8))).FactsKept.Should().Be(5);

        var quality = await import.Get<Skolnarvaro.Ingestion.DataQuality.DataQualityStore>().ForSchoolAsync(
            ImportHarness.Skolenhetskod, DateOnly.FromDateTime(DateTime.UtcNow), 5, 20);

        quality.KeptFactsLast30Days.Should().Be(5);
    }

    private sealed record Base(string Profile, ExportProfileSettings? Overrides, List<string> Week, List<string> Corrected, Encoding Encoding, string Name);

    [Fact]
    public async Task Any_single_damaged_cell_of_any_row_in_any_encoding_leaves_each_pupil_day_unchanged_or_corrected()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SKOLNARVARO_FUZZ_SEED"), CultureInfo.InvariantCulture, out var s)
            ? s : Random.Shared.Next();
        var cases = int.TryParse(Environment.GetEnvironmentVariable("SKOLNARVARO_FUZZ_CASES"), CultureInfo.InvariantCulture, out var c) ? c : 80;
        output.WriteLine($"SKOLNARVARO_FUZZ_SEED={seed} SKOLNARVARO_FUZZ_CASES={cases}");
        var random = new Random(seed);
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        var cp1252 = Encoding.GetEncoding(1252);
        var lessons = LessonsWeek().Take(200).ToList();
        var days = DaysWeek();
        var windows = new ExportProfileSettings { Encoding = "windows-1252" };
        Base[] bases =
        [
            new(BuiltInProfiles.LessonsDefault, null, lessons, CorrectedLessons(lessons), new UTF8Encoding(false), "lessons, UTF-8"),
            new(BuiltInProfiles.DaysDefault, null, days, CorrectedDays(days), new UTF8Encoding(true), "days, UTF-8 with BOM"),
            new(BuiltInProfiles.LessonsDefault, windows, lessons, CorrectedLessons(lessons), cp1252, "lessons, Windows-1252"),
            new(BuiltInProfiles.DaysDefault, windows, days, CorrectedDays(days), cp1252, "days, Windows-1252"),
        ];

        var outcomes = new Dictionary<string, int>();
        for (var b = 0; b < bases.Length; b++)
        {
            await db.ResetAsync();
            var basis = bases[b];
            using var import = await ImportHarness.StartAsync(db, temp, basis.Profile, basis.Overrides, maxBadRowShare: 0.5);
            var (before, clean) = await BeforeAndCorrectedAsync(import, basis.Week, basis.Corrected, basis.Encoding);
            for (var n = b; n < cases; n += bases.Length)
            {
                var (damaged, what) = DamageOneCell(basis.Corrected, random);
                var context = $"seed {seed}, case {n} ({basis.Name}: {what})";
                var result = await import.ImportAsync(await WriteAsync($"case{n:D4}.csv", damaged, basis.Encoding));
                var kind = result.Status.ToString() + (result.FactsKept > 0 ? " keeping facts" : "");
                outcomes[kind] = outcomes.GetValueOrDefault(kind) + 1;
                var after = await FactsAsync(import);
                foreach (var (day, had) in before)
                {
                    after.Should().ContainKey(day, $"{context}: a pupil-day the school still exports is never removed; {result.Message}");
                    after[day].Should().Match<Minutes>(m => m == had || m == clean[day],
                        $"{context}: {Show(day)} is either as before ({had}) or as corrected ({clean[day]}); {result.Message}");
                }

                after.Keys.Except(before.Keys).Should().BeEmpty($"{context}: no pupil-day appears that neither export has");
                await RestoreAsync(import);
            }
        }

        output.WriteLine(string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}: {o.Value}")));
        outcomes.Keys.Should().Contain("Imported keeping facts", "the damage leaves rows quarantined in imported files");
    }

    private static string Show((string Pupil, DateOnly Date) day) => $"pupil {day.Pupil[..8]}… on {day.Date:yyyy-MM-dd}";

    /// <summary>One cell of one row (the header too) damaged the way people and programs damage them.</summary>
    private static (List<string> Lines, string What) DamageOneCell(List<string> lines, Random random)
    {
        var row = random.Next(lines.Count);
        var fields = lines[row].Split(';');
        var cell = random.Next(fields.Length);
        var old = fields[cell];
        (string Name, Func<string, string> Apply)[] damages =
        [
            ("a decimal comma", v => v + ",5"),
            ("text", _ => "x"),
            ("a minus sign", v => "-" + v),
            ("a NUL byte", v => v.Insert(random.Next(v.Length + 1), "\0")),
            ("a zero-width space", v => v.Insert(random.Next(v.Length + 1), "\u200b")),
            ("an Excel serial", _ => "46345"),
            ("a date in 2099", _ => "2099-11-19"),
            ("a date in 1999", _ => "1999-11-18"),
            ("the time 25:10", _ => "25:10"),
            ("full-width digits", v => new string(v.Select(ch => char.IsAsciiDigit(ch) ? (char)('０' + ch - '0') : ch).ToArray())),
        ];
        List<string> result = [.. lines];
        // Cut before its first field, a row would be an empty line: a row removed, which no reader can notice.
        if (cell > 0 && random.Next(12) == 0)
        {
            result[row] = string.Join(';', fields[..cell]);
            return (result, $"line {row + 1} cut short before field {cell + 1}");
        }

        var (name, apply) = damages[random.Next(damages.Length)];
        fields[cell] = apply(old);
        result[row] = string.Join(';', fields);
        return (result, $"line {row + 1}, field {cell + 1}: {name}");
    }

    private readonly record struct Minutes(int Scheduled, int Excused, int Unexcused, int Late, int NotReported)
    {
        public override string ToString() => $"{Scheduled}/{Excused}/{Unexcused}/{Late}/{NotReported}";
    }

    /// <summary>
    /// Imports the week, then its corrected export, and returns the facts of each; the week's facts are restored after
    /// (and kept in fact_before) so that every damaged export is judged against the same earlier one.
    /// </summary>
    private async Task<(Dictionary<(string Pupil, DateOnly Date), Minutes> Before, Dictionary<(string Pupil, DateOnly Date), Minutes> Corrected)>
        BeforeAndCorrectedAsync(ImportHarness import, List<string> week, List<string> corrected, Encoding? encoding = null)
    {
        encoding ??= Encoding.UTF8;
        var first = await import.ImportAsync(await WriteAsync("week.csv", week, encoding));
        first.Status.Should().Be(ImportStatus.Imported, first.Message);
        await ExecAsync(import, "drop table if exists fact_before; create table fact_before as select * from attendance_fact;");
        var before = await FactsAsync(import);
        var clean = await import.ImportAsync(await WriteAsync("corrected.csv", corrected, encoding));
        clean.Status.Should().Be(ImportStatus.Imported, clean.Message);
        clean.RowsQuarantined.Should().Be(0, "the corrected export itself is clean");
        var correctedFacts = await FactsAsync(import);
        await RestoreAsync(import);
        return (before, correctedFacts);
    }

    private static Task RestoreAsync(ImportHarness import) =>
        ExecAsync(import, "delete from attendance_fact; insert into attendance_fact select * from fact_before;");

    private async Task<string> WriteAsync(string name, List<string> lines, Encoding encoding)
    {
        var path = temp.File(name);
        await File.WriteAllBytesAsync(path, [.. encoding.GetPreamble(), .. encoding.GetBytes(string.Join("\n", lines) + "\n")]);
        return path;
    }

    private static async Task<Dictionary<(string Pupil, DateOnly Date), Minutes>> FactsAsync(ImportHarness import)
    {
        await using var cmd = import.DataSource.CreateCommand(
            "select encode(pupil_key, 'hex'), date, scheduled_min, excused_min, unexcused_min, late_min, not_reported_min from attendance_fact");
        await using var r = await cmd.ExecuteReaderAsync();
        var facts = new Dictionary<(string, DateOnly), Minutes>();
        while (await r.ReadAsync())
        {
            facts.Add((r.GetString(0), r.GetFieldValue<DateOnly>(1)), new Minutes(r.GetInt32(2), r.GetInt32(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6)));
        }

        return facts;
    }

    private static async Task<string> KeyOfAsync(ImportHarness import, string first, string last) =>
        (await import.ScalarAsync<string>("select encode(pupil_key, 'hex') from pupil where first_name = @f and last_name = @l", ("f", first), ("l", last)))!;

    private static async Task ExecAsync(ImportHarness import, string sql)
    {
        await using var cmd = import.DataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync();
    }
}
