using Scriban;
using Scriban.Runtime;

namespace Skolnarvaro.Notifications.Ops;

/// <summary>One school's line in the analysts' run report.</summary>
public sealed record OpsSchool(
    string Skolenhetskod, string Name, string Driftsform, int FilesImported, int FilesRejected, long RowsImported, long RowsQuarantined,
    string? LastExport, bool Stale, string? ReportingRate, int High, int AtRisk, int Trend, bool DigestQueued, string? Error,
    IReadOnlyList<string> Rejections);

/// <summary>What the ops template sees: the run and every school, problems first.</summary>
public sealed record OpsDigestModel(long RunId, string AsOf, string ModelNote, IReadOnlyList<OpsSchool> Schools)
{
    public IReadOnlyList<OpsSchool> Problems => Schools.Where(s => s.Error is not null || s.Stale || s.FilesRejected > 0).ToList();
    public long Rows => Schools.Sum(s => s.RowsImported);
    public int Digests => Schools.Count(s => s.DigestQueued);
}

/// <summary>
/// The run report for the analysts' address (Skolnarvaro:Notifications:OpsAddress): stale and rejected exports,
/// failed schools, and the run's figures. A Scriban text template like the digests, checked at start-up.
/// </summary>
public sealed class OpsDigestRenderer
{
    public const string File = "ops.txt.sbn";
    private readonly Template template;

    public OpsDigestRenderer(string templateFolder)
    {
        var path = Path.Combine(templateFolder, File);
        if (!System.IO.File.Exists(path))
        {
            throw new Digests.TemplateException($"{path}: template file not found (Skolnarvaro:Notifications:TemplateFolder).");
        }

        template = Template.Parse(System.IO.File.ReadAllText(path), path);
        if (template.HasErrors)
        {
            throw new Digests.TemplateException(string.Join(Environment.NewLine, template.Messages.Select(m => m.ToString())));
        }

        Render(new OpsDigestModel(1, "20 november 2026", "Trendmodellen används inte.",
            [new OpsSchool("12345678", "Exempelskolan", "kommunal", 1, 1, 100, 2, "6 november 2026", true, "84 %", 1, 2, 0, true, null, ["fil.csv: avvisad"])]));
    }

    public (string Subject, string Text) Render(OpsDigestModel model)
    {
        var globals = new ScriptObject();
        globals.Import(model, renamer: StandardMemberRenamer.Default);
        var context = new TemplateContext { StrictVariables = true, MemberRenamer = StandardMemberRenamer.Default };
        context.PushGlobal(globals);
        try
        {
            var text = template.Render(context);
            var subject = $"Skolnärvaro: körning #{model.RunId} {model.AsOf}" +
                          (model.Problems.Count > 0 ? $" – {model.Problems.Count} skolor att se över" : " – inga problem");
            return (subject, text);
        }
        catch (Scriban.Syntax.ScriptRuntimeException e)
        {
            throw new Digests.TemplateException($"{e.Span.FileName}({e.Span.Start.Line + 1},{e.Span.Start.Column + 1}): {e.OriginalMessage}");
        }
    }
}
