using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using MlTrack.Client;
using MlTrack.Server.Hosting;

namespace MlTrack.Client.Tests.Support;

/// <summary>
/// A real MlTrack server on a free loopback port over a fresh SQLite file in a temp folder, started in-process as
/// tests/MlTrack.Server.Tests/Support/RunningServer.cs does.
/// </summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private RunningServer(WebApplication app, string directory, Uri baseAddress)
    {
        _app = app;
        Directory = directory;
        BaseAddress = baseAddress;
    }

    public string Directory { get; }

    public Uri BaseAddress { get; }

    public static async Task<RunningServer> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mltrack-client-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var options = new ServerOptions
        {
            Port = 0,
            BackendStoreUri = $"sqlite:///{directory}/mlruns.db",
            ArtifactsDestination = Path.Combine(directory, "mlartifacts"),
        };
        var app = MlTrackApp.Build(options, ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new RunningServer(app, directory, new Uri(address));
    }

    /// <summary>Options for a client of this server: fast retries so that failing tests fail fast.</summary>
    public MlflowClientOptions Options() => new()
    {
        TrackingUri = BaseAddress,
        Retry = { MaxRetries = 2, InitialDelay = TimeSpan.FromMilliseconds(10), UseJitter = false },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection; the temp folder is cleaned by the OS.
        }
    }
}
