namespace MlTrack.Server.Tests.Support;

/// <summary>One real server per fixture; each test makes its own experiments, so tests never see each other's data.</summary>
public abstract class ServerTestBase
{
    internal RunningServer Server { get; private set; } = null!;

    [OneTimeSetUp]
    public async Task StartServerAsync() => Server = await RunningServer.StartAsync();

    [OneTimeTearDown]
    public async Task StopServerAsync() => await Server.DisposeAsync();
}
