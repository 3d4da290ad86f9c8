using System.Globalization;

namespace Skolnarvaro.Calendar;

/// <summary>A term of the calendar: HT or VT and its first and last school day.</summary>
public sealed record CalendarTerm(string Name, DateOnly Start, DateOnly End)
{
    public bool Contains(DateOnly date) => date >= Start && date <= End;
}

/// <summary>A break of the calendar (höstlov, sportlov, påsklov, or one configured by name).</summary>
public sealed record CalendarBreak(string Name, DateOnly From, DateOnly To)
{
    /// <summary>The half-year a break or term belongs to: the same name in the same half-year is the same break.</summary>
    public (int Year, bool Autumn) Half => (From.Year, From.Month >= 7);

    public string Kind => Name.Trim().ToLowerInvariant().Replace('ö', 'o').Replace('å', 'a');
}

/// <summary>One calendar's settings parsed (the municipality's, or a school's laid over it); problems name their key.</summary>
internal sealed record CalendarRules(
    int HostlovWeek, int SportlovWeek, Pasklov Pasklov, bool Klamdag,
    IReadOnlyList<CalendarTerm> Terms, IReadOnlyList<CalendarBreak> Breaks, IReadOnlyList<DayRule> Holidays)
{
    public static CalendarRules Parse(CalendarSettings settings, string at, List<string> errors)
    {
        Week(settings.HostlovWeek, $"{at}:HostlovWeek", errors);
        Week(settings.SportlovWeek, $"{at}:SportlovWeek", errors);
        var terms = new List<CalendarTerm>();
        for (var i = 0; i < settings.Terms.Count; i++)
        {
            var t = settings.Terms[i];
            if (Range(t.Start, t.End, $"{at}:Terms:{i}", "Start", "End", errors) is { } r)
            {
                var name = (r.From.Month >= 7 ? "HT" : "VT") + r.From.Year.ToString(CultureInfo.InvariantCulture);
                if (terms.FirstOrDefault(o => o.Name == name) is { } twice)
                {
                    errors.Add($"{at}:Terms:{i} ({r.From:yyyy-MM-dd}..{r.To:yyyy-MM-dd}): a second {name} (already {twice.Start:yyyy-MM-dd}..{twice.End:yyyy-MM-dd}).");
                }
                else if (r.To > (r.From.Month >= 7 ? new DateOnly(r.From.Year, 12, 31) : new DateOnly(r.From.Year, 7, 31)))
                {
                    errors.Add($"{at}:Terms:{i}:End = '{t.End}': {name} must end in its half-year (HT by 31 December, VT by 31 July).");
                }
                else
                {
                    terms.Add(new CalendarTerm(name, r.From, r.To));
                }
            }
        }

        var breaks = new List<CalendarBreak>();
        for (var i = 0; i < settings.Breaks.Count; i++)
        {
            var b = settings.Breaks[i];
            if (string.IsNullOrWhiteSpace(b.Name))
            {
                errors.Add($"{at}:Breaks:{i}:Name is missing: name the break (Höstlov, Sportlov, Påsklov or your own).");
            }
            else if (Range(b.From, b.To, $"{at}:Breaks:{i}", "From", "To", errors) is { } r)
            {
                breaks.Add(new CalendarBreak(b.Name.Trim(), r.From, r.To));
            }
        }

        var holidays = new List<DayRule>();
        for (var i = 0; i < settings.Holidays.Count; i++)
        {
            if (DayRule.TryParse(settings.Holidays[i], out var rule, out var error))
            {
                holidays.Add(rule);
            }
            else
            {
                errors.Add($"{at}:Holidays:{i} = '{settings.Holidays[i]}': {error}.");
            }
        }

        return new CalendarRules(settings.HostlovWeek ?? 44, settings.SportlovWeek ?? 9, settings.Pasklov ?? Pasklov.AfterEaster,
            settings.Klamdag ?? true, terms, breaks, holidays);
    }

    /// <summary>A school's rules laid over the municipality's: what the school sets wins, holidays add up.</summary>
    public CalendarRules Over(CalendarRules municipal, CalendarSettings own) => new(
        own.HostlovWeek ?? municipal.HostlovWeek, own.SportlovWeek ?? municipal.SportlovWeek, own.Pasklov ?? municipal.Pasklov,
        own.Klamdag ?? municipal.Klamdag,
        [.. Terms, .. municipal.Terms.Where(m => Terms.All(t => t.Name != m.Name))],
        [.. Breaks, .. municipal.Breaks.Where(m => !Breaks.Any(b => b.Kind == m.Kind && b.Half == m.Half))],
        [.. municipal.Holidays, .. Holidays]);

    private static void Week(int? week, string key, List<string> errors)
    {
        if (week is < 1 or > 52)
        {
            errors.Add($"{key} = {week}: expected an ISO week number, 1 to 52.");
        }
    }

    private static (DateOnly From, DateOnly To)? Range(string from, string to, string at, string fromKey, string toKey, List<string> errors)
    {
        var ok = true;
        if (!DayRule.TryDate(from?.Trim() ?? "", out var f))
        {
            errors.Add($"{at}:{fromKey} = '{from}': expected a date such as 2026-08-17.");
            ok = false;
        }

        if (!DayRule.TryDate(to?.Trim() ?? "", out var t))
        {
            errors.Add($"{at}:{toKey} = '{to}': expected a date such as 2026-12-18.");
            ok = false;
        }

        if (ok && t < f)
        {
            errors.Add($"{at}:{toKey} = '{to}': before {fromKey} ({from}).");
            ok = false;
        }

        return ok ? (f, t) : null;
    }
}
