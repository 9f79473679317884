using System.CommandLine;

namespace MlTrack.Server.Hosting;

/// <summary>The command line, with `mlflow server`'s flag names.</summary>
internal static class ServerCommand
{
    public static RootCommand Create()
    {
        var defaults = new ServerOptions();
        var host = new Option<string>("--host", "-h") { Description = "Address to listen on.", DefaultValueFactory = _ => defaults.Host };
        var port = new Option<int>("--port", "-p") { Description = "Port to listen on.", DefaultValueFactory = _ => defaults.Port };
        var backend = new Option<string>("--backend-store-uri")
        {
            Description = "Where runs are stored: sqlite:///path.db, or postgresql://user:password@host:port/db shared by several replicas.",
            DefaultValueFactory = _ => defaults.BackendStoreUri,
        };
        var defaultRoot = new Option<string?>("--default-artifact-root")
        {
            Description = "Artifact root of new experiments (default mlflow-artifacts:/ when serving artifacts, else ./mlruns).",
        };
        var destination = new Option<string>("--artifacts-destination")
        {
            Description = "Where the artifact proxy keeps files.",
            DefaultValueFactory = _ => defaults.ArtifactsDestination,
        };
        var serve = new Option<bool>("--serve-artifacts") { Description = "Proxy artifact uploads and downloads (the default)." };
        var noServe = new Option<bool>("--no-serve-artifacts") { Description = "Do not proxy artifacts; clients use the artifact root directly." };

        var command = new RootCommand("MlTrack: an MLflow-compatible tracking server.")
        {
            host, port, backend, defaultRoot, destination, serve, noServe,
        };
        var security = new Security.SecuritySetup.Flags();
        security.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var options = new ServerOptions
            {
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                BackendStoreUri = result.GetValue(backend)!,
                DefaultArtifactRoot = result.GetValue(defaultRoot),
                ArtifactsDestination = result.GetValue(destination)!,
                ServeArtifacts = !result.GetValue(noServe),
            };
            options = security.Apply(result, options);
            WebApplication app;
            try
            {
                app = MlTrackApp.Build(options);
            }
            catch (Security.StartupRefusedException e)
            {
                await Console.Error.WriteLineAsync(e.Message);
                return 1;
            }

            await using (app)
            {
                await app.RunAsync(cancellationToken);
            }

            return 0;
        });
        return command;
    }
}
