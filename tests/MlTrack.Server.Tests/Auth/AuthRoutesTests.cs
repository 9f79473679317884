using System.Net.Http.Headers;
using MlTrack.Server.Auth;
using MlTrack.Server.Hosting;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Auth;

/// <summary>MLflow's auth REST routes with the shapes of its AuthServiceClient, tokens, the first admin, lockout.</summary>
public sealed class AuthRoutesTests
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

    [Test]
    public async Task UsersAreCreatedReadUpdatedAndDeletedAsMlflows()
    {
        var created = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/users/create", new { username = "u1", password = "password-1" });
        created.EnsureOk();
        var user = created.Json.GetProperty("user");
        user.GetProperty("username").GetString().Should().Be("u1");
        user.GetProperty("is_admin").GetBoolean().Should().BeFalse();
        user.GetProperty("id").GetInt64().Should().BePositive();
        user.GetProperty("experiment_permissions").GetArrayLength().Should().Be(0);
        user.GetProperty("registered_model_permissions").GetArrayLength().Should().Be(0);
        created.Body.Should().NotContain("password");

        (await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/users/create", new { username = "u1", password = "password-1" }))
            .ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");
        var u1 = AuthServer.Basic("u1", "password-1");
        (await _server.CallAsync(u1, HttpMethod.Get, "/api/2.0/mlflow/users/get?username=u1")).Json.GetProperty("user").GetProperty("username").GetString().Should().Be("u1");
        (await _server.CallAsync(u1, HttpMethod.Get, "/api/2.0/mlflow/users/get?username=admin")).Status.Should().Be(403);
        (await _server.CallAsync(u1, HttpMethod.Post, "/api/2.0/mlflow/users/create", new { username = "u2", password = "password-2" })).Status.Should().Be(403);
        (await _server.CallAsync(u1, HttpMethod.Patch, "/api/2.0/mlflow/users/update-admin", new { username = "u1", is_admin = true })).Status.Should().Be(403);

        var changed = await _server.CallAsync(u1, HttpMethod.Patch, "/api/2.0/mlflow/users/update-password", new { username = "u1", password = "password-new" });
        changed.EnsureOk();
        changed.Body.Should().Be("{}");
        (await _server.CallAsync(u1, HttpMethod.Get, "/version")).Status.Should().Be(401);
        var renewed = AuthServer.Basic("u1", "password-new");
        (await _server.CallAsync(renewed, HttpMethod.Get, "/version")).Status.Should().Be(200);

        (await _server.CallAsync(_admin, HttpMethod.Patch, "/api/2.0/mlflow/users/update-admin", new { username = "u1", is_admin = true })).EnsureOk();
        (await _server.CallAsync(renewed, HttpMethod.Post, "/api/2.0/mlflow/users/create", new { username = "u3", password = "password-3" })).EnsureOk();
        (await _server.CallAsync(_admin, HttpMethod.Delete, "/api/2.0/mlflow/users/delete", new { username = "u1" })).EnsureOk();
        (await _server.CallAsync(renewed, HttpMethod.Get, "/version")).Status.Should().Be(401);
        (await _server.CallAsync(_admin, HttpMethod.Get, "/api/2.0/mlflow/users/get?username=u1")).ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task PermissionsHaveMlflowsShapes()
    {
        await _server.CreateUserAsync("p1");
        var experiment = (await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/experiments/create", new { name = "perm-shapes" }))
            .Json.GetProperty("experiment_id").GetString();
        var ep = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/experiments/permissions/create",
            new { experiment_id = experiment, username = "p1", permission = "EDIT" });
        ep.EnsureOk();
        ep.Json.GetProperty("experiment_permission").GetProperty("experiment_id").GetString().Should().Be(experiment);
        ep.Json.GetProperty("experiment_permission").GetProperty("permission").GetString().Should().Be("EDIT");
        ep.Json.GetProperty("experiment_permission").GetProperty("user_id").GetInt64().Should().BePositive();
        (await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/experiments/permissions/create",
            new { experiment_id = experiment, username = "p1", permission = "EDIT" })).ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");
        (await _server.CallAsync(_admin, HttpMethod.Patch, "/api/2.0/mlflow/experiments/permissions/update",
            new { experiment_id = experiment, username = "p1", permission = "OWNER" })).ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        (await _server.CallAsync(_admin, HttpMethod.Get, "/api/2.0/mlflow/users/get?username=p1"))
            .Json.GetProperty("user").GetProperty("experiment_permissions")[0].GetProperty("permission").GetString().Should().Be("EDIT");
        (await _server.CallAsync(_admin, HttpMethod.Delete, "/api/2.0/mlflow/experiments/permissions/delete",
            new { experiment_id = experiment, username = "p1" })).EnsureOk();
        (await _server.CallAsync(_admin, HttpMethod.Get, $"/api/2.0/mlflow/experiments/permissions/get?experiment_id={experiment}&username=p1"))
            .ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");

        (await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/registered-models/create", new { name = "perm-model" })).EnsureOk();
        var rmp = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/registered-models/permissions/create",
            new { name = "perm-model", username = "p1", permission = "READ" });
        rmp.Json.GetProperty("registered_model_permission").GetProperty("name").GetString().Should().Be("perm-model");
        (await _server.CallAsync(_admin, HttpMethod.Patch, "/api/2.0/mlflow/registered-models/permissions/update",
            new { name = "perm-model", username = "p1", permission = "MANAGE" })).EnsureOk();
        (await _server.CallAsync(_admin, HttpMethod.Get, "/api/2.0/mlflow/registered-models/permissions/get?name=perm-model&username=p1"))
            .Json.GetProperty("registered_model_permission").GetProperty("permission").GetString().Should().Be("MANAGE");
        (await _server.CallAsync(_admin, HttpMethod.Delete, "/api/2.0/mlflow/registered-models/permissions/delete",
            new { name = "perm-model", username = "p1" })).EnsureOk();
    }

    [Test]
    public async Task BearerTokensAuthenticateUntilRevoked()
    {
        await _server.CreateUserAsync("robot");
        var created = await _server.CallAsync(AuthServer.Basic("robot", AuthServer.UserPassword), HttpMethod.Post,
            "/api/2.0/mlflow/users/tokens/create", new { username = "robot" });
        created.EnsureOk();
        var token = new AuthenticationHeaderValue("Bearer", created.Json.GetProperty("token").GetString());
        (await _server.CallAsync(token, HttpMethod.Get, "/api/2.0/mlflow/users/get?username=robot")).Status.Should().Be(200);
        (await _server.CallAsync(new AuthenticationHeaderValue("Bearer", "mlt_forged"), HttpMethod.Get, "/version")).Status.Should().Be(401);
        (await _server.CallAsync(token, HttpMethod.Delete, "/api/2.0/mlflow/users/tokens/delete", new { username = "robot" })).EnsureOk();
        (await _server.CallAsync(token, HttpMethod.Get, "/version")).Status.Should().Be(401);
    }

    [Test]
    public void TheServerRefusesToStartWithAuthAndNoAdmin()
    {
        var act = () => RunningServer.StartAsync(o => o with { Auth = new() { Enabled = true, PasswordIterations = 1000 } });
        act.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no admin*").GetAwaiter().GetResult();
    }

    [Test]
    public async Task TheFirstAdminIsCreatedOnceAndKeptOnRestart()
    {
        var directory = Path.Combine(Path.GetTempPath(), "mltrack-tests", Guid.NewGuid().ToString("N"));
        var db = $"sqlite:///{directory}/auth.db";
        ServerOptions Configure(ServerOptions o, string? admin, string? password) => o with
        {
            Auth = new() { Enabled = true, DatabaseUri = db, AdminUsername = admin, AdminPassword = password, PasswordIterations = 1000 },
        };
        await using (var first = await RunningServer.StartAsync(o => Configure(o, "boss", "boss-password")))
        {
            (await first.CallAsync(AuthServer.Basic("boss", "boss-password"), HttpMethod.Get, "/version")).Status.Should().Be(200);
        }

        // Later starts need no admin settings, and settings do not overwrite the stored password.
        await using var second = await RunningServer.StartAsync(o => Configure(o, "boss", "other-password"));
        (await second.CallAsync(AuthServer.Basic("boss", "boss-password"), HttpMethod.Get, "/version")).Status.Should().Be(200);
        (await second.CallAsync(AuthServer.Basic("boss", "other-password"), HttpMethod.Get, "/version")).Status.Should().Be(401);
        Directory.Delete(directory, recursive: true);
    }

    [Test]
    public async Task RepeatedFailedLoginsLockTheClientOut()
    {
        await using var server = await AuthServer.StartAsync(maxFailedLogins: 3);
        for (var i = 0; i < 3; i++)
        {
            (await server.CallAsync(AuthServer.Basic(AuthServer.Admin, "guess-" + i), HttpMethod.Get, "/version")).Status.Should().Be(401);
        }

        var locked = await server.CallAsync(AuthServer.Basic(AuthServer.Admin, AuthServer.AdminPassword), HttpMethod.Get, "/version");
        locked.Status.Should().Be(429);
        locked.ErrorCode.Should().Be("REQUEST_LIMIT_EXCEEDED");
        (await server.CallAsync(null, HttpMethod.Get, "/health")).Status.Should().Be(200);
    }

    [Test]
    public async Task TheUiItsFilesAndItsApiCallsNeedCredentials()
    {
        // Opening the UI must bring up the browser's sign-in prompt, so the page and its files ask too (as MLflow's
        // pages do); once signed in, the browser sends the credentials with every request of the page.
        foreach (var path in new[] { "/", "/index.html", "/js/app.js", "/app.css", "/no-such-file.js" })
        {
            var anonymous = await _server.CallAsync(null, HttpMethod.Get, path);
            anonymous.Status.Should().Be(401, path);
            anonymous.Challenge.Should().Be(AuthMiddleware.Challenge, path);
            anonymous.ErrorCode.Should().Be("UNAUTHENTICATED", path);
        }

        var index = await _server.CallAsync(_admin, HttpMethod.Get, "/");
        index.Status.Should().Be(200);
        index.ContentType.Should().Be("text/html");
        (await _server.CallAsync(_admin, HttpMethod.Get, "/js/app.js")).Status.Should().Be(200);
        (await _server.CallAsync(_admin, HttpMethod.Get, "/no-such-file.js")).Status.Should().Be(404);
        (await _server.CallAsync(null, HttpMethod.Get, "/ajax-api/2.0/mlflow/experiments/search?max_results=10")).Status.Should().Be(401);
        (await _server.CallAsync(null, HttpMethod.Get, "/ajax-api/2.0/mlflow/no-such-route")).Status.Should().Be(401);
        (await _server.CallAsync(_admin, HttpMethod.Get, "/ajax-api/2.0/mlflow/no-such-route")).Status.Should().Be(404);
        (await _server.CallAsync(null, HttpMethod.Delete, "/api/2.0/mlflow/experiments/get")).Status.Should().Be(401);
        (await _server.CallAsync(_admin, HttpMethod.Delete, "/api/2.0/mlflow/experiments/get")).Status.Should().Be(405);
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task ABrowserThatIsNotSignedInIsShownAPageNotJson(bool wrongPassword)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        request.Headers.Authorization = wrongPassword ? AuthServer.Basic(AuthServer.Admin, "wrong-password") : null;

        using var response = await _server.Client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).Should().Be(401);
        response.Headers.WwwAuthenticate.ToString().Should().Be(AuthMiddleware.Challenge);
        response.Content.Headers.ContentType?.MediaType.Should().Be("text/html");
        body.Should().Contain("<h1>Sign in required</h1>").And.NotContain("error_code");
    }
}
