using System.CommandLine;
using Hangfire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Skolnarvaro.Web;
using Skolnarvaro.Worker.Composition;
using Skolnarvaro.Worker.Nightly;
using Skolnarvaro.Worker.Runs;
using Skolnarvaro.Worker.Orchestration;

namespace Skolnarvaro.Worker.Commands;

public static class WorkerCommand
{
    public static Command Create()
    {
        var command = new Command("worker",
            "Run a Hangfire server: the recurring nightly run (fanned out one job per school), delivery of held-back mails, " +
            "and the dashboard on 127.0.0.1. Start several on one database to share the work. Stops on Ctrl+C.");
        command.SetAction(async (_, ct) =>
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory, Args = [] });
            var connectionString = WorkerHost.Configure(builder);
            var (options, web) = AddServing(builder, connectionString);

            await using var app = builder.Build();
            WorkerHost.Validate(app.Services, connectionString);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Skolnarvaro.Worker");
            app.UseSecurityHeaders();
            var dashboardOn = MapDashboard(app, options.Dashboard, web, logger);
            if (web.Enabled)
            {
                MapPages(app, web, logger);
            }

            await app.StartValidatedAsync(ct);
            logger.LogInformation(WebServiceCollectionExtensions.KeyRingNotice);
            logger.LogInformation("Worker {Worker} started: {Count} job slots, nightly '{Cron}' ({Zone}){Dashboard}",
                RunStore.WorkerName, options.WorkerCount, options.NightlyCron, options.TimeZone,
                (dashboardOn ? $", dashboard on {options.Dashboard.Url}/hangfire" : "") + (web.Enabled ? $", the rektor's page on {options.Dashboard.Url}/" : ""));
            app.Lifetime.ApplicationStopping.Register(() => logger.LogInformation("Worker {Worker} stopping (shutdown requested)", RunStore.WorkerName));
            await RegisterRecurringJobsAsync(app, options, logger, ct);

            await app.WaitForShutdownAsync(ct);
            logger.LogInformation("Worker {Worker} stopped", RunStore.WorkerName);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Hangfire's server and storage, the rektor's page when it is on, and the address they are served on.</summary>
    private static (OrchestrationOptions Options, WebOptions Web) AddServing(WebApplicationBuilder builder, string connectionString)
    {
        // Nobody watches a worker: its own steps are logged at Information unless configured otherwise.
        if (builder.Configuration["Logging:LogLevel:Skolnarvaro"] is null)
        {
            builder.Logging.AddFilter("Skolnarvaro", LogLevel.Information);
        }

        var options = builder.Configuration.GetSection(OrchestrationOptions.Section).Get<OrchestrationOptions>() ?? new OrchestrationOptions();
        OrchestrationOptionsValidator.ThrowIfInvalid(options);
        builder.Services.AddPipelineHangfire(connectionString, options);

        // The rektor's page shares the dashboard's address (127.0.0.1 by default, behind the municipality's TLS proxy).
        var web = builder.Configuration.GetSection(WebOptions.Section).Get<WebOptions>() ?? new WebOptions();
        if (web.Enabled)
        {
            builder.Services.AddWebHosting(web);
        }

        // The dashboard's form tokens too: a key ring in the database, not in a home folder a service may not have. Its
        // keys are unencrypted by decision; the framework's one-line warning about that gives way to KeyRingNotice below.
        builder.Services.AddPostgresKeyRing();
        builder.Logging.AddFilter(typeof(Microsoft.AspNetCore.DataProtection.XmlEncryption.NullXmlEncryptor).FullName, LogLevel.Error);
        builder.WebHost.UseUrls(DashboardOn(options.Dashboard) || web.Enabled ? options.Dashboard.Url : "http://127.0.0.1:0");
        // With antiforgery registered, Hangfire's dashboard refuses a POST (trigger, delete, requeue) without the token
        // of its own pages: Basic credentials alone, which a browser sends by itself, do not let another site act.
        builder.Services.AddAntiforgery();
        return (options, web);
    }

    /// <summary>The dashboard is served only with a user name and a password.</summary>
    private static bool DashboardOn(DashboardSettings dashboard) =>
        dashboard.Enabled && !string.IsNullOrEmpty(dashboard.Username) && !string.IsNullOrEmpty(dashboard.Password);

    /// <summary>Serves Hangfire's dashboard behind Basic authentication, or says why it is off; true when it is served.</summary>
    private static bool MapDashboard(WebApplication app, DashboardSettings dashboard, WebOptions web, ILogger logger)
    {
        if (!DashboardOn(dashboard))
        {
            if (dashboard.Enabled)
            {
                logger.LogWarning(
                    "Dashboard off: set {Section}:Dashboard:Username and :Password (e.g. Skolnarvaro__Worker__Dashboard__Password) to serve it; " +
                    "it is never served without authentication", OrchestrationOptions.Section);
            }

            return false;
        }

        if (!OrchestrationOptionsValidator.IsLoopback(new Uri(dashboard.Url)))
        {
            logger.LogWarning(
                "Dashboard on {Url}, off the loopback interface ({Section}:Dashboard:AllowRemote): Basic authentication sends the " +
                "password with every request, so only a TLS reverse proxy should reach it", dashboard.Url, OrchestrationOptions.Section);
        }

        var auth = new DashboardAuthentication(dashboard.Username!, dashboard.Password!);
        var errors = new DashboardErrors(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Skolnarvaro.Dashboard"));
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/hangfire"), dashboardApp =>
        {
            dashboardApp.Use(auth.InvokeAsync);
            dashboardApp.Use(errors.InvokeAsync);
        });
        app.UseHangfireDashboard("/hangfire", new Hangfire.DashboardOptions
        {
            Authorization = [new AuthenticatedUserFilter()],
            DashboardTitle = "Skolnärvaro",
            DisplayStorageConnectionString = false,
        });
        if (!web.Enabled)
        {
            app.MapGet("/", () => Results.Redirect("/hangfire"));
        }

        return true;
    }

    private static void MapPages(WebApplication app, WebOptions web, ILogger logger)
    {
        app.MapRektorPages();
        if (app.Services.GetRequiredService<RunDates>().Demo)
        {
            logger.LogWarning("Demo mode: the rektor's page signs its links with the public demo key and serves {Url}; " +
                "never use demo mode with real exports", web.PublicUrl);
        }
    }

    /// <summary>
    /// After the start: a recurring job whose lock a killed predecessor left behind must not keep this worker from taking
    /// over its predecessor's jobs, nor stop it (which a supervisor would answer with a restart loop).
    /// </summary>
    private static async Task RegisterRecurringJobsAsync(WebApplication app, OrchestrationOptions options, ILogger logger, CancellationToken ct)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
        try
        {
            await HangfireSetup.RegisterRecurringJobsAsync(app.Services.GetRequiredService<IRecurringJobManager>(), options, logger, stopping.Token);
            logger.LogInformation("Recurring jobs registered");
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before the recurring jobs could be registered: the next start registers them.
        }
    }
}
