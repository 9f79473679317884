using MlTrack.Client;

namespace MlTrack.Client.Tests.Support;

/// <summary>One real server per fixture and one client of it; tests name what they create after themselves.</summary>
public abstract class ServerTestBase
{
    private RunningServer? _server;
    private MlflowClient? _client;

    internal RunningServer Server => _server ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>A client of the fixture's server.</summary>
    protected MlflowClient Client => _client ?? throw new InvalidOperationException("The server is not started.");

    [OneTimeSetUp]
    public async Task StartServerAsync()
    {
        _server = await RunningServer.StartAsync();
        _client = new MlflowClient(_server.Options());
    }

    [OneTimeTearDown]
    public async Task StopServerAsync()
    {
        _client?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>A name unique to the running test (experiments and registered models).</summary>
    protected static string Unique(string? suffix = null) =>
        $"{TestContext.CurrentContext.Test.MethodName}-{suffix ?? Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>A fresh experiment named after the running test.</summary>
    protected Task<string> NewExperimentAsync() => Client.Experiments.CreateAsync(Unique());

    /// <summary>A fresh run in a fresh experiment.</summary>
    protected async Task<Run> NewRunAsync(string? runName = null) =>
        await Client.Runs.CreateAsync(await NewExperimentAsync(), new CreateRunOptions { RunName = runName });

    /// <summary>A fresh directory inside the fixture server's temp folder, deleted with it after the fixture.</summary>
    protected string TempDirectory()
    {
        var path = Path.Combine(Server.Directory, "files", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
