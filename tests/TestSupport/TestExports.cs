using System.Text;

namespace Skolnarvaro.TestSupport;

/// <summary>
/// Hand-made pupils and export files with known figures, for tests that need to know the right answer.
/// <code>
/// var pupil = TestPupil.Create(2013, 4, 17, serial: 23, "Märta", "Östlund", "7B");
/// TestExports.WriteDays(path, TestExports.SchoolDays(start, 20), (pupil, day => day.Index &lt; 2 ? 300 : 0));
/// </code>
/// </summary>
public static class TestExports
{
    public const int MinutesPerDay = 300;

    /// <summary>The next <paramref name="count"/> weekdays from <paramref name="start"/>.</summary>
    public static IReadOnlyList<DateOnly> SchoolDays(DateOnly start, int count)
    {
        var days = new List<DateOnly>();
        for (var d = start; days.Count < count; d = d.AddDays(1))
        {
            if (d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days.Add(d);
            }
        }

        return days;
    }

    /// <summary>
    /// A days-default export (UTF-8, ';'): every pupil scheduled <see cref="MinutesPerDay"/> each day, absent
    /// (unexcused) as many minutes as <c>absentMinutes(dayIndex)</c> says.
    /// </summary>
    public static void WriteDays(string path, IReadOnlyList<DateOnly> days, params (TestPupil Pupil, Func<int, int> AbsentMinutes)[] pupils)
    {
        var sb = new StringBuilder("Personnummer;Namn;Klass;Datum;Schemalagd tid (min);Giltig frånvaro (min);Ogiltig frånvaro (min);Sen ankomst (min)\n");
        foreach (var (pupil, absent) in pupils)
        {
            for (var i = 0; i < days.Count; i++)
            {
                sb.Append($"{pupil.Personnummer};{pupil.FirstName} {pupil.LastName};{pupil.ClassName};{days[i]:yyyy-MM-dd};{MinutesPerDay};0;{absent(i)};0\n");
            }
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, sb.ToString(), new UTF8Encoding(false));
    }
}

/// <summary>A synthetic pupil with a valid personnummer (Luhn check digit computed here, independently of the product).</summary>
public sealed record TestPupil(string Personnummer, string FirstName, string LastName, string ClassName)
{
    /// <param name="serial">0–99; the gender digit is added: odd for boys.</param>
    public static TestPupil Create(int year, int month, int day, int serial, string firstName, string lastName, string className, bool boy = false)
    {
        var genderDigit = boy ? 1 : 2;
        var nine = $"{year % 100:00}{month:00}{day:00}{serial:00}{genderDigit}";
        var sum = 0;
        for (var i = 0; i < 9; i++)
        {
            var v = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += v > 9 ? v - 9 : v;
        }

        var check = (10 - sum % 10) % 10;
        return new TestPupil($"{year:0000}{month:00}{day:00}-{serial:00}{genderDigit}{check}", firstName, lastName, className);
    }
}
