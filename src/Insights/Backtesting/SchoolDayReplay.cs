using Skolnarvaro.Analysis.Figures;

namespace Skolnarvaro.Insights.Backtesting;

/// <summary>
/// One pupil's facts replayed over a school's days as the nightly run would have seen them on each day: the facts from
/// the day's window start (the term's start, or earlier where the recent window reaches back over a break) up to that day,
/// and whether the pupil was still on the school's roll. The one sliding window the back-test and the trend dataset share;
/// they compute what they need from <see cref="Start"/>…<see cref="End"/> on each day.
/// </summary>
public sealed class SchoolDayReplay
{
    private readonly IReadOnlyList<DateOnly> days;
    private readonly DateOnly[] termStarts;
    private readonly DateOnly[] froms;

    /// <param name="windowFroms">Per day, the first date the nightly run would read (default: the term's start).</param>
    public SchoolDayReplay(IReadOnlyList<DateOnly> days, IReadOnlyList<DateOnly>? windowFroms = null)
    {
        this.days = days;
        termStarts = days.Select(d => Term.Containing(d).Start).ToArray();
        froms = windowFroms?.ToArray() ?? termStarts;
        Start = new int[days.Count];
        End = new int[days.Count];
        OnRoll = new bool[days.Count];
    }

    public IReadOnlyList<DateOnly> Days => days;

    /// <summary>The start of the term of the <paramref name="i"/>th day.</summary>
    public DateOnly TermStart(int i) => termStarts[i];

    /// <summary>Per school day: the first fact of the day's window (an index into the pupil's facts).</summary>
    public int[] Start { get; }

    /// <summary>Per school day: one past the last fact dated on or before the day.</summary>
    public int[] End { get; }

    /// <summary>Per school day: the pupil had facts in the term by then and was on the roll (<see cref="SchoolRoll"/>).</summary>
    public bool[] OnRoll { get; }

    /// <summary>Replays one pupil (facts ordered by date). The school has facts on every replayed day, so that day is its last as of itself.</summary>
    public void Load(ReadOnlySpan<DayFact> facts, DateOnly[]? arrivalsElsewhere)
    {
        int start = 0, end = 0;
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            while (end < facts.Length && facts[end].Date <= day)
            {
                end++;
            }

            while (start < end && facts[start].Date < froms[i])
            {
                start++;
            }

            Start[i] = start;
            End[i] = end;
            // Only a pupil with a day in this term is judged, as the nightly run does.
            OnRoll[i] = end > start && facts[end - 1].Date >= termStarts[i] && SchoolRoll.IsOnRoll(facts[end - 1].Date, day, arrivalsElsewhere, day);
        }
    }
}
