using Microsoft.Extensions.Options;
using Skolnarvaro.Calendar;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Insights.Reporting;

/// <summary>
/// Computes and writes a term's report: <c>terminsrapport-HT2026.html</c> (self-contained, for the committees) and three
/// CSV files with its numbers. Safe to call again: it rewrites the same files. The command line and a term-end job call it.
/// </summary>
public sealed class TermReportWriter(
    TermReportStore store, TermReportHtml html, IOptions<ThresholdOptions> thresholds, IOptions<ReportOptions> options,
    IOptions<InvestigationOptions> investigation, SchoolCalendar calendar, TimeProvider time)
{
    /// <summary>Where a term's report goes by default: a folder named for the term under <c>Skolnarvaro:Report:Folder</c>.</summary>
    public string FolderFor(Term term) => Path.Combine(options.Value.Folder, term.Name);

    /// <summary>Figures from fewer pupils than this are not shown.</summary>
    public int MinGroupSize => options.Value.MinGroupSize;

    /// <summary>The report as of <paramref name="asOf"/> (the term's end when later), without writing it.</summary>
    public async Task<TermReport> BuildAsync(Term term, DateOnly asOf, CancellationToken ct = default)
    {
        if (asOf < term.Start)
        {
            throw new ArgumentOutOfRangeException(nameof(asOf), asOf,
                $"{term.Name} starts {term.Start:yyyy-MM-dd}, after the report date {asOf:yyyy-MM-dd}: there is nothing to report yet.");
        }

        var to = asOf < term.End ? asOf : term.End;
        var pupils = await store.PupilsAsync(term.Start, to, ct);
        var weeks = await store.WeeksAsync(term.Start, to, ct);
        var schools = await store.SchoolsAsync(term, to, ct);
        // Once per school: the builder asks for every pupil in every group.
        var lateCounts = schools.ToDictionary(s => s.Skolenhetskod, s => thresholds.Value.For(s.Skolenhetskod, s.Driftsform).LateCountsAsAbsence, StringComparer.Ordinal);
        return TermReportBuilder.Build(term, to, options.Value.MinGroupSize, pupils, weeks, schools,
            school => lateCounts.TryGetValue(school, out var late) ? late : thresholds.Value.LateCountsAsAbsence,
            calendar, investigation.Value.ExpectedWithinSchoolDays);
    }

    /// <summary>
    /// Writes the HTML and CSV files into <paramref name="folder"/> (created if missing) and returns their paths, HTML first;
    /// all of them or, stopped or failed, none.
    /// </summary>
    public async Task<IReadOnlyList<string>> WriteAsync(Term term, DateOnly asOf, string folder, CancellationToken ct = default)
    {
        var report = await BuildAsync(term, asOf, ct);
        var name = $"terminsrapport-{term.Name}";
        var htmlFile = Path.Combine(folder, $"{name}.html");
        var groups = Path.Combine(folder, $"{name}-grupper.csv");
        var weeks = Path.Combine(folder, $"{name}-veckor.csv");
        var schools = Path.Combine(folder, $"{name}-skolor.csv");
        var created = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm")).DateTime);
        await DeskFiles.WriteAllAsync([
            DeskFile.Text(htmlFile, html.Render(report, created), ct),
            DeskFile.Csv(groups, to => TermReportCsv.WriteGroups(to, report)),
            DeskFile.Csv(weeks, to => TermReportCsv.WriteWeeks(to, report)),
            DeskFile.Csv(schools, to => TermReportCsv.WriteSchools(to, report))]);
        return [htmlFile, groups, weeks, schools];
    }
}
