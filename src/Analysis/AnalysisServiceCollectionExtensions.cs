using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Investigations;
using Skolnarvaro.Analysis.Patterns;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Analysis.Trend;
using Skolnarvaro.Schools;
using Skolnarvaro.Templating;

namespace Skolnarvaro.Analysis;

public static class AnalysisServiceCollectionExtensions
{
    /// <summary>
    /// The night's analysis: thresholds (validated at start-up), figures and patterns, flags and the level history, the legal
    /// steps, and trend scoring with the model registry. Expects an NpgsqlDataSource and a TimeProvider.
    /// </summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services, IConfiguration configuration, string baseDirectory)
    {
        services.AddSchoolRegistry(configuration);
        services.AddOptions<ThresholdOptions>()
            .Bind(configuration.GetSection(ThresholdOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ThresholdOptions>>(sp => new ThresholdOptionsValidator(configuration, sp.GetRequiredService<SchoolRegistry>()));
        services.AddSingleton<AttendanceFactStore>();
        services.AddSingleton<SubjectFactStore>();
        services.AddSingleton<ThresholdAnalysis>();
        services.AddSingleton<FlagStore>();
        services.AddSingleton<LevelHistoryStore>();
        services.AddSingleton<SchoolFlags>();
        services.AddSingleton<InvestigationStore>();
        services.AddOptions<InvestigationOptions>()
            .Bind(configuration.GetSection(InvestigationOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<InvestigationOptions>, InvestigationOptionsValidator>();
        services.AddSingleton<Pages.SchoolPageStore>();
        services.AddSingleton<Pages.TeamPageStore>();
        services.AddOptions<TrendOptions>()
            .Bind(configuration.GetSection(TrendOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<TrendOptions>>(new TrendOptionsValidator(configuration));
        services.AddSingleton<TrendModelStore>();
        services.AddSingleton<TrendScoring>();
        return services;
    }

    /// <summary>Unknown keys first (a misspelt key leaves a default in force), then values, naming each key and value.</summary>
    private sealed class ThresholdOptionsValidator(IConfiguration configuration, SchoolRegistry schools) : IValidateOptions<ThresholdOptions>
    {
        public ValidateOptionsResult Validate(string? name, ThresholdOptions options)
        {
            var registry = schools.Driftsforms();
            var errors = ConfigurationKeys.Unknown(configuration.GetSection(ThresholdOptions.Section), typeof(ThresholdOptions))
                .Concat(options.Validate(registry))
                .ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    private sealed class TrendOptionsValidator(IConfiguration configuration) : IValidateOptions<TrendOptions>
    {
        public ValidateOptionsResult Validate(string? name, TrendOptions options)
        {
            var errors = ConfigurationKeys.Unknown(configuration.GetSection(TrendOptions.Section), typeof(TrendOptions))
                .Concat(options.Validate())
                .ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
