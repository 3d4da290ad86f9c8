using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Skolnarvaro.Generator.Dynamics;

namespace Skolnarvaro.Generator.Tests.Dynamics;

/// <summary>One pupil-day of a days export, read plainly: the last ten digits key the pupil.</summary>
internal sealed record DayRow(string Code, string Pnr, string Class, DateOnly Date, int Scheduled, int Excused, int Unexcused, int Late)
{
    public int Absent => Excused + Unexcused;
    public bool WholeDay => Scheduled > 0 && Absent >= Scheduled;
    public bool PartDay => Absent > 0 && !WholeDay;
}

/// <summary>A pupil's line of history-truth.csv.</summary>
internal sealed record TruthRow(string Pnr, string Course, DateOnly? Onset, string Trips, string Moves);

/// <summary>Reads what the second generator wrote, independently of the generator's own types.</summary>
internal static class PublishedHistoryFiles
{
    public static List<(string Code, string Profile, string Driftsform)> Registry(string dir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, SampleGenerator.SchoolsFileName)));
        return doc.RootElement.GetProperty("Skolnarvaro").GetProperty("Schools").EnumerateArray()
            .Select(s => (s.GetProperty("Skolenhetskod").GetString()!, s.GetProperty("Profile").GetString()!, s.GetProperty("Driftsform").GetString()!))
            .ToList();
    }

    /// <summary>Every registered pupil-day of the days-exporting schools (valid dates, absence filled in).</summary>
    public static List<DayRow> Days(string dir)
    {
        var rows = new List<DayRow>();
        foreach (var code in Registry(dir).Where(s => s.Profile == "days-default").Select(s => s.Code))
        {
            foreach (var file in Directory.GetFiles(Path.Combine(dir, "inbox", code), "days_*.csv").Order(StringComparer.Ordinal))
            {
                foreach (var f in File.ReadLines(file).Skip(1).Select(l => l.Split(';')))
                {
                    var digits = new string(f[0].Where(char.IsAsciiDigit).ToArray());
                    if (digits.Length < 10 || f[5].Length == 0
                        || !DateOnly.TryParseExact(f[3], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
                    {
                        continue;
                    }
                    rows.Add(new DayRow(code, digits[^10..], f[2], date, Int(f[4]), Int(f[5]), Int(f[6]), Int(f[7])));
                }
            }
        }
        return rows;
    }

    public static Dictionary<string, TruthRow> Truth(string dir)
    {
        var lines = File.ReadLines(Path.Combine(dir, SampleGenerator.TruthFileName)).ToList();
        var header = lines[0].Split(';').ToList();
        int pnr = header.IndexOf("Personnummer"), course = header.IndexOf("Course"), onset = header.IndexOf("Onset");
        int trips = header.IndexOf("Trips"), moves = header.IndexOf("Moves");
        return lines.Skip(1).Select(l => l.Split(';')).ToDictionary(
            f => f[pnr][^10..],
            f => new TruthRow(f[pnr][^10..], f[course], f[onset].Length == 0 ? null : DateOnly.Parse(f[onset], CultureInfo.InvariantCulture), f[trips], f[moves]));
    }

    /// <summary>history-outbreaks.csv: school code, class, start and how many fell ill.</summary>
    public static List<(string Code, string Class, DateOnly Start, string Illness, int Ill)> Outbreaks(string dir) =>
        File.ReadLines(Path.Combine(dir, PublishedHistory.OutbreaksFileName)).Skip(1).Select(l => l.Split(';'))
            .Select(f => (f[0], f[2], DateOnly.Parse(f[3], CultureInfo.InvariantCulture), f[4], Int(f[5]))).ToList();

    /// <summary>SHA-256 over every file's relative path and SHA-256, in ordinal path order.</summary>
    public static string TreeHash(string dir)
    {
        var sb = new StringBuilder();
        foreach (var file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
                     .Select(f => Path.GetRelativePath(dir, f).Replace(Path.DirectorySeparatorChar, '/'))
                     .Order(StringComparer.Ordinal))
        {
            sb.Append(file).Append('\n').Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(dir, file))))).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sb.ToString())));
    }

    public static string Term(DateOnly d) => (d.Month >= 7 ? "HT" : "VT") + d.Year.ToString(CultureInfo.InvariantCulture);

    private static int Int(string s) => int.Parse(s, CultureInfo.InvariantCulture);
}

/// <summary>A published-dynamics history of the size the trend model is evaluated on, generated once for the tests that read it.</summary>
public sealed class PublishedHistoryFixture : IDisposable
{
    public static readonly DateOnly From = new(2025, 8, 18);
    public static readonly DateOnly AsOf = new(2026, 11, 20);

    private readonly TestSupport.TempDirectory temp = TestSupport.TestFiles.CreateTempDirectory("published-history");

    public PublishedHistoryFixture()
    {
        Result = SampleGenerator.Generate(new GeneratorOptions(temp.Path, Seed: 7, Pupils: 3000, Schools: 8, From: From, AsOf: AsOf,
            Dynamics: HistoryDynamics.Published));
        Days = PublishedHistoryFiles.Days(temp.Path);
        Truth = PublishedHistoryFiles.Truth(temp.Path);
        ByPupil = Days.GroupBy(r => r.Pnr).ToDictionary(g => g.Key, g => g.OrderBy(r => r.Date).ToArray());
    }

    public string Dir => temp.Path;
    public GeneratorResult Result { get; }
    internal List<DayRow> Days { get; }
    internal Dictionary<string, TruthRow> Truth { get; }
    internal Dictionary<string, DayRow[]> ByPupil { get; }

    /// <summary>The days-export pupils whose course is <paramref name="course"/> and began inside the history.</summary>
    internal IEnumerable<(TruthRow Truth, DayRow[] Days)> WithOnset(string course) =>
        ByPupil.Where(p => Truth.TryGetValue(p.Key, out var t) && t.Course == course && t.Onset is not null)
            .Select(p => (Truth[p.Key], p.Value));

    public void Dispose() => temp.Dispose();
}
