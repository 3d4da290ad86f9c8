using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Worker.Tests.Nightly;

/// <summary>
/// The nightly job over the whole bundled sample, as a real process: every rektor's digest names only pupils of its own
/// school, and no personnummer from the exports reaches any mail (the groups' too), the outbox or the log.
/// </summary>
public sealed partial class SampleDigestTests(TestDatabase db) : IClassFixture<TestDatabase>, IDisposable
{
    private readonly TempDirectory temp = TestFiles.CreateTempDirectory("sample-digests");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Over_all_sample_schools_no_digest_names_a_pupil_of_another_school_no_personnummer_leaks_and_summary_schools_get_no_day_sentences()
    {
        var (exitCode, log) = await RunOnceAsync();

        exitCode.Should().Be(0, log);
        log.Should().Contain("Demo mode: the sample's trend model trend-model.json", "the sample's first run activates the model shipped with it");
        var trend = Regex.Match(log, @"flagged: [\d,]+ high, [\d,]+ at risk, (\d+) trend \(model v1 active");
        trend.Success.Should().BeTrue(log);
        int.Parse(trend.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BePositive("the sample shows Trend flags from an ML.NET model");
        var mails = Directory.GetFiles(Path.Combine(temp.Path, "digests"), "*.eml");
        var digests = mails.Where(m => SchoolOf().IsMatch(Path.GetFileName(m))).ToArray();
        digests.Should().HaveCount(8, "every sample school has pupils new at a level on the first run, and demo mode writes each of the eight rektorer their own digest with their link");

        foreach (var path in digests)
        {
            var message = await MimeMessage.LoadAsync(path);
            var school = SchoolOf().Match(Path.GetFileName(path)).Groups[1].Value;
            var references = Reference().Matches(message.TextBody ?? "").Select(m => m.Groups[1].Value).ToList();
            references.Should().NotBeEmpty();
            var enrolled = await ReferencesEnrolledAtAsync(school);
            references.Should().OnlyContain(r => enrolled.Contains(r), $"the digest for {school} must only list its own pupils");
            Reference().Matches(message.HtmlBody ?? "").Select(m => m.Groups[1].Value).Should().BeEquivalentTo(references);
        }

        // Kunskapsträdet sends summary exports: totals spread over their period show no single days, so no sentence may
        // speak of part days, days in a row, weekdays or subjects, and the digest says once why.
        var summarySchool = await MimeMessage.LoadAsync(digests.Single(d => Path.GetFileName(d).StartsWith("digest-55309539-", StringComparison.Ordinal)));
        foreach (var body in new[] { summarySchool.TextBody!, System.Net.WebUtility.HtmlDecode(summarySchool.HtmlBody!) })
        {
            body.Should().NotContain("del av dagen").And.NotContain("i följd").And.NotContain("lektionerna i").And.NotContain("Senaste 8 veckorna");
            DaySentence().IsMatch(body).Should().BeFalse("a summary export shows no weekdays");
            Regex.Matches(body, "visar inte enskilda dagar").Should().HaveCount(1);
        }

        var personnummer = SamplePersonnummer();
        personnummer.Should().HaveCountGreaterThan(1500);
        var texts = new List<(string Where, string Text)> { ("log", log) };
        foreach (var d in mails)
        {
            texts.Add((d, Decoded(await MimeMessage.LoadAsync(d))));
        }

        texts.AddRange(await OutboxRowsAsync());
        foreach (var (where, text) in texts)
        {
            var digitsOnly = NonDigits().Replace(text, " ");
            foreach (var pnr in personnummer)
            {
                digitsOnly.Contains(pnr, StringComparison.Ordinal).Should().BeFalse($"{where} must not contain a personnummer");
            }
        }
    }

    private async Task<(int ExitCode, string Log)> RunOnceAsync()
    {
        var start = PipelineHost.CliStartInfo(db, TestFiles.InRepo("sample-data", "schools.json"), temp.Path, "run-once", "--dry-run");
        start.Environment["Skolnarvaro__Demo__Enabled"] = "true";
        start.Environment["Skolnarvaro__Demo__TrendModelFile"] = TestFiles.InRepo("sample-data", "trend-model.json");
        start.Environment["Skolnarvaro__Notifications__NameDisplay"] = "None";
        start.Environment["Skolnarvaro__Notifications__DryRunFolder"] = Path.Combine(temp.Path, "digests");
        start.Environment["Logging__LogLevel__Default"] = "Debug";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    /// <summary>The 6-hex-digit references the digests use with NameDisplay None, for the pupils enrolled at a school.</summary>
    private async Task<HashSet<string>> ReferencesEnrolledAtAsync(string school)
    {
        await using var cmd = db.DataSource.CreateCommand("select upper(encode(substr(pupil_key, 1, 3), 'hex')) from enrolment where skolenhetskod = @s");
        cmd.Parameters.AddWithValue("s", school);
        await using var r = await cmd.ExecuteReaderAsync();
        var refs = new HashSet<string>();
        while (await r.ReadAsync())
        {
            refs.Add(r.GetString(0));
        }

        return refs;
    }

    private async Task<List<(string, string)>> OutboxRowsAsync()
    {
        await using var cmd = db.DataSource.CreateCommand("select id, array_to_string(recipients, ','), subject, mime from outbox");
        await using var r = await cmd.ExecuteReaderAsync();
        var rows = new List<(string, string)>();
        while (await r.ReadAsync())
        {
            using var mime = new MemoryStream(r.GetFieldValue<byte[]>(3));
            rows.Add(($"outbox #{r.GetInt64(0)}", $"{r.GetString(1)} {r.GetString(2)} {Decoded(await MimeMessage.LoadAsync(mime))}"));
        }

        return rows;
    }

    /// <summary>What a reader of the mail sees: headers and the decoded text and HTML parts (the raw parts are encoded).</summary>
    private static string Decoded(MimeMessage message) =>
        $"{string.Join("\n", message.Headers.Select(h => h.ToString()))}\n{message.TextBody}\n{message.HtmlBody}";

    /// <summary>Every personnummer in the sample exports, as the 10 digits YYMMDDNNNC that identify the person.</summary>
    private static HashSet<string> SamplePersonnummer()
    {
        var found = new HashSet<string>();
        foreach (var file in Directory.GetFiles(TestFiles.InRepo("sample-data", "inbox"), "*.csv", SearchOption.AllDirectories))
        {
            foreach (Match m in PersonnummerInExport().Matches(File.ReadAllText(file, Encoding.Latin1)))
            {
                var digits = NonDigits().Replace(m.Value, "");
                found.Add(digits.Length == 12 ? digits[2..] : digits);
            }
        }

        return found;
    }

    [GeneratedRegex(@"digest-(\d{8})-run")]
    private static partial Regex SchoolOf();

    [GeneratedRegex(@"ref\. ([0-9A-F]{6})")]
    private static partial Regex Reference();

    [GeneratedRegex(@"(?<![0-9])(?:\d{2})?\d{6}[-+]?\d{4}(?![0-9])")]
    private static partial Regex PersonnummerInExport();

    [GeneratedRegex(@"[^0-9]+")]
    private static partial Regex NonDigits();

    [GeneratedRegex(@"av de senaste \d+ (måndagarna|tisdagarna|onsdagarna|torsdagarna|fredagarna)")]
    private static partial Regex DaySentence();
}
