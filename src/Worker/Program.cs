using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Options;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Worker.Commands;
using Skolnarvaro.Worker.Composition;

// English for the command line and the logs, with ISO dates ("as of 2026-12-21", never the US "12/21/2026"); what
// people read (digests, pages, reports) names its Swedish culture itself.
var culture = (CultureInfo)CultureInfo.InvariantCulture.Clone();
culture.DateTimeFormat.ShortDatePattern = "yyyy-MM-dd";
culture.DateTimeFormat.LongTimePattern = "HH:mm:ss";
culture.DateTimeFormat.ShortTimePattern = "HH:mm";
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.CurrentCulture = culture;

var root = new RootCommand("Skolnärvaro: nightly attendance early warning for a municipality's compulsory schools.")
{
    RunOnceCommand.Create(),
    CheckCommand.Create(),
    WorkerCommand.Create(),
    TriggerCommand.Create(),
    StatusCommand.Create(),
    ImportCommand.Create(),
    QuarantineCommand.Create(),
    GenerateCommand.Create(),
    BacktestCommand.Create(),
    ReportCommand.Create(),
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    ModelsCommand.Create(),
};

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0 && parsed.Action is not System.CommandLine.Help.HelpAction)
{
    await Console.Error.WriteLineAsync(CommandLineErrors.Describe(parsed));
    return ExitCodes.BadConfiguration;
}

try
{
    return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ConfigurationException or OptionsValidationException or ProfileConfigurationException or TemplateException
                              or InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" })
{
    // One failure, one line (scripts and logs read it whole); several, one line each under the heading.
    var failures = e is OptionsValidationException ove ? ove.Failures.ToList() : [ConfigurationValueError.Describe(e.Message) ?? e.Message];
    await Console.Error.WriteLineAsync(failures.Count == 1
        ? $"Configuration error, nothing was done: {failures[0]}"
        : $"Configuration error, nothing was done:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    return ExitCodes.BadConfiguration;
}
