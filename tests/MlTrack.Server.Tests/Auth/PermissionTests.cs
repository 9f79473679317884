using System.Net.Http.Headers;
using MlTrack.Server.Hosting;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Auth;

/// <summary>READ, EDIT, MANAGE and NO_PERMISSIONS on experiments and models; creators MANAGE; searches filtered.</summary>
public sealed class PermissionTests
{
    private RunningServer _server = null!;
    private AuthenticationHeaderValue _admin = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await AuthServer.StartAsync();
        _admin = AuthServer.Basic(AuthServer.Admin, AuthServer.AdminPassword);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    private async Task<(string Experiment, string Run)> AdminExperimentAsync()
    {
        var created = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/experiments/create", new { name = Guid.NewGuid().ToString("N") });
        var experiment = created.Json.GetProperty("experiment_id").GetString()!;
        var run = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/runs/create", new { experiment_id = experiment });
        return (experiment, run.Json.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!);
    }

    private Task Grant(string experiment, string user, string permission) =>
        _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/experiments/permissions/create",
            new { experiment_id = experiment, username = user, permission }).ContinueWith(t => t.Result.EnsureOk(), TaskScheduler.Default);

    [Test]
    public async Task EachLevelAllowsWhatMlflowsDoes()
    {
        var (experiment, run) = await AdminExperimentAsync();
        var user = await _server.CreateUserAsync("levels");
        async Task<int> Status(HttpMethod method, string path, object? body = null) => (await _server.CallAsync(user, method, path, body)).Status;
        var read = () => Status(HttpMethod.Get, $"/api/2.0/mlflow/runs/get?run_id={run}");
        var edit = () => Status(HttpMethod.Post, "/api/2.0/mlflow/runs/set-tag", new { run_id = run, key = "k", value = "v" });
        var delete = () => Status(HttpMethod.Post, "/api/2.0/mlflow/runs/delete", new { run_id = run });
        var manage = () => Status(HttpMethod.Get, $"/api/2.0/mlflow/experiments/permissions/get?experiment_id={experiment}&username=levels");

        (await read()).Should().Be(403);
        await Grant(experiment, "levels", "READ");
        (await read()).Should().Be(200);
        (await edit()).Should().Be(403);
        (await _server.CallAsync(_admin, HttpMethod.Patch, "/api/2.0/mlflow/experiments/permissions/update",
            new { experiment_id = experiment, username = "levels", permission = "EDIT" })).EnsureOk();
        (await edit()).Should().Be(200);
        (await delete()).Should().Be(403);
        (await manage()).Should().Be(403);
        (await _server.CallAsync(_admin, HttpMethod.Patch, "/api/2.0/mlflow/experiments/permissions/update",
            new { experiment_id = experiment, username = "levels", permission = "MANAGE" })).EnsureOk();
        (await manage()).Should().Be(200);
        (await delete()).Should().Be(200);
        (await _server.CallAsync(_admin, HttpMethod.Patch, "/api/2.0/mlflow/experiments/permissions/update",
            new { experiment_id = experiment, username = "levels", permission = "NO_PERMISSIONS" })).EnsureOk();
        (await read()).Should().Be(403);
    }

    [Test]
    public async Task TheCreatorOfAnExperimentManagesItAndOthersCannotSeeIt()
    {
        var alice = await _server.CreateUserAsync("alice");
        var bob = await _server.CreateUserAsync("bob");
        var name = "alice-" + Guid.NewGuid().ToString("N");
        var created = await _server.CallAsync(alice, HttpMethod.Post, "/api/2.0/mlflow/experiments/create", new { name });
        created.EnsureOk();
        var id = created.Json.GetProperty("experiment_id").GetString();
        (await _server.CallAsync(alice, HttpMethod.Get, $"/api/2.0/mlflow/experiments/get?experiment_id={id}")).Status.Should().Be(200);
        (await _server.CallAsync(alice, HttpMethod.Get, $"/api/2.0/mlflow/experiments/permissions/get?experiment_id={id}&username=alice"))
            .Json.GetProperty("experiment_permission").GetProperty("permission").GetString().Should().Be("MANAGE");
        (await _server.CallAsync(bob, HttpMethod.Get, $"/api/2.0/mlflow/experiments/get?experiment_id={id}")).Status.Should().Be(403);
        (await _server.CallAsync(alice, HttpMethod.Post, "/api/2.0/mlflow/experiments/search", new { max_results = 100 })).Body.Should().Contain(name);
        (await _server.CallAsync(bob, HttpMethod.Post, "/api/2.0/mlflow/experiments/search", new { max_results = 100 })).Body.Should().NotContain(name);
        (await _server.CallAsync(bob, HttpMethod.Post, "/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { id } })).Status.Should().Be(403);

        // Alice shares it with Bob, read-only.
        (await _server.CallAsync(alice, HttpMethod.Post, "/api/2.0/mlflow/experiments/permissions/create",
            new { experiment_id = id, username = "bob", permission = "READ" })).EnsureOk();
        (await _server.CallAsync(bob, HttpMethod.Post, "/api/2.0/mlflow/experiments/search", new { max_results = 100 })).Body.Should().Contain(name);
        (await _server.CallAsync(bob, HttpMethod.Post, "/api/2.0/mlflow/runs/create", new { experiment_id = id })).Status.Should().Be(403);
    }

    [Test]
    public async Task TheCreatorOfAModelManagesItAndItsGrantsFollowARenameAndGoWithADelete()
    {
        var carol = await _server.CreateUserAsync("carol");
        var dave = await _server.CreateUserAsync("dave");
        (await _server.CallAsync(carol, HttpMethod.Post, "/api/2.0/mlflow/registered-models/create", new { name = "carols" })).EnsureOk();
        (await _server.CallAsync(dave, HttpMethod.Get, "/api/2.0/mlflow/registered-models/get?name=carols")).Status.Should().Be(403);
        (await _server.CallAsync(dave, HttpMethod.Get, "/api/2.0/mlflow/registered-models/search")).Body.Should().NotContain("carols");
        (await _server.CallAsync(carol, HttpMethod.Get, "/api/2.0/mlflow/registered-models/search")).Body.Should().Contain("carols");
        (await _server.CallAsync(carol, HttpMethod.Post, "/api/2.0/mlflow/registered-models/rename", new { name = "carols", new_name = "carols2" })).EnsureOk();
        (await _server.CallAsync(carol, HttpMethod.Get, "/api/2.0/mlflow/registered-models/get?name=carols2")).Status.Should().Be(200);
        (await _server.CallAsync(carol, HttpMethod.Delete, "/api/2.0/mlflow/registered-models/delete", new { name = "carols2" })).EnsureOk();
        // Dave takes the name; Carol's old grant does not follow.
        (await _server.CallAsync(dave, HttpMethod.Post, "/api/2.0/mlflow/registered-models/create", new { name = "carols2" })).EnsureOk();
        (await _server.CallAsync(carol, HttpMethod.Get, "/api/2.0/mlflow/registered-models/get?name=carols2")).Status.Should().Be(403);
    }

    [Test]
    public async Task AModelVersionCannotBeSourcedFromAnUnreadableRun()
    {
        var (_, run) = await AdminExperimentAsync();
        var erin = await _server.CreateUserAsync("erin");
        (await _server.CallAsync(erin, HttpMethod.Post, "/api/2.0/mlflow/registered-models/create", new { name = "erins" })).EnsureOk();
        foreach (var body in new object[]
        {
            new { name = "erins", source = $"runs:/{run}/model" },
            new { name = "erins", source = "mlflow-artifacts:/1/x/artifacts/model" },
            new { name = "erins", source = $"mlflow-artifacts:/1/{run}/artifacts/model", run_id = run },
            new { name = "erins", source = "/etc" },
        })
        {
            (await _server.CallAsync(erin, HttpMethod.Post, "/api/2.0/mlflow/model-versions/create", body)).Status.Should().Be(403);
        }
    }

    [Test]
    public async Task ANonAdminCannotChooseAnExperimentsArtifactLocation()
    {
        var frank = await _server.CreateUserAsync("frank");
        (await _server.CallAsync(frank, HttpMethod.Post, "/api/2.0/mlflow/experiments/create",
            new { name = "frank-" + Guid.NewGuid().ToString("N"), artifact_location = "mlflow-artifacts:/1" })).Status.Should().Be(403);
    }

    [Test]
    public async Task TheDefaultPermissionAppliesWithoutAGrant()
    {
        await using var server = await RunningServer.StartAsync(o => o with
        {
            Auth = new() { Enabled = true, AdminUsername = "root", AdminPassword = "root-password", DefaultPermission = "READ", PasswordIterations = 1000 },
        });
        var root = AuthServer.Basic("root", "root-password");
        var id = (await server.CallAsync(root, HttpMethod.Post, "/api/2.0/mlflow/experiments/create", new { name = "shared" })).Json.GetProperty("experiment_id").GetString();
        (await server.CallAsync(root, HttpMethod.Post, "/api/2.0/mlflow/users/create", new { username = "reader", password = "reader-password" })).EnsureOk();
        var reader = AuthServer.Basic("reader", "reader-password");
        (await server.CallAsync(reader, HttpMethod.Get, $"/api/2.0/mlflow/experiments/get?experiment_id={id}")).Status.Should().Be(200);
        (await server.CallAsync(reader, HttpMethod.Post, "/api/2.0/mlflow/experiments/update", new { experiment_id = id, new_name = "x" })).Status.Should().Be(403);
    }
}
