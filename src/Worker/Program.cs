using System.CommandLine;
using Microsoft.Extensions.Options;
using Skolnarvaro.Ingestion.Profiles;
using Skolnarvaro.Notifications.Digests;
using Skolnarvaro.Worker.Commands;
using Skolnarvaro.Worker.Composition;

var root = new RootCommand("Skolnärvaro: nightly attendance early warning for a municipality's compulsory schools.")
{
    RunOnceCommand.Create(),
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

try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (Exception e) when (e is ConfigurationException or OptionsValidationException or ProfileConfigurationException or TemplateException
                              or InvalidOperationException { Source: "Microsoft.Extensions.Configuration.Binder" })
{
    var message = e is OptionsValidationException ove ? string.Join(Environment.NewLine, ove.Failures) : e.Message;
    await Console.Error.WriteLineAsync($"Configuration error, nothing was done:{Environment.NewLine}{message}");
    return ExitCodes.BadConfiguration;
}
