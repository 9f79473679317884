using Spectre.Console;
using System.CommandLine;
using System.Net.Sockets;
using MlTrack.Cli.Commands;
using MlTrack.Client;
using MlTrack.Trainer;

namespace MlTrack.Cli;

/// <summary>The `mltrack` command tree, and the one place where failures become a one-line message and an exit code.</summary>
internal static class CliApp
{
    public const int Failure = 1;
    public const int Cancelled = 130;

    public static RootCommand Create(CliContext context) => new("mltrack: train, track, retrain and serve elastic-net models against an MLflow-compatible tracking server (MLFLOW_TRACKING_URI).")
    {
        ExperimentsCommands.Create(context),
        RunsCommands.Create(context),
        ArtifactsCommands.Create(context),
        TrainCommand.Create(context),
        ProjectRunCommand.Create(context),
        ModelsCommands.Create(context),
        RetrainCommand.Create(context),
        SimulateCommand.Create(context),
    };

    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var configuration = new InvocationConfiguration
        {
            Output = context.Out.Profile.Out.Writer,
            Error = context.Error.Profile.Out.Writer,
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return await Create(context).Parse(args).InvokeAsync(configuration, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Error.WriteLine("Cancelled.");
            return Cancelled;
        }
        catch (Exception e) when (Describe(e, context) is { } message)
        {
            context.Error.WriteLine($"Error: {message}");
            return Failure;
        }
    }

    /// <summary>The message for a failure the user can act on, or null for a bug (which keeps its stack trace).</summary>
    private static string? Describe(Exception e, CliContext context) => e switch
    {
        CliException or TrainerDataException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException
            or FormatException or ArgumentException or NotSupportedException => e.Message,
        MlflowApiException api => $"{api.ErrorCode}: {api.ServerMessage}",
        HttpRequestException { InnerException: SocketException or IOException } or HttpRequestException { StatusCode: null } =>
            $"cannot reach the tracking server at {context.TrackingUri}: {e.Message} (set MLFLOW_TRACKING_URI to the server's address)",
        TaskCanceledException or TimeoutException => $"the tracking server at {context.TrackingUri} did not answer in time.",
        _ => null,
    };
}
