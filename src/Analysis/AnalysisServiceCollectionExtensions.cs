using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Skolnarvaro.Analysis.Figures;
using Skolnarvaro.Analysis.Flags;
using Skolnarvaro.Analysis.Runs;
using Skolnarvaro.Analysis.Thresholds;

namespace Skolnarvaro.Analysis;

public static class AnalysisServiceCollectionExtensions
{
    /// <summary>Thresholds (validated at start-up), figures, flags and runs. Expects an NpgsqlDataSource and a TimeProvider.</summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ThresholdOptions>()
            .Bind(configuration.GetSection(ThresholdOptions.Section))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ThresholdOptions>, ThresholdOptionsValidator>();
        services.AddSingleton<AttendanceFactStore>();
        services.AddSingleton<ThresholdAnalysis>();
        services.AddSingleton<FlagStore>();
        services.AddSingleton<RunStore>();
        return services;
    }

    private sealed class ThresholdOptionsValidator : IValidateOptions<ThresholdOptions>
    {
        public ValidateOptionsResult Validate(string? name, ThresholdOptions options)
        {
            var errors = options.Validate().ToList();
            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
