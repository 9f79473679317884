using MlTrack.Server.Auth;
using MlTrack.Server.Tests.Auth;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Replicas;

/// <summary>
/// Replicas with --auth over one PostgreSQL database, which holds their users too: they start together though each
/// would create the first admin, and a login one replica remembers ends as soon as the password is changed or the user
/// deleted through another.
/// </summary>
public sealed class AuthReplicaTests() : ReplicaFixture(4, o => o with
{
    Auth = new AuthOptions { Enabled = true, AdminUsername = AuthServer.Admin, AdminPassword = AuthServer.AdminPassword, PasswordIterations = 1000 },
})
{
    private const string Experiments = "/api/2.0/mlflow/experiments/search?max_results=10";
    private static readonly System.Net.Http.Headers.AuthenticationHeaderValue Admin = AuthServer.Basic(AuthServer.Admin, AuthServer.AdminPassword);

    [Test]
    public async Task APasswordChangedOrUserDeletedThroughOneReplicaIsRefusedAtOnceByTheOther()
    {
        var old = await A.CreateUserAsync("carol");
        (await B.CallAsync(old, HttpMethod.Get, Experiments)).Status.Should().Be(200, "B verifies and remembers the login");

        (await A.CallAsync(Admin, HttpMethod.Patch, "/api/2.0/mlflow/users/update-password", new { username = "carol", password = "carol-new-1" }))
            .EnsureOk();

        (await B.CallAsync(old, HttpMethod.Get, Experiments)).Status.Should().Be(401, "the old password was changed through A");
        var current = AuthServer.Basic("carol", "carol-new-1");
        (await B.CallAsync(current, HttpMethod.Get, Experiments)).Status.Should().Be(200);

        (await A.CallAsync(Admin, HttpMethod.Delete, "/api/2.0/mlflow/users/delete", new { username = "carol" })).EnsureOk();

        (await B.CallAsync(current, HttpMethod.Get, Experiments)).Status.Should().Be(401, "the user was deleted through A");
    }
}
