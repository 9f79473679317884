using MlTrack.Server.Security;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Auth;

/// <summary>The defaults every server has, with or without --auth: Host allow-list, CORS, security headers.</summary>
public sealed class HardeningTests : ServerTestBase
{
    [TestCase("evil.example")]
    [TestCase("evil.example:5000")]
    [TestCase("localhost.evil.example")]
    [TestCase("127.0.0.1.nip.io")]
    [TestCase("attacker.127.0.0.1.sslip.io")]
    [TestCase("0.0.0.0")]
    [TestCase("10.0.0.1")]
    public async Task AForeignHostHeaderIsRefused(string host)
    {
        var (status, response) = await RawHttp.SendAsync(Server.BaseAddress, "GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", host: host);
        status.Should().Be(403);
        response.Should().NotContain("Default");
    }

    [TestCase("localhost")]
    [TestCase("localhost:5000")]
    [TestCase("127.0.0.1")]
    [TestCase("[::1]:5000")]
    public async Task LoopbackHostsAreServed(string host)
    {
        var (status, _) = await RawHttp.SendAsync(Server.BaseAddress, "GET", "/api/2.0/mlflow/experiments/get?experiment_id=0", host: host);
        status.Should().Be(200);
    }

    [Test]
    public async Task AllowedHostsReplaceTheDefault()
    {
        await using var server = await RunningServer.StartAsync(o => o with { Hardening = new HardeningOptions { AllowedHosts = ["mlflow.internal", "*.corp.example"] } });
        (await RawHttp.SendAsync(server.BaseAddress, "GET", "/health", host: "mlflow.internal:5000")).Status.Should().Be(200);
        (await RawHttp.SendAsync(server.BaseAddress, "GET", "/health", host: "a.corp.example")).Status.Should().Be(200);
        (await RawHttp.SendAsync(server.BaseAddress, "GET", "/health", host: "corp.example.evil")).Status.Should().Be(403);
        (await RawHttp.SendAsync(server.BaseAddress, "GET", "/health", host: "localhost")).Status.Should().Be(403);
    }

    [Test]
    public async Task CorsAnswersLoopbackOriginsAndRefusesOthers()
    {
        var preflight = "Origin: http://localhost:3000\r\nAccess-Control-Request-Method: POST\r\n";
        var (status, response) = await RawHttp.SendAsync(Server.BaseAddress, "OPTIONS", "/api/2.0/mlflow/experiments/search", extraHeaders: preflight);
        status.Should().Be(204);
        response.Should().Contain("Access-Control-Allow-Origin: http://localhost:3000");

        var evil = "Origin: http://evil.example\r\nAccess-Control-Request-Method: POST\r\n";
        (await RawHttp.SendAsync(Server.BaseAddress, "OPTIONS", "/api/2.0/mlflow/experiments/search", extraHeaders: evil)).Status.Should().Be(403);
        (await RawHttp.SendAsync(Server.BaseAddress, "POST", "/api/2.0/mlflow/experiments/create", "{\"name\":\"csrf\"}"u8.ToArray(),
            extraHeaders: "Origin: http://evil.example\r\n")).Status.Should().Be(403);
        var (getStatus, getResponse) = await RawHttp.SendAsync(Server.BaseAddress, "GET", "/health", extraHeaders: "Origin: http://evil.example\r\n");
        getStatus.Should().Be(200);
        getResponse.Should().NotContain("Access-Control-Allow-Origin");
    }

    [Test]
    public async Task ConfiguredOriginsAreAllowed()
    {
        await using var server = await RunningServer.StartAsync(o => o with { Hardening = new HardeningOptions { CorsAllowedOrigins = ["https://app.example"] } });
        var (status, response) = await RawHttp.SendAsync(server.BaseAddress, "OPTIONS", "/api/2.0/mlflow/experiments/search",
            extraHeaders: "Origin: https://app.example\r\nAccess-Control-Request-Method: POST\r\n");
        status.Should().Be(204);
        response.Should().Contain("Access-Control-Allow-Origin: https://app.example");
        (await RawHttp.SendAsync(server.BaseAddress, "OPTIONS", "/api/2.0/mlflow/experiments/search",
            extraHeaders: "Origin: http://localhost:3000\r\nAccess-Control-Request-Method: POST\r\n")).Status.Should().Be(403);
    }

    [Test]
    public async Task ResponsesCarrySecurityHeaders()
    {
        var (_, api) = await RawHttp.SendAsync(Server.BaseAddress, "GET", "/health");
        api.Should().Contain("X-Content-Type-Options: nosniff").And.Contain("X-Frame-Options: SAMEORIGIN");
        var (_, ui) = await RawHttp.SendAsync(Server.BaseAddress, "GET", "/");
        ui.Should().Contain("Content-Security-Policy: default-src 'self'");
        var (_, artifact) = await RawHttp.SendAsync(Server.BaseAddress, "GET", "/get-artifact?run_id=x&path=a.html");
        artifact.Should().Contain("Content-Security-Policy: sandbox");
    }
}
