using MlTrack.Server.Hosting;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Replicas;

/// <summary>
/// Server replicas on their own ports over one PostgreSQL database and one artifact folder, started together for a
/// fixture. PostgreSQL only (set MLTRACK_TEST_POSTGRES, see <see cref="TestDatabase"/>): a SQLite file belongs to one
/// process.
/// </summary>
public abstract class ReplicaFixture
{
    private readonly int _count;
    private readonly Func<ServerOptions, ServerOptions>? _configure;
    private RunningServer[] _replicas = [];

    private protected IReadOnlyList<RunningServer> Replicas => _replicas;

    private protected ReplicaFixture(int count, Func<ServerOptions, ServerOptions>? configure = null) =>
        (_count, _configure) = (count, configure);

    private protected RunningServer A => _replicas[0];

    private protected RunningServer B => _replicas[1];

    [OneTimeSetUp]
    public async Task StartReplicasAsync()
    {
        if (!TestDatabase.IsPostgres)
        {
            Assert.Ignore($"Replicas share a PostgreSQL database; set {TestDatabase.Variable} to run these tests.");
        }

        _replicas = await RunningServer.StartReplicasAsync(_count, _configure);
    }

    [OneTimeTearDown]
    public async Task StopReplicasAsync()
    {
        // The first replica owns the database and folder: it stops last.
        foreach (var replica in _replicas.Reverse())
        {
            await replica.DisposeAsync();
        }
    }
}
