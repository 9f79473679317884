using Spectre.Console;
using System.CommandLine;
using MlTrack.Cli.Projects;

namespace MlTrack.Cli.Commands;

/// <summary>`mltrack run [DIR] -P k=v ... [-e ENTRY] [--experiment-name X | --experiment-id N]`, as `mlflow run`.</summary>
internal static class ProjectRunCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("project-dir") { Description = "The project directory (with an MLproject file).", DefaultValueFactory = _ => "." };
        var parameters = new Option<string[]>("--param-list", "-P")
        {
            Description = "A parameter of the entry point as NAME=VALUE; repeat for more.",
            AllowMultipleArgumentsPerToken = false,
        };
        var entryPoint = new Option<string>("--entry-point", "-e") { Description = "The entry point to run.", DefaultValueFactory = _ => "main" };
        var experimentName = new Option<string?>("--experiment-name") { Description = "The experiment (created when missing)." };
        var experimentId = new Option<string?>("--experiment-id") { Description = "The experiment, by ID." };
        var runName = new Option<string?>("--run-name") { Description = "The run's name." };
        var command = new Command("run", "Run an MLflow project's entry point as a tracked run.")
        {
            directory, parameters, entryPoint, experimentName, experimentId, runName,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var request = new ProjectRunRequest
            {
                ProjectDirectory = result.GetValue(directory)!,
                EntryPoint = result.GetValue(entryPoint)!,
                Parameters = ParseParameters(result.GetValue(parameters) ?? []),
                ExperimentName = result.GetValue(experimentName),
                ExperimentId = result.GetValue(experimentId),
                RunName = result.GetValue(runName),
            };
            var (runId, exitCode) = await new ProjectRunner(context).RunAsync(request, cancellationToken);
            context.Out.WriteLine($"Run ID: {runId}");
            return exitCode == 0 ? 0 : CliApp.Failure;
        });
        return command;
    }

    private static Dictionary<string, string> ParseParameters(string[] pairs)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new CliException($"Invalid parameter '{pair}': expected NAME=VALUE, as -P alpha=0.5.");
            }
            values[pair[..equals]] = pair[(equals + 1)..];
        }
        return values;
    }
}
