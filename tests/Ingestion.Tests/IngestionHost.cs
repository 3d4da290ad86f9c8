using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Schools;
using Skolnarvaro.TestSupport;

namespace Skolnarvaro.Ingestion.Tests;

/// <summary>
/// The Ingestion stage alone, composed as the worker composes it (<see cref="IngestionServiceCollectionExtensions.AddIngestion"/>)
/// on a test database, from a school registry file and optional settings; the options are validated as at a start.
/// <code>
/// using var ingestion = IngestionHost.Start(db, schoolsFile);
/// var importer = ingestion.GetRequiredService&lt;FileImporter&gt;();
/// </code>
/// </summary>
public static class IngestionHost
{
    public static ServiceProvider Start(TestDatabase db, string schoolsFile, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(schoolsFile, optional: false, reloadOnChange: false)
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Skolnarvaro:Demo:Enabled"] = "false",
                ["Skolnarvaro:Pseudonymisation:Key"] = TestSchools.PseudonymisationKey,
            })
            .AddInMemoryCollection(settings ?? new Dictionary<string, string?>())
            .Build();
        var services = new ServiceCollection()
            .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(db.DataSource)
            .AddIngestion(configuration, Path.GetDirectoryName(Path.GetFullPath(schoolsFile))!)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        try
        {
            // What ValidateOnStart would check when a host starts: a bad registry or profile fails here, not in the test.
            _ = services.GetRequiredService<IOptions<SchoolRegistryOptions>>().Value;
            _ = services.GetRequiredService<IOptions<IngestionOptions>>().Value;
            _ = services.GetRequiredService<SchoolProfiles>();
            return services;
        }
        catch
        {
            services.Dispose();
            throw;
        }
    }
}
