using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skolnarvaro.Calendar;
using Skolnarvaro.Ingestion.DataQuality;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Plausibility;
using Skolnarvaro.Ingestion.Quarantine;
using Skolnarvaro.Ingestion.Roster;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Schools;

namespace Skolnarvaro.Ingestion;

public static class IngestionServiceCollectionExtensions
{
    /// <summary>Only for the bundled sample data: real installations must set their own secret.</summary>
    public const string DemoKey = "skolnarvaro-demo-key-for-synthetic-sample-data-only";

    /// <summary>
    /// The school registry and export profiles (validated at start-up), pseudonymisation, and the importers.
    /// <paramref name="schoolsBaseDirectory"/> resolves relative inbox folders. Expects an NpgsqlDataSource and a TimeProvider.
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration, string schoolsBaseDirectory)
    {
        services.AddOptions<IngestionOptions>()
            .Bind(configuration.GetSection(IngestionOptions.Section))
            .PostConfigure(o => o.BaseDirectory = schoolsBaseDirectory)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<IngestionOptions>>(sp => new IngestionOptionsValidator(sp.GetRequiredService<ImportedSchools>(), configuration));
        services.AddSchoolRegistry(configuration);
        services.AddSingleton(sp => ImportedSchools.Of(sp.GetRequiredService<SchoolRegistry>(), configuration));
        var demo = configuration.GetValue<bool>("Skolnarvaro:Demo:Enabled");
        services.AddOptions<PseudonymisationOptions>().Bind(configuration.GetSection(PseudonymisationOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PseudonymisationOptions>>(new PseudonymisationOptionsValidator(demo));
        services.AddOptions<PlausibilityOptions>().Bind(configuration.GetSection(PlausibilityOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PlausibilityOptions>, PlausibilityOptionsValidator>();
        services.AddSingleton(sp =>
        {
            var key = sp.GetRequiredService<IOptions<PseudonymisationOptions>>().Value.Key;
            if (string.IsNullOrEmpty(key))
            {
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("Skolnarvaro.Ingestion")
                    .LogWarning("Demo mode: pupils are pseudonymised with the public demo key. Never use demo mode with real exports.");
                key = DemoKey;
            }

            return new PupilKeyHasher(key);
        });
        services.AddSingleton(sp => new SchoolProfiles(
            sp.GetRequiredService<IOptions<IngestionOptions>>().Value, sp.GetRequiredService<ImportedSchools>().All, configuration));
        services.AddSingleton<SchoolRegistryStore>();
        services.AddSingleton(new DemoDay(
            configuration.GetValue<bool>("Skolnarvaro:Demo:Enabled") ? configuration.GetValue<DateOnly?>("Skolnarvaro:Demo:AsOf") : null));
        services.AddSingleton<FileImporter>();
        services.AddSingleton<InboxImporter>();
        services.AddSingleton<SchoolImports>();
        services.AddSingleton<FactStatistics>();
        services.AddSingleton<ImportedExports>();
        services.AddSingleton<QuarantineStore>();
        services.AddSingleton<DataQualityStore>();
        services.AddSingleton<RosterImporter>();
        services.AddSingleton<ClassMentors>();
        services.AddSingleton<RosterRejections>();
        return services;
    }

    /// <summary>
    /// The import limits, and what ingestion needs of each registry entry beyond what every stage does: an inbox folder that
    /// is there and an export profile that can read the school's files.
    /// </summary>
    private sealed class IngestionOptionsValidator(ImportedSchools schools, IConfiguration configuration) : IValidateOptions<IngestionOptions>
    {
        public ValidateOptionsResult Validate(string? name, IngestionOptions options)
        {
            var errors = new List<string>();
            if (options.MaxBadRowShare is < 0 or > 1)
            {
                errors.Add($"Skolnarvaro:MaxBadRowShare = {options.MaxBadRowShare}: expected a share between 0 and 1, such as 0.05.");
            }

            if (options.MaxShrinkShare is < 0 or > 1)
            {
                errors.Add($"Skolnarvaro:MaxShrinkShare = {options.MaxShrinkShare}: expected a share between 0 and 1, such as 0.02.");
            }

            if (options.AnalyzeAfterFacts < 0)
            {
                errors.Add($"Skolnarvaro:AnalyzeAfterFacts = {options.AnalyzeAfterFacts}: expected a number of facts, 0 or more (0: never).");
            }

            if (options.MaxFileBytes < 1)
            {
                errors.Add($"Skolnarvaro:MaxFileBytes = {options.MaxFileBytes}: expected a number of bytes, such as 2147483648 (2 GiB).");
            }

            if (options.MaxFileImportTime <= TimeSpan.Zero)
            {
                errors.Add($"Skolnarvaro:MaxFileImportTime = {options.MaxFileImportTime}: expected a positive time span, such as 00:30:00.");
            }

            if (options.StaleAfterSchoolDays < 1)
            {
                errors.Add($"Skolnarvaro:StaleAfterSchoolDays = {options.StaleAfterSchoolDays}: must be at least 1.");
            }

            errors.AddRange(SchoolProfiles.Problems(options, schools.All, configuration));

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }

    /// <summary>The secret pupil keys depend on: required outside demo mode (which uses the public demo key), and long enough.</summary>
    private sealed class PseudonymisationOptionsValidator(bool demo) : IValidateOptions<PseudonymisationOptions>
    {
        public ValidateOptionsResult Validate(string? name, PseudonymisationOptions options) => options.Key switch
        {
            null or "" when !demo => ValidateOptionsResult.Fail(
                "Skolnarvaro:Pseudonymisation:Key is not set. Set the environment variable Skolnarvaro__Pseudonymisation__Key " +
                "to a secret of at least 32 characters and keep it safe: pupil keys depend on it, and changing it disconnects history."),
            { Length: > 0 and < 32 } key => ValidateOptionsResult.Fail(
                $"Skolnarvaro:Pseudonymisation:Key is {key.Length} characters long: it must be at least 32 (environment variable " +
                "Skolnarvaro__Pseudonymisation__Key). Pupil keys depend on it: choose it once, keep it safe."),
            _ => ValidateOptionsResult.Success,
        };
    }

    private sealed class PlausibilityOptionsValidator : IValidateOptions<PlausibilityOptions>
    {
        public ValidateOptionsResult Validate(string? name, PlausibilityOptions options)
        {
            const string at = PlausibilityOptions.Section;
            var errors = new List<string>();
            if (options.SchoolYearsBack is < 0 or > 20)
            {
                errors.Add($"{at}:SchoolYearsBack = {options.SchoolYearsBack}: expected 0 (this school year only) to 20.");
            }

            if (options.MaxMinutesPerDay is < 60 or > 1440)
            {
                errors.Add($"{at}:MaxMinutesPerDay = {options.MaxMinutesPerDay}: expected 60 to 1440 minutes.");
            }

            var days = options.NonSchoolDays ?? [];
            for (var i = 0; i < days.Count; i++)
            {
                if (!DayRule.TryParse(days[i], out _, out var error))
                {
                    errors.Add($"{at}:NonSchoolDays:{i} = '{days[i]}': {error}.");
                }
            }

            return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
        }
    }
}
