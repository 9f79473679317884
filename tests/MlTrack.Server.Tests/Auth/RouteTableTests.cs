using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MlTrack.Server.Auth;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Auth;

/// <summary>
/// Walks the server's whole route table with --auth on: every route has a rule, every route but /health refuses an
/// anonymous caller with 401 and a Basic challenge, and a user without permissions is refused (403) or, on searches,
/// sees none of the resources he may not read.
/// </summary>
public sealed class RouteTableTests
{
    private RunningServer _server = null!;
    private AuthenticationHeaderValue _admin = null!;
    private AuthenticationHeaderValue _nobody = null!;
    private string _experimentId = "";
    private string _experimentName = "";
    private string _runId = "";
    private const string Model = "route-table-model";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await AuthServer.StartAsync();
        _admin = AuthServer.Basic(AuthServer.Admin, AuthServer.AdminPassword);
        _nobody = await _server.CreateUserAsync("nobody");
        await _server.CreateUserAsync("victim");
        _experimentName = "route-table-" + Guid.NewGuid().ToString("N");
        var created = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/experiments/create", new { name = _experimentName });
        created.EnsureOk();
        _experimentId = created.Json.GetProperty("experiment_id").GetString()!;
        var run = await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/runs/create", new { experiment_id = _experimentId });
        run.EnsureOk();
        _runId = run.Json.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
        var artifactUri = run.Json.GetProperty("run").GetProperty("info").GetProperty("artifact_uri").GetString()!;
        (await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/runs/log-metric",
            new { run_id = _runId, key = "m", value = 1.0, timestamp = 1, step = 0 })).EnsureOk();
        (await _server.CallRawAsync(_admin, HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{_experimentId}/{_runId}/artifacts/a.txt", "secret", "text/plain"))
            .EnsureOk();
        (await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/registered-models/create", new { name = Model })).EnsureOk();
        (await _server.CallAsync(_admin, HttpMethod.Post, "/api/2.0/mlflow/model-versions/create",
            new { name = Model, source = $"{artifactUri}/model", run_id = _runId })).EnsureOk();
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    public static IEnumerable<TestCaseData> Routes()
    {
        // The route table of a server with --auth (the auth routes included); built once to name the cases.
        var server = AuthServer.StartAsync().GetAwaiter().GetResult();
        try
        {
            foreach (var (endpoint, method) in Endpoints(server))
            {
                yield return new TestCaseData(endpoint.RoutePattern.RawText, method).SetArgDisplayNames(method, endpoint.RoutePattern.RawText!);
            }
        }
        finally
        {
            server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static IEnumerable<(RouteEndpoint Endpoint, string Method)> Endpoints(RunningServer server) =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (e, m)))
            .OrderBy(x => x.e.RoutePattern.RawText, StringComparer.Ordinal).ThenBy(x => x.m, StringComparer.Ordinal);

    [Test]
    public void TheRouteTableIsLargeAndEveryRouteHasARule()
    {
        var endpoints = Endpoints(_server).ToList();
        endpoints.Should().HaveCountGreaterThan(100);
        endpoints.Where(x => RouteRules.For(x.Endpoint, x.Method) is null).Select(x => $"{x.Method} {x.Endpoint.RoutePattern.RawText}")
            .Should().BeEmpty("a route without a rule is refused to everyone");
        endpoints.Where(x => RouteRules.For(x.Endpoint, x.Method)!.Kind == RuleKind.Public).Select(x => x.Endpoint.RoutePattern.RawText)
            .Should().BeEquivalentTo(["/health"]);
    }

    [TestCaseSource(nameof(Routes))]
    public async Task AnAnonymousCallerIsAskedToAuthenticate(string pattern, string method)
    {
        var rule = Rule(pattern, method);
        var response = await SendAsync(null, pattern, method);
        if (rule.Kind == RuleKind.Public)
        {
            response.Status.Should().Be(200);
            return;
        }

        response.Status.Should().Be(401, response.Body);
        response.Challenge.Should().Contain("Basic");
        response.ErrorCode.Should().Be("UNAUTHENTICATED");
        response.Body.Should().NotContain("secret");
    }

    [TestCaseSource(nameof(Routes))]
    public async Task AWrongPasswordIsRefused(string pattern, string method)
    {
        if (Rule(pattern, method).Kind == RuleKind.Public)
        {
            return;
        }

        var response = await SendAsync(AuthServer.Basic("nobody", "wrong-password"), pattern, method);
        response.Status.Should().Be(401, response.Body);
    }

    [TestCaseSource(nameof(Routes))]
    public async Task AUserWithoutPermissionIsRefusedOrSeesNothing(string pattern, string method)
    {
        var rule = Rule(pattern, method);
        var response = await SendAsync(_nobody, pattern, method);
        switch (rule.Kind)
        {
            case RuleKind.Public or RuleKind.AnyUser:
                response.Status.Should().NotBe(401).And.NotBe(403);
                break;
            case RuleKind.Filtered:
                response.Status.Should().Be(200, response.Body);
                // (The user's own experiment, made by experiments/create in this walk, may be listed; the admin's may not.)
                response.Body.Should().NotContain(_experimentName).And.NotContain($"\"experiment_id\":\"{_experimentId}\"");
                if (pattern.Contains("model", StringComparison.Ordinal))
                {
                    response.Body.Should().NotContain(Model);
                }

                break;
            default:
                response.Status.Should().Be(403, response.Body);
                response.ErrorCode.Should().Be("PERMISSION_DENIED");
                break;
        }
    }

    [TestCaseSource(nameof(Routes))]
    public async Task AnAdminPassesEveryRule(string pattern, string method)
    {
        var response = await SendAsync(_admin, pattern, method, "victim");
        response.Status.Should().NotBe(401).And.NotBe(403, response.Body);
    }

    private RouteRule Rule(string pattern, string method)
    {
        var endpoint = Endpoints(_server).Single(x => x.Endpoint.RoutePattern.RawText == pattern && x.Method == method).Endpoint;
        return RouteRules.For(endpoint, method)!;
    }

    // Every parameter any route reads, pointing at the admin's experiment, run and model; "admin" for user routes,
    // so that a self-only route is asked about somebody else.
    private Task<ApiResponse> SendAsync(AuthenticationHeaderValue? auth, string pattern, string method, string username = AuthServer.Admin)
    {
        var path = pattern.Replace("{**path}", $"{_experimentId}/{_runId}/artifacts/a.txt", StringComparison.Ordinal);
        var fields = new Dictionary<string, object>
        {
            ["experiment_id"] = _experimentId,
            ["experiment_ids"] = new[] { _experimentId },
            ["experiment_name"] = _experimentName,
            ["run_id"] = _runId,
            ["run_ids"] = new[] { _runId },
            ["name"] = Model,
            ["new_name"] = Model + "-renamed-" + method,
            ["version"] = "1",
            ["alias"] = "champion",
            ["key"] = "m",
            ["value"] = "1",
            ["metric_key"] = "m",
            ["timestamp"] = 1,
            ["path"] = path.Contains("mlflow-artifacts", StringComparison.Ordinal) ? $"{_experimentId}/{_runId}/artifacts" : "a.txt",
            ["username"] = username,
            ["max_results"] = 100,
            ["password"] = "another-password-1",
            ["permission"] = "READ",
            ["is_admin"] = true,
            ["stage"] = "Staging",
            ["source"] = "runs:/" + _runId + "/model",
        };
        if (method is "GET" or "HEAD")
        {
            var query = string.Join('&', fields.SelectMany(f => f.Value is string[] list
                ? list.Select(v => $"{f.Key}={Uri.EscapeDataString(v)}")
                : [$"{f.Key}={Uri.EscapeDataString(f.Value is bool b ? (b ? "true" : "false") : Convert.ToString(f.Value, System.Globalization.CultureInfo.InvariantCulture)!)}"]));
            return _server.CallRawAsync(auth, new HttpMethod(method), $"{path}?{query}", null);
        }

        return _server.CallRawAsync(auth, new HttpMethod(method), path, JsonSerializer.Serialize(fields));
    }
}
