using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Skolnarvaro.Ingestion.Import;

/// <summary>
/// Where one import's time went, phase by phase, logged with its summary: an import that got slower says in which step
/// (the byte scan, parsing, COPY, the merge statements, the commit) without a profiler.
/// </summary>
public sealed class ImportPhases
{
    private readonly List<(string Name, TimeSpan Time)> phases = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TimeSpan mark;

    /// <summary>Records the time since the previous mark (or the start) as <paramref name="name"/>.</summary>
    public void Mark(string name)
    {
        var now = clock.Elapsed;
        Add(name, now - mark);
        mark = now;
    }

    /// <summary>A phase measured elsewhere (a thread's busy time inside an overlapped step); it does not move the mark.</summary>
    public void Add(string name, TimeSpan time)
    {
        for (var i = 0; i < phases.Count; i++)
        {
            if (phases[i].Name == name)
            {
                phases[i] = (name, phases[i].Time + time);
                return;
            }
        }

        phases.Add((name, time));
    }

    public TimeSpan Total => clock.Elapsed;

    public IReadOnlyList<(string Name, TimeSpan Time)> All => phases;

    public TimeSpan this[string name] => phases.FirstOrDefault(p => p.Name == name).Time;

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (name, time) in phases)
        {
            text.Append(text.Length == 0 ? "" : ", ").Append(name).Append(' ')
                .Append(time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)).Append(" s");
        }

        return text.ToString();
    }
}
