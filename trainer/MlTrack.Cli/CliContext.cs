using MlTrack.Client;
using Spectre.Console;

namespace MlTrack.Cli;

/// <summary>What a command talks to: its output, its error stream, its environment and its working directory. Tests
/// give each command its own, so commands never read the process's globals directly.</summary>
internal sealed class CliContext
{
    /// <summary>The tracking server when MLFLOW_TRACKING_URI is not set, as MLflow's CLI uses for `mlflow server`.</summary>
    public static readonly Uri DefaultTrackingUri = new("http://127.0.0.1:5000");

    /// <summary>Standard output: results (tables, JSON, ids) that scripts read.</summary>
    public required IAnsiConsole Out { get; init; }

    /// <summary>Standard error: progress and error messages.</summary>
    public required IAnsiConsole Error { get; init; }

    /// <summary>Reads an environment variable.</summary>
    public required Func<string, string?> GetVariable { get; init; }

    /// <summary>Relative paths are resolved against this directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>The tracking server's URI, from MLFLOW_TRACKING_URI or the default.</summary>
    public Uri TrackingUri => ClientOptions().TrackingUri!;

    public static CliContext FromProcess() => new()
    {
        Out = ConsoleOn(Console.Out, Console.IsOutputRedirected),
        Error = ConsoleOn(Console.Error, Console.IsErrorRedirected),
        GetVariable = Environment.GetEnvironmentVariable,
        WorkingDirectory = Environment.CurrentDirectory,
    };

    /// <summary>A console on a writer. Redirected output (a file, a pipe) is never wrapped, so each row stays one line.</summary>
    public static IAnsiConsole ConsoleOn(TextWriter writer, bool redirected)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
        });
        if (redirected)
        {
            console.Profile.Width = UnwrappedWidth;
        }
        return console;
    }

    private const int UnwrappedWidth = 4096;

    /// <summary>A path as given on the command line, made absolute.</summary>
    public string FullPath(string path) => Path.GetFullPath(path, WorkingDirectory);

    /// <summary>
    /// Client options from MLflow's environment variables. A command line gives up on an unreachable server sooner
    /// than a library does (3 retries from 0.5 s instead of 5 from 1 s) unless MLFLOW_HTTP_REQUEST_* say otherwise.
    /// </summary>
    public MlflowClientOptions ClientOptions()
    {
        var options = new MlflowClientOptions { Retry = { MaxRetries = 3, InitialDelay = TimeSpan.FromMilliseconds(500) } };
        options.ApplyEnvironment(GetVariable);
        options.TrackingUri ??= DefaultTrackingUri;
        return options;
    }

    public MlflowClient CreateClient() => new(ClientOptions());
}
