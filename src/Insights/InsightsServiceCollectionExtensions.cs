using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Insights.Backtesting;
using Skolnarvaro.Insights.Reporting;
using Skolnarvaro.Insights.Trend;
using Skolnarvaro.Templating;

namespace Skolnarvaro.Insights;

public static class InsightsServiceCollectionExtensions
{
    /// <summary>
    /// The analyst's desk: the back-test, the term report, training and evaluating the trend model. Expects the night's
    /// stages (AddAnalysis, AddIngestion, AddNotifications) and, from the host, <see cref="IDeskRuns"/> and
    /// <see cref="INightlySchoolStep"/>. <paramref name="baseDirectory"/> resolves relative folders (templates, output).
    /// </summary>
    public static IServiceCollection AddInsights(this IServiceCollection services, IConfiguration configuration, string baseDirectory)
    {
        services.AddSingleton(new DeskFolders(baseDirectory));
        services.AddSingleton<Backtester>();
        services.AddSingleton<BacktestDesk>();
        services.AddOptions<ReportOptions>()
            .Bind(configuration.GetSection(ReportOptions.Section))
            .PostConfigure(o =>
            {
                // By default the term report's template sits with the digests' (one folder of templates for the analysts).
                o.TemplateFolder = TemplateFolders.Resolve(o.TemplateFolder is { Length: > 0 } folder ? folder : configuration[TemplateFolders.Key], baseDirectory);
                o.Folder = Path.GetFullPath(o.Folder, baseDirectory);
            })
            .Validate(o => o.MinGroupSize >= 1, $"{ReportOptions.Section}:MinGroupSize must be at least 1: the fewest pupils a shown figure may rest on.")
            .ValidateOnStart();
        services.AddSingleton(sp => new TermReportHtml(sp.GetRequiredService<IOptions<ReportOptions>>().Value.TemplateFolder));
        services.AddSingleton<TermReportStore>();
        services.AddSingleton<TermReportWriter>();
        services.AddSingleton<TrendDataset>();
        services.AddSingleton<TrendTrainer>();
        services.AddSingleton<NightlyReplay>();
        services.AddSingleton<ShippedEvaluator>();
        services.AddSingleton<EvaluationDesk>();
        services.AddSingleton<ModelRegistry>();
        return services;
    }
}

/// <summary>The home folder the desk resolves its default output folders against (SKOLNARVARO_HOME, else the current folder).</summary>
public sealed record DeskFolders(string Home)
{
    public string Resolve(params string[] parts) => Path.GetFullPath(Path.Combine(parts), Home);
}
