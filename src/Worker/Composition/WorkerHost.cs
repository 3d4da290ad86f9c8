using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Npgsql;
using Skolnarvaro.Analysis;
using Skolnarvaro.Analysis.Thresholds;
using Skolnarvaro.Ingestion;
using Skolnarvaro.Ingestion.Identity;
using Skolnarvaro.Ingestion.Import;
using Skolnarvaro.Ingestion.Schools;
using Skolnarvaro.Notifications;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Notifications.Recipients;
using Skolnarvaro.Database;
using Skolnarvaro.Insights;
using Skolnarvaro.Schools;
using Skolnarvaro.Web;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;

namespace Skolnarvaro.Worker.Composition;

/// <summary>
/// Builds the host every command and job runs in: configuration (appsettings, the school registry file, environment),
/// the database, and the three pipeline stages. Configuration errors surface here, before any work starts.
/// </summary>
public static class WorkerHost
{
    public const string ConnectionStringName = "Skolnarvaro";

    /// <summary>The folder relative paths in configuration are resolved against: SKOLNARVARO_HOME, else the current folder.</summary>
    public static string Home => Environment.GetEnvironmentVariable("SKOLNARVARO_HOME") is { Length: > 0 } home
        ? Path.GetFullPath(home)
        : Directory.GetCurrentDirectory();

    /// <param name="overrides">Settings that win over every other source (tests, one-off runs).</param>
    public static async Task<IHost> StartAsync(IReadOnlyDictionary<string, string?>? overrides = null, CancellationToken ct = default)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            ContentRootPath = AppContext.BaseDirectory,
            DisableDefaults = false,
            Args = [],
        });
        var connectionString = Configure(builder, overrides);
        var host = builder.Build();
        try
        {
            await host.StartValidatedAsync(ct);
            Validate(host.Services, connectionString);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }

    /// <summary>
    /// Adds configuration, logging, the database and the pipeline's services to a host builder (the command line's
    /// generic host or the worker's web host). Returns the connection string.
    /// </summary>
    public static string Configure(IHostApplicationBuilder builder, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        // The school registry is its own file so analysts can keep it apart from technical settings.
        var schoolsFile = builder.Configuration[SchoolsFile.Key];
        var schoolsBase = Home;
        if (!string.IsNullOrWhiteSpace(schoolsFile))
        {
            var path = Path.GetFullPath(schoolsFile, Home);
            if (!File.Exists(path))
            {
                throw new ConfigurationException($"{SchoolsFile.Key} = '{schoolsFile}': file not found ({path}).");
            }

            SchoolsFile.CheckSyntax(path);

            // Added before the environment (and any overrides), so those still override single keys of it.
            var sources = builder.Configuration.Sources;
            var envIndex = sources.ToList().FindIndex(s => s is Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource);
            var jsonSource = new Microsoft.Extensions.Configuration.Json.JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
            jsonSource.ResolveFileProvider();
            sources.Insert(envIndex < 0 ? sources.Count : envIndex, jsonSource);
            schoolsBase = Path.GetDirectoryName(path)!;
        }

        UnknownSettings.ThrowIfAny(builder.Configuration);
        DemoWebDefaults.AddIfDemo(builder.Configuration, builder.Configuration);
        builder.Logging.ClearProviders();
        // Skolnarvaro:LogFormat = json writes one JSON object per line (for a log collector); the default is one readable line.
        if (string.Equals(builder.Configuration["Skolnarvaro:LogFormat"], "json", StringComparison.OrdinalIgnoreCase))
        {
            builder.Logging.AddJsonConsole(o => o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffzzz ");
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                // The date and the machine's offset on every line: a night's log reads the same on a UTC server.
                o.TimestampFormat = "yyyy-MM-dd HH:mm:ss zzz ";
            });
        }

        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        // A failed start is reported once, as a configuration error naming the keys, not again as a stack trace.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);

        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ConfigurationException(
                "No database configured: set ConnectionStrings__Skolnarvaro to a PostgreSQL connection string, " +
                "or run through ./skolnarvaro, which starts a private PostgreSQL when none is set.");
        }

        DatabaseConnection.CheckSyntax(connectionString);
        builder.Services.AddWorker(builder.Configuration);
        builder.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
        builder.Services.AddIngestion(builder.Configuration, schoolsBase);
        builder.Services.AddAnalysis(builder.Configuration, Home);
        builder.Services.AddNotifications(builder.Configuration, Home);
        builder.Services.AddInsights(builder.Configuration, Home);
        builder.Services.AddWeb(builder.Configuration, Home);
        // The night asks for the digests' sign-in links; the rektor's page, which opens them, signs them.
        builder.Services.AddSingleton<IDigestLinks>(sp => sp.GetRequiredService<SignInLinks>());
        return connectionString;
    }

    /// <summary>Resolves what reads files or secrets, so a bad template, profile or key stops the start, not the run; migrates.</summary>
    public static void Validate(IServiceProvider services, string connectionString)
    {
        _ = services.GetRequiredService<SchoolProfiles>();
        _ = services.GetRequiredService<PupilKeyHasher>();
        _ = services.GetRequiredService<DigestRenderer>();
        _ = services.GetRequiredService<Skolnarvaro.Notifications.Ops.OpsDigestRenderer>();
        _ = services.GetRequiredService<Skolnarvaro.Insights.Reporting.TermReportHtml>();
        DatabaseConnection.CheckReachable(connectionString);
        DatabaseMigrator.Migrate(connectionString, services.GetRequiredService<ILoggerFactory>().CreateLogger("Migrations"));
    }

    /// <summary>
    /// Starts the host. Each options class that fails its start-up validation throws on its own, several together as an
    /// AggregateException: they become one exception listing every failure, as the command line reports them.
    /// </summary>
    public static async Task StartValidatedAsync(this IHost host, CancellationToken ct)
    {
        try
        {
            await host.StartAsync(ct);
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            var failures = e.InnerExceptions.Cast<OptionsValidationException>().SelectMany(o => o.Failures).Distinct().ToList();
            throw new OptionsValidationException(Options.DefaultName, typeof(WorkerHost), failures);
        }
    }

    public static IngestionOptions Ingestion(this IHost host) => host.Services.GetRequiredService<IOptions<IngestionOptions>>().Value;

    public static T Get<T>(this IHost host) where T : notnull => host.Services.GetRequiredService<T>();

    /// <summary>
    /// The command's token, cancelled also when the host stops: SIGTERM reaches the host's lifetime, which keeps the process
    /// alive for a graceful stop and so never lets the command line's own token hear it. A command's work takes this one.
    /// </summary>
    public static CancellationTokenSource StopOrCancel(this IHost host, CancellationToken ct) =>
        CancellationTokenSource.CreateLinkedTokenSource(ct, host.Get<IHostApplicationLifetime>().ApplicationStopping);
}

public sealed class ConfigurationException(string message) : Exception(message);
