using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using MlTrack.Server.Hosting;

namespace MlTrack.Server.Tests.Support;

/// <summary>
/// A real MlTrack server on a free loopback port, over a fresh SQLite file in a temp folder, or a fresh PostgreSQL
/// database when MLTRACK_TEST_POSTGRES is set (see <see cref="TestDatabase"/>).
/// </summary>
internal sealed class RunningServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TestDatabase? _database;

    // The database and folder are removed by the server that owns them (the first of a set of replicas).
    private RunningServer(WebApplication app, TestDatabase? database, string directory, Uri baseAddress)
    {
        _app = app;
        _database = database;
        Directory = directory;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
    }

    public string Directory { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>The server's services (its endpoint table, its store) for tests that inspect them.</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<RunningServer> StartAsync(Func<ServerOptions, ServerOptions>? configure = null) =>
        (await StartReplicasAsync(1, configure))[0];

    /// <summary>
    /// <paramref name="count"/> servers on their own ports over one database and one artifact folder, as replicas
    /// behind a load balancer; they start at the same time, so their migrations race as they would in production.
    /// </summary>
    public static async Task<RunningServer[]> StartReplicasAsync(int count, Func<ServerOptions, ServerOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "mltrack-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var database = await TestDatabase.CreateAsync(directory);
        var options = new ServerOptions
        {
            Port = 0,
            BackendStoreUri = database.BackendStoreUri,
            ArtifactsDestination = Path.Combine(directory, "mlartifacts"),
        };
        options = configure?.Invoke(options) ?? options;
        // With --auth, users live beside a SQLite store and in the tracking database on PostgreSQL (its own test database).
        var apps = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => Task.Run(async () =>
        {
            var app = MlTrackApp.Build(options, ["--Logging:LogLevel:Default=Warning"]);
            await app.StartAsync();
            return app;
        })));
        return [.. apps.Select((app, i) => new RunningServer(
            app, i == 0 ? database : null, directory,
            new Uri(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First())))];
    }

    /// <summary>POSTs raw JSON text exactly as given.</summary>
    public Task<ApiResponse> PostAsync(string path, string json) => SendAsync(HttpMethod.Post, path, json);

    public Task<ApiResponse> PostAsync(string path, object body) => SendAsync(HttpMethod.Post, path, JsonSerializer.Serialize(body));

    public Task<ApiResponse> GetAsync(string pathAndQuery) => SendAsync(HttpMethod.Get, pathAndQuery, null);

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string? json, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await Client.SendAsync(request);
        return await ApiResponse.ReadAsync(response);
    }

    /// <summary>Creates an experiment named after the calling test (plus a suffix) and returns its id.</summary>
    public async Task<string> CreateExperimentAsync(string? suffix = null)
    {
        var name = $"{TestContext.CurrentContext.Test.FullName}-{suffix ?? Guid.NewGuid().ToString("N")}";
        var response = await PostAsync("/api/2.0/mlflow/experiments/create", new { name });
        response.EnsureOk();
        return response.Json.GetProperty("experiment_id").GetString()!;
    }

    public async Task<string> CreateRunAsync(string experimentId, long startTime = 0, string? runName = null)
    {
        var response = await PostAsync("/api/2.0/mlflow/runs/create", new { experiment_id = experimentId, start_time = startTime, run_name = runName });
        response.EnsureOk();
        return response.Json.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    /// <summary>A new run in a new experiment of the calling test.</summary>
    public async Task<string> CreateRunInNewExperimentAsync() => await CreateRunAsync(await CreateExperimentAsync());

    /// <summary>runs/get's "run" object.</summary>
    public async Task<JsonElement> GetRunAsync(string runId) => (await GetAsync($"/api/2.0/mlflow/runs/get?run_id={runId}")).Json.GetProperty("run");

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_database is null)
        {
            return;
        }

        await _database.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by a pooled connection; the temp folder is cleaned by the OS.
        }
    }
}

/// <summary>What a client sees: the status, the content type and the body (parsed when it is JSON).</summary>
internal sealed record ApiResponse(int Status, string? ContentType, string Body)
{
    /// <summary>The WWW-Authenticate header, when a test reads it.</summary>
    public string? Challenge { get; init; }

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string? ErrorCode => Json.TryGetProperty("error_code", out var code) ? code.GetString() : null;

    public string? Message => Json.TryGetProperty("message", out var message) ? message.GetString() : null;

    public static async Task<ApiResponse> ReadAsync(HttpResponseMessage response) =>
        new((int)response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());

    public void EnsureOk()
    {
        if (Status != 200)
        {
            throw new AssertionException($"Expected 200, got {Status}: {Body}");
        }
    }
}
