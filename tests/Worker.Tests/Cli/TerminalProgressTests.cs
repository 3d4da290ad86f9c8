using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Worker.Commands;

namespace Skolnarvaro.Worker.Tests.Cli;

/// <summary>What a long import shows on a terminal: one rewritten line with the file, its rows and MB/s.</summary>
public sealed class TerminalProgressTests
{
    private readonly StringWriter output = new();
    private readonly SteppedClock clock = new();

    [Fact]
    public void A_long_import_shows_the_file_its_rows_and_the_MB_per_second_on_one_rewritten_line()
    {
        var progress = new TerminalProgress(output, clock);

        progress.Report("Björkskolan: importing");
        progress.Report(new ImportProgress("lessons_2026-11-16.csv", 0, 60_000_000, 0));
        clock.Advance(TimeSpan.FromSeconds(10));
        progress.Report(new ImportProgress("lessons_2026-11-16.csv", 25_000_000, 60_000_000, 412_300));

        output.ToString().Should().StartWith("Björkskolan: importing" + Environment.NewLine)
            .And.EndWith("\r  lessons_2026-11-16.csv: 412,300 rows, 25.0 of 60.0 MB, 2.5 MB/s");
    }

    [Fact]
    public void Reports_closer_together_than_half_a_second_are_not_written_but_the_end_of_a_file_always_is()
    {
        var progress = new TerminalProgress(output, clock);
        progress.Report(new ImportProgress("days.csv", 1_000_000, 4_000_000, 10_000));
        var first = output.ToString();

        clock.Advance(TimeSpan.FromMilliseconds(100));
        progress.Report(new ImportProgress("days.csv", 2_000_000, 4_000_000, 20_000));
        output.ToString().Should().Be(first);

        clock.Advance(TimeSpan.FromMilliseconds(100));
        progress.Report(new ImportProgress("days.csv", 4_000_000, 4_000_000, 40_000));
        output.ToString().Should().EndWith("days.csv: 40,000 rows, 4.0 of 4.0 MB, 20.0 MB/s");
    }

    [Fact]
    public void The_next_step_and_the_end_of_the_run_clear_the_import_line_so_the_summary_starts_on_a_clean_line()
    {
        var progress = new TerminalProgress(output, clock);
        progress.Report(new ImportProgress("days.csv", 1_000_000, 4_000_000, 10_000));
        var line = TerminalProgress.Line(new ImportProgress("days.csv", 1_000_000, 4_000_000, 10_000), TimeSpan.Zero);

        progress.Report("Analysing, recording flags and digests, delivering");
        progress.Clear();

        output.ToString().Should().Be("\r" + line + "\r" + new string(' ', line.Length) + "\r"
            + "Analysing, recording flags and digests, delivering" + Environment.NewLine);
    }

    private sealed class SteppedClock : TimeProvider
    {
        private long ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => ticks;

        public void Advance(TimeSpan by) => ticks += by.Ticks;
    }
}
