using System.Globalization;

namespace Skolnarvaro.Generator;

/// <summary>What was written for one school (used for the progress line and for checks).</summary>
internal sealed class SchoolExportStats
{
    public int Files { get; set; }
    public long Rows { get; set; }
    public int InvalidPnrRows { get; set; }
    public int BadDateRows { get; set; }
    public long ProtectedRows { get; set; }
    public long SamordningRows { get; set; }
    public long NotReportedRows { get; set; }
    public int CorrectedExcusedToUnexcused { get; set; }
    public int CorrectedNotReported { get; set; }
    public string? CorrectionFile { get; set; }
    public int Pupils { get; set; }
}

internal enum BadRow
{
    None,
    InvalidPnr,
    BadDate,
}

/// <summary>Decides, row by row, whether to spoil a row; never more than 1 % of a file's rows.</summary>
internal sealed class BadRowInjector(Random rng)
{
    private const double InvalidPnrRate = 0.0012;
    private const double BadDateRate = 0.0006;
    private long rows;
    private int bad;

    public Random Rng { get; } = rng;

    public BadRow Next(bool eligible)
    {
        this.rows++;
        double u = Rng.NextDouble();
        if (!eligible || (this.bad + 1) * 100L > this.rows)
        {
            return BadRow.None;
        }
        if (u < InvalidPnrRate)
        {
            this.bad++;
            return BadRow.InvalidPnr;
        }
        if (u < InvalidPnrRate + BadDateRate)
        {
            this.bad++;
            return BadRow.BadDate;
        }
        return BadRow.None;
    }

    /// <summary>An impossible date written in the profile's date format, e.g. 2026-13-01 or 31/02/2026.</summary>
    public string BadDate(string format, DateOnly date)
    {
        var (y, m, d) = Rng.Next(3) switch
        {
            0 => (date.Year, 13, date.Day),
            1 => (date.Year, 2, 30 + Rng.Next(2)),
            _ => (date.Year, date.Month, 32),
        };
        return format
            .Replace("yyyy", y.ToString("0000", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("MM", m.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("dd", d.ToString("00", CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }
}

/// <summary>Writes one school's export files, streaming row by row.</summary>
internal sealed class SchoolExporter
{
    private const string ProtectedFirstName = "Skyddad";
    private const string ProtectedLastName = "identitet";
    private const string ProtectedName = "Skyddad identitet";

    private readonly int seed;
    private readonly School school;
    private readonly SchoolTemplate template;
    private readonly ExportFormat format;
    private readonly TermCalendar cal;
    private readonly string dir;
    private readonly string?[] times = new string?[24 * 60];
    private readonly SchoolExportStats stats = new();

    public SchoolExporter(int seed, School school, TermCalendar cal, string inboxRoot)
    {
        this.seed = seed;
        this.school = school;
        template = school.Template;
        this.format = school.Template.Format;
        this.cal = cal;
        dir = Path.Combine(inboxRoot, school.Code);
    }

    public SchoolExportStats Write()
    {
        Directory.CreateDirectory(dir);
        stats.Pupils = this.school.Enrollments.Where(e => e.FromDay <= this.school.LastExportDay).Select(e => e.Pupil.Id).Distinct().Count();
        switch (this.format.Kind)
        {
            case ExportKind.Lessons:
                int correctionWeek = template.WriteCorrection ? FindCorrectionWeek() : -1;
                foreach (var week in ExportedWeeks())
                {
                    WriteLessonsFile(week, corrected: false);
                    if (week.Index == correctionWeek)
                    {
                        WriteLessonsFile(week, corrected: true);
                    }
                }
                break;
            case ExportKind.Days:
                foreach (var week in ExportedWeeks())
                {
                    WriteDaysFile(week);
                }
                break;
            default:
                WriteSummaryFiles();
                break;
        }
        return stats;
    }

    /// <summary>The school week four weeks before the snapshot date (or the nearest earlier school week).</summary>
    private int FindCorrectionWeek()
    {
        var target = TermCalendar.MondayOf(this.cal.AsOf.AddDays(-28));
        int best = -1;
        foreach (var w in this.cal.Weeks)
        {
            if (w.Monday <= target && w.FirstDay <= this.school.LastExportDay)
            {
                best = w.Index;
            }
        }
        return best;
    }

    private string Date(DateOnly d) => d.ToString(this.format.DateFormat, CultureInfo.InvariantCulture);

    private string Time(int minuteOfDay) =>
        times[minuteOfDay] ??= new TimeOnly(minuteOfDay / 60, minuteOfDay % 60).ToString(this.format.TimeFormat, CultureInfo.InvariantCulture);

    private CsvExportWriter Open(string fileName)
    {
        var w = new CsvExportWriter(Path.Combine(dir, fileName), this.format);
        w.Header(this.format.Headers);
        stats.Files++;
        return w;
    }

    private string PnrField(Pupil p, int week, BadRow bad, BadRowInjector inj)
    {
        if (p.Protected)
        {
            return p.ProtectedMarker;
        }
        string formatted = p.FormattedPnr(template.PnrStyleForWeek(this.cal.WeekBase + week));
        if (bad == BadRow.InvalidPnr)
        {
            stats.InvalidPnrRows++;
            return SyntheticPersonnummer.WithBadCheckDigit(formatted, inj.Rng.Next(9));
        }
        return formatted;
    }

    private string DateField(DateOnly d, string formatted, BadRow bad, BadRowInjector inj)
    {
        if (bad != BadRow.BadDate)
        {
            return formatted;
        }
        stats.BadDateRows++;
        return inj.BadDate(this.format.DateFormat, d);
    }

    private void CountIdentity(Pupil p)
    {
        if (p.Protected)
        {
            stats.ProtectedRows++;
        }
        else if (p.Samordningsnummer)
        {
            stats.SamordningRows++;
        }
    }

    private int LastDayOf(SchoolWeek week) => Math.Min(week.EndDay, this.school.LastExportDay + 1);

    /// <summary>The school weeks that have exports: up to the school's last export day.</summary>
    private IEnumerable<SchoolWeek> ExportedWeeks() => this.cal.Weeks.TakeWhile(w => w.FirstDay <= this.school.LastExportDay);

    /// <summary>One pupil-day of a week: the enrolment (and its index in the school's list), the day, its lessons and
    /// what the pupil's absence made of them.</summary>
    private delegate void PupilDay(int enrolment, Enrollment e, int day, Lesson[] lessons, ReadOnlySpan<LessonOutcome> outcomes);

    /// <summary>Every pupil-day of the week at this school, enrolment by enrolment and day by day — the order every
    /// export kind writes (or adds up) its rows in — with the day's lessons simulated once.</summary>
    private void ForEachPupilDay(SchoolWeek week, PupilDay visit)
    {
        int end = LastDayOf(week);
        Span<LessonOutcome> buf = stackalloc LessonOutcome[16];
        var enrollments = this.school.Enrollments;
        for (int i = 0; i < enrollments.Count; i++)
        {
            var e = enrollments[i];
            int from = Math.Max(week.FirstDay, e.FromDay);
            int to = Math.Min(end, e.ToDay);
            for (int day = from; day < to; day++)
            {
                var lessons = e.Class.LessonsOn(this.cal.Days[day]);
                var outcomes = buf[..lessons.Length];
                e.Pupil.Absence.Simulate(day, this.cal, lessons, outcomes);
                visit(i, e, day, lessons, outcomes);
            }
        }
    }

    private void WriteLessonsFile(SchoolWeek week, bool corrected)
    {
        string monday = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        string name = corrected ? $"lessons_{monday}_rättad.csv" : $"lessons_{monday}.csv";
        if (corrected)
        {
            stats.CorrectionFile = name;
        }
        var inj = new BadRowInjector(Det.Stream(this.seed, Det.Salt.File, this.school.Index, this.cal.WeekBase + week.Index, corrected ? 1 : 0));
        int end = LastDayOf(week);
        var dates = new string[end - week.FirstDay];
        for (int d = week.FirstDay; d < end; d++)
        {
            dates[d - week.FirstDay] = Date(this.cal.Days[d]);
        }

        using var w = Open(name);
        ForEachPupilDay(week, (_, e, day, lessons, outcomes) =>
        {
            int g = this.cal.DayBase + day; // random draws keyed by the day of the whole history
            bool fixExcused = corrected && Det.Unit(this.seed, Det.Salt.FixExcused, e.Pupil.Id, g) < 0.3;
            for (int li = 0; li < lessons.Length; li++)
            {
                var o = AsExported(e, g, li, outcomes[li], corrected, fixExcused);
                WriteLessonRow(w, inj, week.Index, e, this.cal.Days[day], dates[day - week.FirstDay], lessons[li], o);
            }
        });
        stats.Rows += w.Rows;
    }

    /// <summary>
    /// A lesson's outcome as the export shows it: not reported (for the whole class, or for the pupil), and in a corrected
    /// file most of those registered after all and some giltig frånvaro turned ogiltig.
    /// </summary>
    private LessonOutcome AsExported(Enrollment e, int g, int li, LessonOutcome o, bool corrected, bool fixExcused)
    {
        var p = e.Pupil;
        bool classE = Det.Unit(this.seed, Det.Salt.ClassLessonE, this.school.Index, e.Class.Index, g * 16 + li) < template.ClassLessonNotReported;
        bool pupilE = template.PupilLessonNotReported > 0
            && Det.Unit(this.seed, Det.Salt.PupilLessonE, p.Id, g, li) < template.PupilLessonNotReported;
        if (corrected)
        {
            if (classE && Det.Unit(this.seed, Det.Salt.FixE, this.school.Index, e.Class.Index, g * 16 + li) < 0.6)
            {
                classE = false;
                if (!pupilE)
                {
                    stats.CorrectedNotReported++;
                }
            }
            if (pupilE && Det.Unit(this.seed, Det.Salt.FixE, -1 - p.Id, g, li) < 0.6)
            {
                pupilE = false;
                if (!classE)
                {
                    stats.CorrectedNotReported++;
                }
            }
            if (fixExcused && o.Status == LessonStatus.Excused && !classE && !pupilE)
            {
                o.Status = LessonStatus.Unexcused;
                stats.CorrectedExcusedToUnexcused++;
            }
        }
        if (classE || pupilE)
        {
            o = new LessonOutcome { Status = LessonStatus.NotReported };
            stats.NotReportedRows++;
        }
        return o;
    }

    private void WriteLessonRow(CsvExportWriter w, BadRowInjector inj, int week, Enrollment e, DateOnly date, string formattedDate, Lesson lesson, LessonOutcome o)
    {
        var p = e.Pupil;
        var bad = inj.Next(!p.Protected);
        w.Field(PnrField(p, week, bad, inj));
        w.Field(p.Protected ? ProtectedFirstName : p.FirstName);
        w.Field(p.Protected ? ProtectedLastName : p.LastName);
        w.Field(e.Class.Name);
        w.Field(DateField(date, formattedDate, bad, inj));
        w.Field(Time(lesson.StartMinute));
        w.Field(lesson.Length);
        w.Field(lesson.Subject);
        w.Field(this.format.StatusCodes[(int)o.Status]);
        if (o.Status == LessonStatus.NotReported)
        {
            w.Field(this.format.NotReportedMinutesEmpty ? "" : "0");
        }
        else
        {
            w.Field(o.Minutes);
        }
        w.EndRow();
        CountIdentity(p);
    }

    private void WriteDaysFile(SchoolWeek week)
    {
        string monday = week.Monday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var inj = new BadRowInjector(Det.Stream(this.seed, Det.Salt.File, this.school.Index, this.cal.WeekBase + week.Index, 0));

        using var w = Open($"days_{monday}.csv");
        ForEachPupilDay(week, (_, e, day, lessons, outcomes) =>
        {
            var p = e.Pupil;
            var date = this.cal.Days[day];
            int scheduled = 0, excused = 0, unexcused = 0, late = 0;
            for (int li = 0; li < lessons.Length; li++)
            {
                scheduled += lessons[li].Length;
                switch (outcomes[li].Status)
                {
                    case LessonStatus.Excused: excused += outcomes[li].Minutes; break;
                    case LessonStatus.Unexcused: unexcused += outcomes[li].Minutes; break;
                    case LessonStatus.Late: late += outcomes[li].Minutes; break;
                }
            }
            bool notReported = Det.Unit(this.seed, Det.Salt.ClassDayE, this.school.Index, e.Class.Index, this.cal.DayBase + day) < template.ClassDayNotReported;

            var bad = inj.Next(!p.Protected);
            w.Field(PnrField(p, week.Index, bad, inj));
            w.Field(p.Protected ? ProtectedName : p.FullName);
            w.Field(e.Class.Name);
            w.Field(DateField(date, Date(date), bad, inj));
            w.Field(scheduled);
            if (notReported)
            {
                // Attendance not registered for the class that day: absence columns left empty.
                w.Field("");
                w.Field("");
                w.Field("");
                stats.NotReportedRows++;
            }
            else
            {
                w.Field(excused);
                w.Field(unexcused);
                w.Field(late);
            }
            w.EndRow();
            CountIdentity(p);
        });
        stats.Rows += w.Rows;
    }

    private void WriteSummaryFiles()
    {
        int count = this.school.Enrollments.Count;
        var scheduled = new long[count];
        var excused = new long[count];
        var unexcused = new long[count];
        var nfi = new NumberFormatInfo { NumberDecimalSeparator = this.format.DecimalSeparator, NegativeSign = "-" };
        string termStart = Date(this.cal.TermStart);

        foreach (var week in ExportedWeeks())
        {
            AddWeekMinutes(week, scheduled, excused, unexcused);
            WriteSummaryFile(week, scheduled, excused, unexcused, nfi, termStart);
        }
    }

    /// <summary>Adds the week's scheduled, giltig and ogiltig minutes to each enrolment's term so far.</summary>
    private void AddWeekMinutes(SchoolWeek week, long[] scheduled, long[] excused, long[] unexcused)
    {
        ForEachPupilDay(week, (i, e, day, lessons, outcomes) =>
        {
            for (int li = 0; li < lessons.Length; li++)
            {
                scheduled[i] += lessons[li].Length;
                if (Det.Unit(this.seed, Det.Salt.ClassLessonE, this.school.Index, e.Class.Index, (this.cal.DayBase + day) * 16 + li) < template.ClassLessonNotReported)
                {
                    continue; // not registered: counts as scheduled, not as absence
                }
                if (outcomes[li].Status == LessonStatus.Excused)
                {
                    excused[i] += outcomes[li].Minutes;
                }
                else if (outcomes[li].Status == LessonStatus.Unexcused)
                {
                    unexcused[i] += outcomes[li].Minutes;
                }
            }
        });
    }

    /// <summary>The term so far as of the week's last exported day: one row for each pupil enrolled that day, in hours.</summary>
    private void WriteSummaryFile(SchoolWeek week, long[] scheduled, long[] excused, long[] unexcused, NumberFormatInfo nfi, string termStart)
    {
        var enrollments = this.school.Enrollments;
        int snapshotDay = LastDayOf(week) - 1;
        var snapshot = this.cal.Days[snapshotDay];
        string till = Date(snapshot);
        var inj = new BadRowInjector(Det.Stream(this.seed, Det.Salt.File, this.school.Index, this.cal.WeekBase + week.Index, 0));
        using var w = Open($"summary_{snapshot.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv");
        for (int i = 0; i < enrollments.Count; i++)
        {
            var e = enrollments[i];
            if (e.FromDay > snapshotDay || e.ToDay <= snapshotDay)
            {
                continue;
            }
            var p = e.Pupil;
            decimal hScheduled = Hours(scheduled[i]);
            decimal hExcused = Hours(excused[i]);
            decimal hUnexcused = Hours(unexcused[i]);
            var bad = inj.Next(!p.Protected);
            w.Field(PnrField(p, week.Index, bad, inj));
            w.Field(p.Protected ? ProtectedName : p.FullName);
            w.Field(e.Class.Name);
            w.Field(e.FromDay == 0 ? termStart : Date(this.cal.Days[e.FromDay]));
            w.Field(DateField(snapshot, till, bad, inj));
            w.Field(hScheduled.ToString("0.##", nfi));
            w.Field((hExcused + hUnexcused).ToString("0.##", nfi));
            w.Field(hExcused.ToString("0.##", nfi));
            w.Field(hUnexcused.ToString("0.##", nfi));
            w.EndRow();
            CountIdentity(p);
        }
        stats.Rows += w.Rows;
    }

    private static decimal Hours(long minutes) => Math.Round(minutes / 60m, 2, MidpointRounding.AwayFromZero);
}
