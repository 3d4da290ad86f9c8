using System.Globalization;
using System.Text;

namespace Skolnarvaro.Benchmarks;

/// <summary>
/// A days-default export (one pupil × one school day) for the 2025/26 school year: Stockholm's calendar (höstlov, jul,
/// sportlov, påsklov, 1 May, Kristi himmelsfärd and its klämdag off), each pupil with a personal absence propensity
/// (log-normal, median about 4 %, a long tail above 20 %), whole and part days, giltig or ogiltig, some late arrivals.
/// Deterministic: the same pupil and variant give the same rows; another variant rewrites the same days (a correction).
/// </summary>
public static class DaysFile
{
    public const string Header = "Personnummer;Namn;Klass;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min);Sen ankomst (min)";
    private static readonly string[] First = ["Märta", "Åsa", "Björn", "Oskar", "Lina", "Elias", "Saga", "Nils", "Amira", "Omar"];
    private static readonly string[] Last = ["Östlund", "Åberg", "Lindqvist", "Nguyen", "Hassan", "Järvinen", "Berg", "Sjöberg"];

    /// <summary>The school days of 2025/26 (HT 2025-08-18 – 2025-12-19, VT 2026-01-08 – 2026-06-12) between the dates.</summary>
    public static IReadOnlyList<DateOnly> SchoolDays(DateOnly from, DateOnly to)
    {
        var off = new List<(DateOnly From, DateOnly To)>
        {
            (new(2025, 10, 27), new(2025, 10, 31)),   // höstlov, week 44
            (new(2025, 12, 20), new(2026, 1, 7)),     // jul
            (new(2026, 2, 23), new(2026, 2, 27)),     // sportlov, week 9
            (new(2026, 4, 3), new(2026, 4, 10)),      // långfredag and påsklov
            (new(2026, 5, 1), new(2026, 5, 1)),
            (new(2026, 5, 14), new(2026, 5, 15)),     // Kristi himmelsfärd and klämdag
        };
        var days = new List<DateOnly>();
        for (var d = from < new DateOnly(2025, 8, 18) ? new DateOnly(2025, 8, 18) : from; d <= to && d <= new DateOnly(2026, 6, 12); d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !off.Any(o => d >= o.From && d <= o.To))
            {
                days.Add(d);
            }
        }

        return days;
    }

    /// <summary>Pupils <paramref name="firstPupil"/> … <paramref name="firstPupil"/> + <paramref name="pupils"/> − 1 over the days.</summary>
    public static long Write(string path, int firstPupil, int pupils, IReadOnlyList<DateOnly> days, int variant)
    {
        long rows = 0;
        using var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20);
        w.Write(Header);
        w.Write('\n');
        var line = new StringBuilder(128);
        for (var p = firstPupil; p < firstPupil + pupils; p++)
        {
            var (pnr, grade) = Personnummer(p);
            var name = $"{First[p % First.Length]} {Last[p / First.Length % Last.Length]}";
            var cls = $"{grade}{(char)('A' + p / 9 % 4)}";
            var scheduled = 240 + 15 * grade;
            // The pupil's propensity is the same in every variant; the days drawn from it are the variant's own.
            var propensity = new Random(p);
            var share = Math.Min(0.6, Math.Exp(-3.2 + 0.9 * Gaussian(propensity)));
            var unexcusedShare = propensity.NextDouble() < 0.15 ? 0.6 : 0.15;
            var random = new Random(p * 7919 + variant * 104729);
            foreach (var day in days)
            {
                int excused = 0, unexcused = 0, late = 0;
                if (random.NextDouble() < share)
                {
                    var minutes = random.NextDouble() < 0.6 ? scheduled : 60 * (1 + random.Next(3));
                    if (random.NextDouble() < unexcusedShare)
                    {
                        unexcused = minutes;
                    }
                    else
                    {
                        excused = minutes;
                    }
                }
                else if (random.NextDouble() < 0.03)
                {
                    late = 5 + random.Next(16);
                }

                line.Clear().Append(pnr).Append(';').Append(name).Append(';').Append(cls).Append(';')
                    .Append(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append(';')
                    .Append(scheduled).Append(';').Append(excused).Append(';').Append(unexcused).Append(';').Append(late).Append('\n');
                w.Write(line);
                rows++;
            }
        }

        return rows;
    }

    private static double Gaussian(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    /// <summary>A valid, unique personnummer per pupil number (up to 9 × 36 × 1,000 pupils) and the pupil's grade.</summary>
    private static (string Pnr, int Grade) Personnummer(int p)
    {
        var q = p / 1000;
        var grade = 1 + q % 9;
        var birth = new DateOnly(2019 - grade, 1, 1).AddDays(q / 9 * 10);
        var serial = p % 1000;
        var nine = $"{birth.Year % 100:00}{birth.Month:00}{birth.Day:00}{serial:000}";
        var sum = nine.Select((c, i) => (c - '0') * (i % 2 == 0 ? 2 : 1)).Sum(v => v > 9 ? v - 9 : v);
        return ($"{birth.Year:0000}{birth.Month:00}{birth.Day:00}-{serial:000}{(10 - sum % 10) % 10}", grade);
    }
}
