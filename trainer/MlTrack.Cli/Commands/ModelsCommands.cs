using System.CommandLine;
using System.Globalization;
using MlTrack.Cli.Serving;
using Spectre.Console;

namespace MlTrack.Cli.Commands;

/// <summary>`mltrack models serve`, as `mlflow models serve`: MLflow's scoring protocol over a model, following an alias.</summary>
internal static class ModelsCommands
{
    public static Command Create(CliContext context) => new("models", "Serve models.")
    {
        Serve(context),
    };

    private static Command Serve(CliContext context)
    {
        var modelUri = new Option<string>("--model-uri", "-m")
        {
            Description = "runs:/RUN_ID/model, models:/NAME/VERSION, models:/NAME@ALIAS (followed as it moves) or a local model directory.",
            Required = true,
        };
        var port = new Option<int>("--port", "-p") { Description = "The port to listen on (0: a free one).", DefaultValueFactory = _ => 5000 };
        var host = new Option<string>("--host") { Description = "The IP address to listen on.", DefaultValueFactory = _ => "127.0.0.1" };
        var pollInterval = new Option<double>("--poll-interval")
        {
            Description = "Seconds between two looks at the registry when serving models:/NAME@ALIAS.",
            DefaultValueFactory = _ => 2,
        };
        var envManager = new Option<string?>("--env-manager") { Description = "Accepted for compatibility with `mlflow models serve`; the model is served in-process." };
        port.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        pollInterval.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is not (> 0 and <= 86_400))
            {
                result.AddError("--poll-interval must be a number of seconds above 0 and at most 86400.");
            }
        });

        var command = new Command("serve", "Serve a model over HTTP with MLflow's scoring protocol: POST /invocations, GET /ping, /health, /version.")
        {
            modelUri, port, host, pollInterval, envManager,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var reference = ModelReference.Parse(result.GetValue(modelUri)!, context.FullPath);
            var options = new ScoringServerOptions
            {
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                PollInterval = TimeSpan.FromSeconds(result.GetValue(pollInterval)),
            };
            using var client = context.CreateClient();
            var server = await ScoringServer.StartAsync(reference, new ModelLoader(client), options, cancellationToken);
            await using (server)
            {
                var current = server.Served.Current;
                var version = current.Version is null ? "" : $" (version {current.Version})";
                var following = reference.FollowsAlias
                    ? $"; following the alias every {options.PollInterval.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s"
                    : "";
                context.Error.WriteLine($"Serving {reference.Uri}{version} at {server.BaseAddress}{following}. Press Ctrl+C to stop.");
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C: a normal way to stop a server.
                }
            }
            return 0;
        });
        return command;
    }
}
