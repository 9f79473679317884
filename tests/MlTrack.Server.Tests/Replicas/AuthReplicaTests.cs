using MlTrack.Server.Auth;
using MlTrack.Server.Tests.Auth;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Replicas;

/// <summary>
/// Replicas with --auth over one PostgreSQL database, which holds their users too: they start together though each
/// would create the first admin, and a login one replica remembers ends as soon as the password is changed or the user
/// deleted through another. PostgreSQL only, as <see cref="ReplicaTests"/>.
/// </summary>
[TestFixture]
public sealed class AuthReplicaTests
{
    private const string Experiments = "/api/2.0/mlflow/experiments/search?max_results=10";
    private static readonly System.Net.Http.Headers.AuthenticationHeaderValue Admin = AuthServer.Basic(AuthServer.Admin, AuthServer.AdminPassword);
    private RunningServer[] _replicas = [];

    [OneTimeSetUp]
    public async Task StartReplicasAsync()
    {
        if (!TestDatabase.IsPostgres)
        {
            Assert.Ignore($"Replicas share a PostgreSQL database; set {TestDatabase.Variable} to run these tests.");
        }

        _replicas = await RunningServer.StartReplicasAsync(4, o => o with
        {
            Auth = new AuthOptions { Enabled = true, AdminUsername = AuthServer.Admin, AdminPassword = AuthServer.AdminPassword, PasswordIterations = 1000 },
        });
    }

    [OneTimeTearDown]
    public async Task StopReplicasAsync()
    {
        foreach (var replica in _replicas.Reverse())
        {
            await replica.DisposeAsync();
        }
    }

    [Test]
    public async Task APasswordChangedOrUserDeletedThroughOneReplicaIsRefusedAtOnceByTheOther()
    {
        var (a, b) = (_replicas[0], _replicas[1]);
        var old = await a.CreateUserAsync("carol");
        (await b.CallAsync(old, HttpMethod.Get, Experiments)).Status.Should().Be(200, "B verifies and remembers the login");

        (await a.CallAsync(Admin, HttpMethod.Patch, "/api/2.0/mlflow/users/update-password", new { username = "carol", password = "carol-new-1" }))
            .EnsureOk();

        (await b.CallAsync(old, HttpMethod.Get, Experiments)).Status.Should().Be(401, "the old password was changed through A");
        var current = AuthServer.Basic("carol", "carol-new-1");
        (await b.CallAsync(current, HttpMethod.Get, Experiments)).Status.Should().Be(200);

        (await a.CallAsync(Admin, HttpMethod.Delete, "/api/2.0/mlflow/users/delete", new { username = "carol" })).EnsureOk();

        (await b.CallAsync(current, HttpMethod.Get, Experiments)).Status.Should().Be(401, "the user was deleted through A");
    }
}
