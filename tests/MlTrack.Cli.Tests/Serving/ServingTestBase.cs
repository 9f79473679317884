using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using MlTrack.Cli.Tests.Support;
using MlTrack.Trainer;
using MlTrack.Trainer.Packaging;

namespace MlTrack.Cli.Tests.Serving;

/// <summary>A trained, registered model and the same model loaded locally, to compare predictions with.</summary>
public sealed record RegisteredVersion(string Name, string Version, string RunId, string LocalDirectory, ElasticNetModel Model);

/// <summary>What a scoring request got back.</summary>
public sealed record Scored(HttpStatusCode Status, string Body, string? ContentType, string? ModelVersion)
{
    public double[] Predictions() => [.. JsonDocument.Parse(Body).RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetDouble())];

    public string ErrorCode() => JsonDocument.Parse(Body).RootElement.GetProperty("error_code").GetString()!;

    public string Message() => JsonDocument.Parse(Body).RootElement.GetProperty("message").GetString()!;

    public override string ToString() => $"{(int)Status} {ContentType} {Body}";
}

/// <summary>Trains and registers models with `mltrack train`, serves them with `mltrack models serve` in-process on a
/// free loopback port, and posts to it over real HTTP.</summary>
public abstract partial class ServingTestBase : CliTestBase
{
    private static readonly Lazy<NumericTable> WineTable = new(() => CsvTableReader.Load(WinePath));

    protected static NumericTable Wine => WineTable.Value;

    protected static HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Trains on the wine data with <paramref name="alpha"/> and registers the model as a new version of <paramref name="name"/>.</summary>
    protected Task<RegisteredVersion> TrainAndRegisterAsync(string name, double alpha) => TrainAndRegisterWithAsync(Server.BaseAddress, name, alpha);

    /// <summary>As <see cref="TrainAndRegisterAsync"/>, on another tracking server.</summary>
    protected async Task<RegisteredVersion> TrainAndRegisterWithAsync(Uri trackingUri, string name, double alpha)
    {
        var result = await MltrackWithAsync(
            new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = trackingUri.ToString() },
            "train", "--data", WinePath, "--target", "quality", "--alpha", alpha.ToString(CultureInfo.InvariantCulture),
            "--register-as", name, "--experiment-name", name);
        result.ExitCode.Should().Be(0, result.ToString());
        var runId = RunIdLine().Match(result.Out).Groups[1].Value;
        var version = RegisteredLine().Match(result.Out).Groups[1].Value;
        using var client = new MlTrack.Client.MlflowClient(new MlTrack.Client.MlflowClientOptions { TrackingUri = trackingUri });
        var local = await client.Artifacts.DownloadAsync(runId, "model", TempDirectory());
        return new RegisteredVersion(name, version, runId, local, ModelPackage.Load(local));
    }

    /// <summary>Row <paramref name="index"/> of the wine data in the model's feature order.</summary>
    protected static double[] Row(ElasticNetModel model, int index) =>
        [.. model.FeatureNames.Select(f => Wine[index, Wine.IndexOf(f)])];

    protected static double[] Expected(ElasticNetModel model, IEnumerable<int> rows) => [.. rows.Select(i => model.Predict(Row(model, i)))];

    /// <summary>Starts `mltrack models serve -m URI -p 0 ...`; dispose it to stop it (as Ctrl+C does).</summary>
    protected Task<RunningScoringServer> ServeAsync(string modelUri, params string[] extraArgs) =>
        ServeWithAsync(Server.BaseAddress, modelUri, extraArgs);

    /// <summary>As <see cref="ServeAsync"/>, against another tracking server.</summary>
    protected static async Task<RunningScoringServer> ServeWithAsync(Uri trackingUri, string modelUri, params string[] extraArgs)
    {
        var error = new StringWriter();
        var syncError = TextWriter.Synchronized(error);
        var environment = new Dictionary<string, string>
        {
            ["MLFLOW_TRACKING_URI"] = trackingUri.ToString(),
            ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0",
        };
        var context = new CliContext
        {
            Out = CliContext.ConsoleOn(TextWriter.Synchronized(new StringWriter()), redirected: true),
            Error = CliContext.ConsoleOn(syncError, redirected: true),
            GetVariable = name => environment.GetValueOrDefault(name),
            WorkingDirectory = TestContext.CurrentContext.TestDirectory,
        };
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => CliApp.RunAsync(["models", "serve", "-m", modelUri, "-p", "0", .. extraArgs], context, stop.Token));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            string text;
            lock (syncError)
            {
                text = error.ToString();
            }
            if (ServingLine().Match(text) is { Success: true } match)
            {
                return new RunningScoringServer(new Uri(match.Groups[1].Value), stop, run);
            }
            if (run.IsCompleted)
            {
                Assert.Fail($"mltrack models serve ended with {await run}:\n{text}");
            }
            await Task.Delay(20);
        }
        await stop.CancelAsync();
        Assert.Fail("mltrack models serve did not report its address within 30 s.");
        return null!;
    }

    protected static Task<Scored> PostJsonAsync(Uri server, string json) => PostAsync(server, json, "application/json");

    protected static async Task<Scored> PostAsync(Uri server, string body, string? contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }
        return await PostContentAsync(server, content);
    }

    protected static async Task<Scored> PostContentAsync(Uri server, HttpContent content)
    {
        using var response = await Http.PostAsync(new Uri(server, "invocations"), content);
        var version = response.Headers.TryGetValues("MlTrack-Model-Version", out var values) ? values.Single() : null;
        return new Scored(response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.MediaType, version);
    }

    /// <summary>A <c>dataframe_split</c> body with the given columns of the wine data.</summary>
    protected static string SplitPayload(IReadOnlyList<string> columns, IEnumerable<int> rows) => JsonSerializer.Serialize(new
    {
        dataframe_split = new
        {
            columns,
            data = rows.Select(i => columns.Select(c => Wine[i, Wine.IndexOf(c)]).ToArray()).ToArray(),
        },
    });

    [GeneratedRegex(@"Run ID: ([0-9a-f]{32})")]
    private static partial Regex RunIdLine();

    [GeneratedRegex(@"Registered model '.*' version (\d+)")]
    private static partial Regex RegisteredLine();

    [GeneratedRegex(@"Serving .* at (http://[^ ]+?)[;.]? ")]
    private static partial Regex ServingLine();
}

/// <summary>A `mltrack models serve` running in-process.</summary>
public sealed class RunningScoringServer(Uri baseAddress, CancellationTokenSource stop, Task<int> run) : IAsyncDisposable
{
    public Uri BaseAddress { get; } = baseAddress;

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        (await run).Should().Be(0, "Ctrl+C stops the server normally");
        stop.Dispose();
    }
}
