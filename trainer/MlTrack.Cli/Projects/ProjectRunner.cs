using Spectre.Console;
using System.Diagnostics;
using MlTrack.Client;

namespace MlTrack.Cli.Projects;

/// <summary>What to run: a project's entry point with -P values, in an experiment.</summary>
internal sealed record ProjectRunRequest
{
    public required string ProjectDirectory { get; init; }

    public string EntryPoint { get; init; } = "main";

    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();

    public string? ExperimentName { get; init; }

    public string? ExperimentId { get; init; }

    public string? RunName { get; init; }
}

/// <summary>
/// `mlflow run` with the local backend and no environment manager (mlflow/projects/__init__.py, backend/local.py):
/// create the run with the project's tags and parameters, run the entry point's command with bash in the project
/// directory with MLFLOW_RUN_ID, MLFLOW_TRACKING_URI and MLFLOW_EXPERIMENT_ID set, and end the run FINISHED, FAILED
/// or (when cancelled) KILLED by the command's outcome.
/// </summary>
internal sealed class ProjectRunner(CliContext context)
{
    public async Task<(string RunId, int ExitCode)> RunAsync(ProjectRunRequest request, CancellationToken cancellationToken)
    {
        if (request.ExperimentName is not null && request.ExperimentId is not null)
        {
            throw new CliException("Give --experiment-name or --experiment-id, not both.");
        }
        var directory = context.FullPath(request.ProjectDirectory);
        var project = MlProject.Load(directory);
        var entryPoint = project.EntryPoint(request.EntryPoint);
        var values = CommandTemplate.ResolveParameters(entryPoint, request.Parameters, context.WorkingDirectory);
        var command = CommandTemplate.Render(entryPoint, values);

        using var client = context.CreateClient();
        var experimentId = await ExperimentIdAsync(client, request, cancellationToken);
        var tags = new Dictionary<string, string>
        {
            ["mlflow.user"] = Environment.UserName,
            ["mlflow.source.name"] = directory,
            ["mlflow.source.type"] = "PROJECT",
            ["mlflow.project.entryPoint"] = entryPoint.Name,
            ["mlflow.project.backend"] = "local",
            ["mlflow.project.env"] = "local",
        };
        if (request.RunName is not null)
        {
            tags["mlflow.runName"] = request.RunName;
        }
        (await GitSource.ReadAsync(directory, cancellationToken))?.AddTagsTo(tags);
        var run = await client.Runs.CreateAsync(
            experimentId, new CreateRunOptions { RunName = request.RunName, UserId = Environment.UserName, Tags = tags }, cancellationToken);
        var runId = run.Info.RunId;
        await client.Runs.LogBatchAsync(runId, parameters: [.. values.Select(p => new Param(p.Key, p.Value))], cancellationToken: cancellationToken);

        context.Error.WriteLine($"=== Running command '{command}' in run with ID '{runId}' ===");
        int exitCode;
        try
        {
            exitCode = await ExecuteAsync(command, directory, runId, experimentId, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await client.Runs.EndAsync(runId, RunStatus.Killed, cancellationToken: CancellationToken.None);
            context.Error.WriteLine($"=== Run (ID '{runId}') was killed ===");
            throw;
        }
        var succeeded = exitCode == 0;
        await client.Runs.EndAsync(runId, succeeded ? RunStatus.Finished : RunStatus.Failed, cancellationToken: CancellationToken.None);
        context.Error.WriteLine(succeeded ? $"=== Run (ID '{runId}') succeeded ===" : $"=== Run (ID '{runId}') failed (exit code {exitCode}) ===");
        return (runId, exitCode);
    }

    private async Task<int> ExecuteAsync(string command, string directory, string runId, string experimentId, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash") { WorkingDirectory = directory, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["MLFLOW_RUN_ID"] = runId;
        start.Environment["MLFLOW_TRACKING_URI"] = context.TrackingUri.ToString().TrimEnd('/');
        start.Environment["MLFLOW_EXPERIMENT_ID"] = experimentId;
        // The run is chosen by id now; a name or id from the caller's environment would contradict it.
        start.Environment.Remove("MLFLOW_EXPERIMENT_NAME");
        using var process = Process.Start(start) ?? throw new CliException("Could not start bash to run the entry point.");
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        return process.ExitCode;
    }

    /// <summary>As MLflow's _resolve_experiment_id: the id, else the name (created when missing), else the environment's, else "0".</summary>
    private async Task<string> ExperimentIdAsync(MlflowClient client, ProjectRunRequest request, CancellationToken cancellationToken)
    {
        if (request.ExperimentId is not null)
        {
            return request.ExperimentId;
        }
        var options = context.ClientOptions();
        if ((request.ExperimentName ?? options.ExperimentName) is { } name)
        {
            return (await client.Experiments.GetOrCreateAsync(name, cancellationToken)).ExperimentId;
        }
        return options.ExperimentId ?? "0";
    }
}
