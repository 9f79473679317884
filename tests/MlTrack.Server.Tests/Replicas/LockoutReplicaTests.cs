using MlTrack.Server.Auth;
using MlTrack.Server.Tests.Auth;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Replicas;

/// <summary>Failed logins are counted in the database: a client can't spread its guesses over replicas.</summary>
public sealed class LockoutReplicaTests() : ReplicaFixture(2, o => o with
{
    Auth = new AuthOptions
    {
        Enabled = true, AdminUsername = AuthServer.Admin, AdminPassword = AuthServer.AdminPassword, PasswordIterations = 1000, MaxFailedLogins = 4,
    },
})
{
    [Test]
    public async Task FailedLoginsThroughEitherReplicaCountTowardOneLockout()
    {
        for (var i = 0; i < 4; i++)
        {
            var replica = i % 2 == 0 ? A : B;
            (await replica.CallAsync(AuthServer.Basic(AuthServer.Admin, "guess-" + i), HttpMethod.Get, "/version")).Status.Should().Be(401);
        }

        foreach (var replica in new[] { A, B })
        {
            var locked = await replica.CallAsync(AuthServer.Basic(AuthServer.Admin, AuthServer.AdminPassword), HttpMethod.Get, "/version");
            locked.Status.Should().Be(429, "two guesses on each replica make the four allowed");
            locked.ErrorCode.Should().Be("REQUEST_LIMIT_EXCEEDED");
        }
    }
}
