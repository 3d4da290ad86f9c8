using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Worker;

public static class WorkerServiceCollectionExtensions
{
    /// <summary>
    /// The worker's own part: the school clock, the run date (fixed in demo mode), the orchestration settings, the runs'
    /// bookkeeping (which the desk's back-test records itself through) and the nightly run that sequences the stages (whose
    /// per-school step the desk's evaluation replays). Hangfire's server is added by the <c>worker</c> command.
    /// </summary>
    public static IServiceCollection AddWorker(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<TimeProvider, SchoolTimeProvider>();
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section));
        services.AddSingleton<RunDates>();
        services.AddSingleton<DemoTrendModel>();
        services.AddOptions<OrchestrationOptions>().Bind(configuration.GetSection(OrchestrationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<OrchestrationOptions>, Orchestration.OrchestrationOptionsValidator>();
        services.AddSingleton<RunConfiguration>();
        services.AddSingleton<RunStore>();
        services.AddSingleton<Insights.IDeskRuns>(sp => sp.GetRequiredService<RunStore>());
        services.AddSingleton<NightlyRun>();
        services.AddSingleton<Insights.Trend.INightlySchoolStep, NightlySchoolStep>();
        return services;
    }
}
