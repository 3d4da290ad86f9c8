using System.Globalization;
using Spectre.Console;
using Skolnarvaro.Insights.Trend;

namespace Skolnarvaro.Worker.Commands;

/// <summary>The model registry on the command line: one row per model, then what the nightly run scores with.</summary>
internal static class ModelsPrint
{
    public static void Print(ModelListing listing)
    {
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = Math.Max(AnsiConsole.Profile.Width, 180);
        }

        if (listing.Models.Count == 0)
        {
            AnsiConsole.MarkupLine("No trend models yet; train one with `skolnarvaro train`.");
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumns("Version", "Created (UTC)", "Trained on", "Held out", "Seed", "Horizon", "Held-out AUC", "Active", "Decision");
            foreach (var m in listing.Models)
            {
                table.AddRow($"v{m.Version}", m.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
                    $"{m.TrainedFrom:yyyy-MM-dd} – {m.TrainedTo:yyyy-MM-dd}", $"{m.HeldOutFrom:yyyy-MM-dd} – {m.HeldOutTo:yyyy-MM-dd}",
                    m.Seed.ToString(CultureInfo.InvariantCulture), $"{m.HorizonWeeks} weeks", m.HeldOutAuc.ToString("0.000", CultureInfo.InvariantCulture),
                    m.Active ? "[green]active[/]" : "", Markup.Escape(m.Decision));
            }

            AnsiConsole.Write(table);
        }

        AnsiConsole.MarkupLine($"Nightly run: {Markup.Escape(listing.NightlyRun)}");
    }
}
