using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using MlTrack.Server.Auth;
using MlTrack.Server.Hosting;

namespace MlTrack.Ui.Tests.Support;

/// <summary>A real MlTrack server in-process on a free loopback port over a fresh SQLite file, with a JSON client of its API.</summary>
internal sealed class UiServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private UiServer(WebApplication app, string directory, Uri baseAddress)
    {
        _app = app;
        Directory = directory;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(5) };
    }

    public string Directory { get; }

    public HttpClient Client { get; }

    public Uri BaseAddress => Client.BaseAddress!;

    /// <summary>
    /// Starts the server; with <paramref name="auth"/> (--auth and its first admin) the JSON client calls as that admin.
    /// </summary>
    public static async Task<UiServer> StartAsync(string? directory = null, AuthOptions? auth = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "mltrack-ui-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var options = new ServerOptions
        {
            Host = "127.0.0.1",
            Port = 0,
            BackendStoreUri = $"sqlite:///{directory}/mlruns.db",
            ArtifactsDestination = Path.Combine(directory, "mlartifacts"),
            Auth = auth ?? new AuthOptions(),
        };
        var app = MlTrackApp.Build(options, ["--Logging:LogLevel:Default=Warning"]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var server = new UiServer(app, directory, new Uri(address));
        if (auth is { Enabled: true, AdminUsername: { } admin, AdminPassword: { } password })
        {
            server.Client.DefaultRequestHeaders.Authorization = Basic(admin, password);
        }

        return server;
    }

    public static AuthenticationHeaderValue Basic(string username, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}")));

    /// <summary>POSTs JSON to /api/2.0/mlflow/{path} and returns the parsed answer (throws on a non-2xx).</summary>
    public async Task<JsonElement> PostAsync(string path, object body)
    {
        using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
        using var response = await Client.PostAsync(new Uri("/api/2.0/mlflow/" + path, UriKind.Relative), content);
        return await ReadAsync(response);
    }

    public async Task<JsonElement> GetAsync(string pathAndQuery)
    {
        using var response = await Client.GetAsync(new Uri("/api/2.0/mlflow/" + pathAndQuery, UriKind.Relative));
        return await ReadAsync(response);
    }

    /// <summary>Uploads one artifact of a run through the artifact proxy, as the MLflow client does.</summary>
    public async Task UploadArtifactAsync(string experimentId, string runId, string path, byte[] bytes, string contentType = "application/octet-stream")
    {
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        using var response = await Client.PutAsync(new Uri($"/api/2.0/mlflow-artifacts/artifacts/{experimentId}/{runId}/artifacts/{path}", UriKind.Relative), content);
        await ReadAsync(response);
    }

    public async Task<string> CreateExperimentAsync(string name) =>
        (await PostAsync("experiments/create", new { name })).GetProperty("experiment_id").GetString()!;

    public async Task<string> CreateRunAsync(string experimentId, string runName, long startTime, string user = "ana")
    {
        var run = await PostAsync("runs/create", new
        {
            experiment_id = experimentId,
            run_name = runName,
            start_time = startTime,
            user_id = user,
            tags = new[] { new { key = "mlflow.user", value = user } },
        });
        return run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{(int)response.StatusCode} from {response.RequestMessage?.RequestUri}: {body}");
        }

        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
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
