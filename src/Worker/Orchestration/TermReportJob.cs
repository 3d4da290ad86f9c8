using System.ComponentModel;
using Microsoft.Extensions.Logging;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Insights.Reporting;
using Skolnarvaro.Worker.Composition;

namespace Skolnarvaro.Worker.Orchestration;

/// <summary>
/// The recurring term-end job: writes the report of the term the run date falls in (by default on 22 June and
/// 22 December, after the terms' last school days) into <c>Skolnarvaro:Report:Folder</c>/&lt;term&gt;. Running it twice
/// rewrites the same files.
/// </summary>
public sealed class TermReportJob(TermReportWriter writer, RunDates dates, ILogger<TermReportJob> logger)
{
    [DisplayName("Term report")]
    public async Task WriteAsync(CancellationToken ct)
    {
        var date = dates.Today;
        var term = Term.Containing(date);
        var paths = await writer.WriteAsync(term, date, writer.FolderFor(term), ct);
        logger.LogInformation("Term report {Term} written: {Paths}", term.Name, string.Join(", ", paths));
    }
}
