using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using MlTrack.Server.Tests.Artifacts;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Auth;

/// <summary>
/// Replays the requests of MLflow's published advisories that apply to a tracking server, with --auth on: path
/// traversal on every artifact route (CVE-2023-1177, -2780, -6831, CVE-2024-1483 and relatives, here also with a
/// permitted experiment id in front), auth bypass through routes and path spellings outside the checked list
/// (GHSA: basic-auth missing checks on ajax and artifact routes), account creation without auth (signup), DNS
/// rebinding Host headers, and SSRF (the server fetches no URL given in a request). Each is refused.
/// </summary>
public sealed class AdvisoryReplayTests
{
    private const string Secret = "TOP-SECRET-OUTSIDE-THE-ROOT";
    private RunningServer _server = null!;
    private AuthenticationHeaderValue _admin = null!;
    private AuthenticationHeaderValue _user = null!;
    private string _experiment = "";
    private string _run = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await AuthServer.StartAsync();
        _admin = AuthServer.Basic(AuthServer.Admin, AuthServer.AdminPassword);
        _user = await _server.CreateUserAsync("mallory");
        await File.WriteAllTextAsync(Path.Combine(_server.Directory, "secret.txt"), Secret);
        var created = await _server.CallAsync(_user, HttpMethod.Post, "/api/2.0/mlflow/experiments/create", new { name = "mallorys" });
        _experiment = created.Json.GetProperty("experiment_id").GetString()!;
        _run = (await _server.CallAsync(_user, HttpMethod.Post, "/api/2.0/mlflow/runs/create", new { experiment_id = _experiment }))
            .Json.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    public static IEnumerable<TestCaseData> Traversals()
    {
        foreach (var payload in PathTraversalTests.Payloads)
        {
            foreach (var prefix in new[] { "", "EXP/", "EXP/RUN/artifacts/" })
            {
                var full = prefix + payload;
                var query = Uri.EscapeDataString(full);
                if (!payload.Contains('?', StringComparison.Ordinal) && !payload.Contains('#', StringComparison.Ordinal))
                {
                    foreach (var method in new[] { "GET", "PUT", "DELETE" })
                    {
                        yield return Case(method, $"/api/2.0/mlflow-artifacts/artifacts/{full}");
                    }

                    yield return Case("GET", $"/ajax-api/2.0/mlflow-artifacts/artifacts/{full}");
                    yield return Case("POST", $"/api/2.0/mlflow-artifacts/mpu/create/{full}");
                }

                yield return Case("GET", $"/api/2.0/mlflow-artifacts/artifacts?path={query}");
            }

            var relative = Uri.EscapeDataString(payload);
            yield return Case("GET", $"/api/2.0/mlflow/artifacts/list?run_id=RUN&path={relative}");
            yield return Case("GET", $"/get-artifact?run_uuid=RUN&path={relative}");
            yield return Case("GET", $"/get-artifact?run_id=RUN&path={payload}");
        }
    }

    private static TestCaseData Case(string method, string target) => new TestCaseData(method, target).SetArgDisplayNames(method, target);

    // Never the secret; never a change to a file outside the caller's part of the artifact root (the user's experiment
    // folder; the whole root for an admin). A request that stays inside it (the URL's own dot segments, which every
    // HTTP stack removes, "1//etc/passwd" as a folder named etc) may succeed; MLflow's own test corpus expects the same.
    [TestCaseSource(nameof(Traversals))]
    public async Task PathTraversalIsRefusedToUsersAndAdmins(string method, string target)
    {
        target = target.Replace("EXP", _experiment, StringComparison.Ordinal).Replace("RUN", _run, StringComparison.Ordinal);
        var root = Path.Combine(_server.Directory, "mlartifacts");
        foreach (var (auth, scope) in new[] { (_user, Path.Combine(root, _experiment)), (_admin, root) })
        {
            var before = Snapshot(scope);
            var header = $"Authorization: {auth}\r\n";
            var body = method is "PUT" or "POST" ? Encoding.UTF8.GetBytes("{\"x\":\"pwned\"}") : null;
            var (_, response) = await RawHttp.SendAsync(_server.BaseAddress, method, target, body, extraHeaders: header);
            response.Should().NotContain(Secret);
            Snapshot(scope).Should().BeEquivalentTo(before, "nothing outside {0} may change", scope);
        }

        (await File.ReadAllTextAsync(Path.Combine(_server.Directory, "secret.txt"))).Should().Be(Secret);
    }

    // Every file outside the given folder, with its length and write time.
    private Dictionary<string, (long, DateTime)> Snapshot(string scope) =>
        Directory.EnumerateFiles(_server.Directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(scope + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !f.EndsWith(".db-wal", StringComparison.Ordinal)
                && !f.EndsWith(".db-shm", StringComparison.Ordinal) && !f.EndsWith(".db", StringComparison.Ordinal))
            .ToDictionary(f => f, f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f)));

    [Test]
    public async Task AUserCannotReachAnotherExperimentsArtifactsThroughTheProxy()
    {
        var (status, _) = await RawHttp.SendAsync(_server.BaseAddress, "GET", "/api/2.0/mlflow-artifacts/artifacts?path=0",
            extraHeaders: $"Authorization: {_user}\r\n");
        status.Should().Be(403);
        foreach (var target in new[] { $"{_experiment}/../0/x", $"{_experiment}%2F..%2F0/x", "0/x", "/0/x", $"{_experiment}/..%2F..%2F0/x" })
        {
            (await RawHttp.SendAsync(_server.BaseAddress, "PUT", $"/api/2.0/mlflow-artifacts/artifacts/{target}", "x"u8.ToArray(),
                extraHeaders: $"Authorization: {_user}\r\n")).Status.Should().BeInRange(400, 499, target);
        }
    }

    [TestCase("GET", "/api/2.0/mlflow/experiments/get/?experiment_id=0")]
    [TestCase("GET", "//api/2.0/mlflow/experiments/get?experiment_id=0")]
    [TestCase("GET", "/API/2.0/MLFLOW/EXPERIMENTS/GET?experiment_id=0")]
    [TestCase("GET", "/api/2.0/mlflow/../mlflow/experiments/get?experiment_id=0")]
    [TestCase("GET", "/api/2.0/mlflow/./experiments/get?experiment_id=0")]
    [TestCase("GET", "/static/../api/2.0/mlflow/experiments/get?experiment_id=0")]
    [TestCase("GET", "/health/../api/2.0/mlflow/experiments/get?experiment_id=0")]
    [TestCase("GET", "/health/..%2Fapi/2.0/mlflow/experiments/get?experiment_id=0")]
    [TestCase("GET", "/api/2.0/mlflow%2Fexperiments%2Fget?experiment_id=0")]
    [TestCase("GET", "/ajax-api/2.0/mlflow/experiments/get?experiment_id=0")]
    [TestCase("GET", "/ajax-api/2.0/mlflow/experiments/search?max_results=10")]
    [TestCase("GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=x&metric_key=m")]
    [TestCase("GET", "/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids=x&metric_key=m")]
    [TestCase("GET", "/get-artifact?run_id=x&path=a")]
    [TestCase("GET", "/model-versions/get-artifact?name=m&version=1&path=a")]
    [TestCase("GET", "/api/2.0/mlflow-artifacts/artifacts")]
    [TestCase("GET", "/api/2.0/mlflow/model-versions/search")]
    [TestCase("POST", "/api/2.0/mlflow/runs/search")]
    [TestCase("POST", "/api/2.0/mlflow/runs/log-inputs")]
    [TestCase("HEAD", "/api/2.0/mlflow/experiments/get?experiment_id=0")]
    [TestCase("OPTIONS", "/api/2.0/mlflow/experiments/get?experiment_id=0")]
    public async Task NoRouteOrPathSpellingBypassesAuthentication(string method, string target)
    {
        var body = method == "POST" ? "{\"experiment_ids\":[\"0\"]}"u8.ToArray() : null;
        var (status, response) = await RawHttp.SendAsync(_server.BaseAddress, method, target, body,
            extraHeaders: "X-HTTP-Method-Override: GET\r\nX-Forwarded-For: 127.0.0.1\r\nX-Original-URL: /health\r\n");
        status.Should().BeOneOf([401, 404, 400], response);
        response.Should().NotContain("\"Default\"");
    }

    [Test]
    public async Task AccountsCannotBeCreatedWithoutAnAdmin()
    {
        var json = "{\"username\":\"intruder\",\"password\":\"intruder-password\"}";
        (await _server.CallRawAsync(null, HttpMethod.Post, "/api/2.0/mlflow/users/create", json)).Status.Should().Be(401);
        (await _server.CallRawAsync(null, HttpMethod.Post, "/api/2.0/mlflow/users/create", "username=intruder&password=intruder-password",
            "application/x-www-form-urlencoded")).Status.Should().Be(401);
        (await _server.CallRawAsync(_user, HttpMethod.Post, "/api/2.0/mlflow/users/create", json)).Status.Should().Be(403);
        (await _server.CallRawAsync(null, HttpMethod.Post, "/ajax-api/2.0/mlflow/users/create", json)).Status.Should().Be(401);
        (await _server.CallAsync(null, HttpMethod.Get, "/signup")).Status.Should().NotBe(200);
        (await _server.CallAsync(_user, HttpMethod.Patch, "/api/2.0/mlflow/users/update-admin", new { username = "mallory", is_admin = true }))
            .Status.Should().Be(403);
        (await _server.CallAsync(AuthServer.Basic("intruder", "intruder-password"), HttpMethod.Get, "/version")).Status.Should().Be(401);
    }

    [TestCase("evil.example")]
    [TestCase("rebind.attacker.example:5000")]
    [TestCase("127.0.0.1.nip.io")]
    public async Task DnsRebindingHostsAreRefusedEvenWithCredentials(string host)
    {
        var (status, _) = await RawHttp.SendAsync(_server.BaseAddress, "GET", "/api/2.0/mlflow/experiments/search?max_results=10",
            host: host, extraHeaders: $"Authorization: {_admin}\r\n");
        status.Should().Be(403);
    }

    [Test]
    public async Task TheServerFetchesNoUrlGivenInARequest()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        var experiment = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/experiments/create",
            new { name = "ssrf", artifact_location = $"{url}/artifacts" });
        if (experiment.Status == 200)
        {
            var id = experiment.Json.GetProperty("experiment_id").GetString();
            var run = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/runs/create", new { experiment_id = id });
            var runId = run.Json.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString();
            await _server.CallAsync(_admin, HttpMethod.Get, $"/api/2.0/mlflow/artifacts/list?run_id={runId}");
            await _server.CallAsync(_admin, HttpMethod.Get, $"/get-artifact?run_id={runId}&path=model/MLmodel");
        }

        await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/registered-models/create", new { name = "ssrf" });
        await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/model-versions/create", new { name = "ssrf", source = $"{url}/model" });
        await _server.CallAsync(_admin, HttpMethod.Get, "/api/2.0/mlflow/model-versions/get-download-uri?name=ssrf&version=1");
        await _server.CallAsync(_admin, HttpMethod.Get, "/model-versions/get-artifact?name=ssrf&version=1&path=MLmodel");
        await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/runs/log-inputs", new
        {
            run_id = _run,
            datasets = new[] { new { dataset = new { name = "d", digest = "x", source_type = "http", source = $"{{\"url\":\"{url}/data.csv\"}}" } } },
        });
        await Task.Delay(200);
        listener.Pending().Should().BeFalse("the server must never connect to a URL from a request");
    }
}
