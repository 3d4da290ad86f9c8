using System.Globalization;
using Skolnarvaro.Ingestion.Import;

namespace Skolnarvaro.Worker.Commands;

/// <summary>
/// Progress of a long run on a terminal: the run's steps as lines, and under them one line that keeps being rewritten with
/// the file being imported, its rows and MB/s, so a 90-second import does not look stuck. Only for a terminal: when the
/// output goes to a log, the caller uses plain lines and nothing of this is written.
/// </summary>
public sealed class TerminalProgress(TextWriter output, TimeProvider time) : IProgress<string>, IProgress<ImportProgress>
{
    private static readonly TimeSpan Every = TimeSpan.FromMilliseconds(500);
    private readonly Lock gate = new();
    private string? file;
    private long fileStarted;
    private long lastWritten = long.MinValue;
    private int shown;

    /// <summary>A step of the run: the import line is cleared and the step written on a line of its own.</summary>
    public void Report(string value)
    {
        lock (gate)
        {
            ClearLine();
            output.WriteLine(value);
            output.Flush();
        }
    }

    public void Report(ImportProgress value)
    {
        lock (gate)
        {
            var now = time.GetTimestamp();
            if (value.File != file)
            {
                (file, fileStarted, lastWritten) = (value.File, now, long.MinValue);
            }

            var done = value.Bytes >= value.FileBytes;
            if (!done && lastWritten != long.MinValue && time.GetElapsedTime(lastWritten, now) < Every)
            {
                return;
            }

            lastWritten = now;
            Write(Line(value, time.GetElapsedTime(fileStarted, now)));
        }
    }

    /// <summary>Removes the import line (at the end of the run, before the summary).</summary>
    public void Clear()
    {
        lock (gate)
        {
            ClearLine();
            output.Flush();
        }
    }

    /// <summary>"  lessons_2026-11-16.csv: 412,300 rows, 23.5 of 61.2 MB, 4.1 MB/s".</summary>
    public static string Line(ImportProgress p, TimeSpan elapsed)
    {
        const double MB = 1_000_000;
        var rate = elapsed.TotalSeconds > 0 ? p.Bytes / MB / elapsed.TotalSeconds : 0;
        return string.Create(CultureInfo.InvariantCulture,
            $"  {p.File}: {p.Rows:N0} rows, {p.Bytes / MB:0.0} of {p.FileBytes / MB:0.0} MB, {rate:0.0} MB/s");
    }

    private void Write(string line)
    {
        output.Write('\r' + line.PadRight(shown));
        shown = line.Length;
        output.Flush();
    }

    private void ClearLine()
    {
        if (shown > 0)
        {
            output.Write('\r' + new string(' ', shown) + '\r');
            shown = 0;
        }
    }
}
