using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;

namespace Skolnarvaro.Insights.Trend;

/// <summary>A pupil at a level on a replayed night, with how the level history judged it.</summary>
public sealed record ReplayFlag(byte[] PupilKey, Level Level, LevelChange Change);

/// <summary>A pupil a replayed digest told the rektor about: news (new or escalated) or a reminder, and whether on a card.</summary>
public sealed record ReplayTold(byte[] PupilKey, Level Level, bool IsNews, bool Card);

/// <summary>
/// One school's replayed night: whether it followed a school day (else a digest day in a holiday week), everyone at a level,
/// and the digest recorded that night (null: none).
/// </summary>
public sealed record ReplayNight(string School, DateOnly Date, bool SchoolDay, IReadOnlyList<ReplayFlag> Flagged, IReadOnlyList<ReplayTold>? Digest);

/// <summary>
/// For a group of pupils whose lasting absence began in the period: how many were reached, at least
/// <see cref="ShippedEvaluation.EarlyDays"/> school days before it began, by a nightly flag at any level, a digest that named
/// them, and a digest card; and the median lead (school days, negative: after it began) of those reached at all.
/// </summary>
public sealed record ShippedRates(
    int Pupils, double FlaggedEarly, double NamedEarly, double CardEarly, int Flagged, int Named, int Carded,
    double? MedianLeadFlagged, double? MedianLeadNamed, double? MedianLeadCard);

public sealed record ShippedGroup(string Group, ShippedRates Rates);

/// <summary>What a replay of the nightly run produced over a period, counted: see <see cref="ShippedEvaluation"/>.</summary>
public sealed record ShippedResult(
    DateOnly From, DateOnly To, int SchoolDays, int SchoolWeeks, int Digests, int NewsEntries, int Reminders, int TrendNewsEntries,
    int NightlyEntries, double Precision, int PrecisionEntries, ShippedGroup Overall,
    IReadOnlyList<ShippedGroup> ByGender, IReadOnlyList<ShippedGroup> ByDriftsform, IReadOnlyList<ShippedGroup> ByGradeBand,
    IReadOnlyList<ShippedGroup> ByCourse, IReadOnlyList<ShippedGroup> ByStart)
{
    /// <summary>News (new or escalated) in the digests per school-week: the rektors' load.</summary>
    public double EntriesPerSchoolWeek => SchoolWeeks == 0 ? 0 : (double)NewsEntries / SchoolWeeks;
}

public sealed record ShippedModelResult(TrendModelInfo Model, ShippedResult Shipped);

/// <summary>The nightly run replayed with thresholds alone and with each model, counted the same way.</summary>
public sealed record ShippedComparison(
    DateOnly From, DateOnly To, int WarmUpWeeks, int HorizonWeeks, int Onsets, int Foreseeable, ShippedResult Thresholds,
    IReadOnlyList<ShippedModelResult> Models, TimeSpan Took);

/// <summary>
/// Counts what a replay of the nightly run produced (<see cref="ReplayNight"/>s) against what happened (the samples' lasting
/// absence). For every pupil whose lasting absence begins in the period (<see cref="AlertBudgetEvaluation.Begins"/>), the
/// first night they were flagged at any level, the first digest that named them and the first that showed them on a card,
/// each looked for from <see cref="Window"/> school days before it began to as many after; the lead is counted in the
/// school's school days. Entries are the digests' news; precision is the share of them followed by lasting absence within
/// the horizon. Foreseeable: at least <see cref="ForeseeableShare"/> absence over the 20 school days before the day
/// <see cref="EarlyDays"/> school days ahead of the beginning; the others are sudden. The same counting for the replay with
/// thresholds alone gives the baseline.
/// </summary>
public static class ShippedEvaluation
{
    public const int EarlyDays = 10;
    public const double ForeseeableShare = 0.03;
    public const double HighBelowLines = 0.10;

    private static readonly int Share10 = Index("share_10d"), Prior10 = Index("share_prior_10d"), Share20 = Index("share_20d");

    /// <summary>How a pupil's lasting absence began, seen <see cref="EarlyDays"/> school days ahead.</summary>
    public enum Start { Sudden, AlreadyHigh, RisingBelowLines, SomeWithoutRise }

    public sealed record Onset(string School, byte[] PupilKey, DateOnly Date, string Gender, string Driftsform, int Grade, Start Start)
    {
        public bool Foreseeable => Start != Start.Sudden;
    }

    /// <summary>The school days before or after a beginning within which a flag or a digest counts for it: the horizon.</summary>
    public static int Window(int horizonWeeks) => 5 * horizonWeeks;

    /// <summary>Every pupil's first beginning of lasting absence in the period, from the samples (one pupil, one school, date order).</summary>
    public static IReadOnlyList<Onset> Onsets(IReadOnlyList<TrendSample> samples, DateOnly from, DateOnly to)
    {
        var onsets = new List<Onset>();
        foreach (var pupil in samples.GroupBy(s => (s.Skolenhetskod, Convert.ToHexString(s.PupilKey))))
        {
            var days = pupil.OrderBy(s => s.Date).ToList();
            for (var k = 0; k < days.Count; k++)
            {
                if (days[k].Date >= from && days[k].Date <= to && AlertBudgetEvaluation.Begins(k, j => days[j].Lasting))
                {
                    var s = days[k];
                    onsets.Add(new Onset(s.Skolenhetskod, s.PupilKey, s.Date, s.Gender, s.Driftsform, s.Grade, StartOf(k >= EarlyDays ? days[k - EarlyDays] : null)));
                    break;
                }
            }
        }

        return onsets;
    }

    private static Start StartOf(TrendSample? before)
    {
        if (before is null || before.Features[Share20] < ForeseeableShare)
        {
            return Start.Sudden;
        }

        return before.Features[Share20] >= HighBelowLines ? Start.AlreadyHigh
            : before.Features[Share10] > before.Features[Prior10] ? Start.RisingBelowLines
            : Start.SomeWithoutRise;
    }

    public static ShippedResult Count(
        IReadOnlyList<TrendSample> samples, IReadOnlyList<Onset> onsets, IReadOnlyList<ReplayNight> nights, DateOnly from, DateOnly to, int horizonWeeks)
    {
        var window = Window(horizonWeeks);
        var calendar = SchoolCalendar.From(samples, nights);
        var events = Events(nights);
        ShippedRates Rates(IEnumerable<Onset> group) => RatesOf(group.ToList(), events, calendar, window);
        ShippedGroup Group(string name, Func<Onset, bool> member) => new(name, Rates(onsets.Where(member)));

        var counted = nights.Where(n => n.Date >= from && n.Date <= to).ToList();
        var news = counted.Where(n => n.Digest is not null).SelectMany(n => n.Digest!.Where(t => t.IsNews).Select(t => (n.School, n.Date, t))).ToList();
        var (precise, known) = Precision(samples, news.Select(e => (e.School, e.t.PupilKey, e.Date)), calendar, window);
        return new ShippedResult(
            from, to, calendar.SchoolDaysBetween(from, to), calendar.SchoolWeeksBetween(from, to), counted.Count(n => n.Digest is not null),
            news.Count, counted.Where(n => n.Digest is not null).Sum(n => n.Digest!.Count(t => !t.IsNews)), news.Count(e => e.t.Level == Level.Trend),
            counted.Sum(n => n.Flagged.Count(f => f.Change is LevelChange.New or LevelChange.Escalated)),
            known == 0 ? 0 : (double)precise / known, known,
            new ShippedGroup("Alla", Rates(onsets)),
            [Group("Flickor", o => o.Gender == "F"), Group("Pojkar", o => o.Gender == "M")],
            [Group("Kommunal", o => o.Driftsform != "Independent"), Group("Fristående", o => o.Driftsform == "Independent")],
            [Group("F–3", o => o.Grade is >= 0 and <= 3), Group("4–6", o => o.Grade is >= 4 and <= 6), Group("7–9", o => o.Grade >= 7)],
            [Group("Förutsebar", o => o.Foreseeable), Group("Plötslig", o => !o.Foreseeable),
             Group("Förutsebar, flickor", o => o.Foreseeable && o.Gender == "F"), Group("Förutsebar, pojkar", o => o.Foreseeable && o.Gender == "M"),
             Group("Förutsebar, kommunal", o => o.Foreseeable && o.Driftsform != "Independent"),
             Group("Förutsebar, fristående", o => o.Foreseeable && o.Driftsform == "Independent")],
            [Group("Nästan ingen frånvaro (plötslig)", o => o.Start == Start.Sudden), Group("Redan minst 10 %", o => o.Start == Start.AlreadyHigh),
             Group("Stigande under gränserna", o => o.Start == Start.RisingBelowLines), Group("Viss frånvaro utan ökning", o => o.Start == Start.SomeWithoutRise)]);
    }

    private sealed record PupilEvents(List<DateOnly> Flagged, List<DateOnly> Named, List<DateOnly> Carded);

    private static Dictionary<(string, string), PupilEvents> Events(IReadOnlyList<ReplayNight> nights)
    {
        var events = new Dictionary<(string, string), PupilEvents>();
        PupilEvents Of(string school, byte[] key)
        {
            var id = (school, Convert.ToHexString(key));
            return events.TryGetValue(id, out var e) ? e : events[id] = new PupilEvents([], [], []);
        }

        foreach (var night in nights.OrderBy(n => n.Date))
        {
            foreach (var f in night.Flagged)
            {
                Of(night.School, f.PupilKey).Flagged.Add(night.Date);
            }

            foreach (var t in night.Digest ?? [])
            {
                var e = Of(night.School, t.PupilKey);
                e.Named.Add(night.Date);
                if (t.Card)
                {
                    e.Carded.Add(night.Date);
                }
            }
        }

        return events;
    }

    private static ShippedRates RatesOf(List<Onset> onsets, Dictionary<(string, string), PupilEvents> events, SchoolCalendar calendar, int window)
    {
        var (flagged, named, carded) = (new List<int>(), new List<int>(), new List<int>());
        foreach (var o in onsets)
        {
            var e = events.GetValueOrDefault((o.School, Convert.ToHexString(o.PupilKey)));
            int? Lead(List<DateOnly>? dates) => FirstLead(dates, o, calendar, window);
            if (Lead(e?.Flagged) is { } f) flagged.Add(f);
            if (Lead(e?.Named) is { } n) named.Add(n);
            if (Lead(e?.Carded) is { } c) carded.Add(c);
        }

        double Early(List<int> leads) => onsets.Count == 0 ? 0 : (double)leads.Count(l => l >= EarlyDays) / onsets.Count;
        return new ShippedRates(onsets.Count, Early(flagged), Early(named), Early(carded), flagged.Count, named.Count, carded.Count,
            Median(flagged), Median(named), Median(carded));
    }

    /// <summary>School days from the first date within the window around the beginning to the beginning; null: none.</summary>
    private static int? FirstLead(List<DateOnly>? dates, Onset o, SchoolCalendar calendar, int window)
    {
        var start = calendar.Index(o.School, o.Date);
        foreach (var d in dates ?? [])
        {
            var lead = start - calendar.Index(o.School, d);
            if (lead <= window && lead >= -window)
            {
                return lead;
            }
        }

        return null;
    }

    /// <summary>News entries followed, within the horizon, by lasting absence; entries with no later sample have no known outcome.</summary>
    private static (int Precise, int Known) Precision(
        IReadOnlyList<TrendSample> samples, IEnumerable<(string School, byte[] Key, DateOnly Date)> entries, SchoolCalendar calendar, int window)
    {
        var byPupil = samples.GroupBy(s => (s.Skolenhetskod, Convert.ToHexString(s.PupilKey))).ToDictionary(g => g.Key, g => g.OrderBy(s => s.Date).ToList());
        var (precise, known) = (0, 0);
        foreach (var (school, key, date) in entries)
        {
            if (!byPupil.TryGetValue((school, Convert.ToHexString(key)), out var days))
            {
                continue;
            }

            var from = calendar.Index(school, date);
            var ahead = days.Where(s => s.Date >= date && calendar.Index(school, s.Date) - from <= window).ToList();
            if (ahead.Count == 0)
            {
                continue;
            }

            known++;
            precise += ahead.Any(s => s.Lasting) ? 1 : 0;
        }

        return (precise, known);
    }

    private static double? Median(List<int> values)
    {
        if (values.Count == 0)
        {
            return null;
        }

        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2.0;
    }

    private static int Index(string feature) => TrendFeatures.Names.ToList().IndexOf(feature);

    /// <summary>Each school's school days (dates with a sample or a replayed school night), to count leads and school-weeks in.</summary>
    private sealed class SchoolCalendar(Dictionary<string, List<DateOnly>> days)
    {
        public static SchoolCalendar From(IReadOnlyList<TrendSample> samples, IReadOnlyList<ReplayNight> nights)
        {
            var days = samples.Select(s => (s.Skolenhetskod, s.Date))
                .Concat(nights.Where(n => n.SchoolDay).Select(n => (n.School, n.Date)))
                .Distinct().GroupBy(x => x.Item1).ToDictionary(g => g.Key, g => g.Select(x => x.Item2).Order().ToList());
            return new SchoolCalendar(days);
        }

        /// <summary>The index of the school day on or before the date (a digest day in a holiday week counts as the last school day before it).</summary>
        public int Index(string school, DateOnly date)
        {
            var list = days.GetValueOrDefault(school) ?? [];
            var i = list.BinarySearch(date);
            return i >= 0 ? i : ~i - 1;
        }

        public int SchoolDaysBetween(DateOnly from, DateOnly to) => days.Values.SelectMany(d => d).Where(d => d >= from && d <= to).Distinct().Count();

        /// <summary>Per school, the weeks with school days: the denominator of entries per school-week.</summary>
        public int SchoolWeeksBetween(DateOnly from, DateOnly to) => days.Values.Sum(d => d.Where(x => x >= from && x <= to)
            .Select(x => x.AddDays(-(((int)x.DayOfWeek + 6) % 7))).Distinct().Count());
    }
}
