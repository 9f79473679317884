using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Benchmarks;
using MlTrack.Benchmarks.Scenarios;

// Builds the Release server, starts it as its own process, runs the scenarios against it over HTTP and
// prints one JSON object (figures against targets, machine, per-phase server usage) on stdout.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.Error.WriteLine(BenchOptions.Usage);
    return 0;
}

// Ctrl-C, SIGTERM or SIGHUP cancel the run; the finally block below then kills the server by its PID.
using var cancellation = new CancellationTokenSource();
void OnSignal(PosixSignalContext signal)
{
    signal.Cancel = true;
    Log.Info($"{signal.Signal}: stopping");
    cancellation.Cancel();
}

using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var onHangUp = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);
var ct = cancellation.Token;

var repoRoot = ServerProcess.FindRepoRoot();
var temporary = options.ReuseDirectory is null;
var directory = options.ReuseDirectory ?? Path.Combine(Path.GetTempPath(), $"mltrack-bench-{Guid.NewGuid():N}");
Directory.CreateDirectory(directory);
var started = DateTimeOffset.UtcNow;
var machine = Machine.Describe(repoRoot, directory);
ServerProcess? server = null;
var replicas = new List<ServerProcess>();
AppDomain.CurrentDomain.ProcessExit += (_, _) => replicas.ForEach(r => r.Dispose());
try
{
    if (!options.NoBuild)
    {
        await ServerProcess.BuildAsync(repoRoot, ct);
    }

    // Replicas share the store and the artifact folder; the per-phase server figures are those of the first one.
    for (var i = 0; i < options.Replicas; i++)
    {
        replicas.Add(await ServerProcess.StartAsync(ServerProcess.ServerDll(repoRoot), directory, ct, options.BackendStoreUri));
    }

    server = replicas[0];
    using var api = new MlflowClient([.. replicas.Select(r => r.BaseAddress)]);
    var phases = new Phases(server);
    var results = new List<(string Name, ScenarioResult Result)>();
    // First, while the server's peak RSS is still its baseline: the figure is the growth during the transfer.
    if (options.Includes("artifacts"))
    {
        results.Add(("artifacts", await phases.RunAsync("artifacts", () => ArtifactScenario.RunAsync(api, server, options, ct))));
    }

    if (options.Includes("ingest"))
    {
        results.Add(("ingest", await phases.RunAsync("ingest", () => IngestScenario.RunAsync(api, options, ct))));
    }

    if (options.Includes("search") || options.Includes("pagination"))
    {
        var (data, reused) = await phases.RunAsync("search_data", () => SearchDataset.EnsureAsync(api, options, directory, ct));
        if (options.Includes("search"))
        {
            results.Add(("search", await phases.RunAsync("search", () => SearchScenario.RunAsync(api, options, data, ct))));
            results[^1].Result.Details["reused"] = reused;
        }

        if (options.Includes("pagination"))
        {
            results.Add(("pagination", await phases.RunAsync("pagination", () => PaginationScenario.RunAsync(api, options, data, ct))));
        }
    }

    if (options.Includes("history"))
    {
        results.Add(("history", await phases.RunAsync("history", () => HistoryScenario.RunAsync(api, options, directory, ct))));
    }

    var end = server.Snapshot();
    var rss = new Figure(
        "peak_rss_mib", end.PeakRssBytes / 1048576.0, "MiB", "<=", 300,
        "the server's peak resident set (VmHWM of /proc/<pid>/status) at the end of the run",
        new JsonObject { ["rss_at_end_mib"] = Stats.Round(end.RssBytes / 1048576.0) });
    var figures = results.SelectMany(r => r.Result.Figures).Append(rss).ToList();

    var report = new JsonObject
    {
        ["benchmark"] = "MlTrack server",
        ["date_utc"] = started.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture),
        ["mode"] = options.Quick ? "quick (sizes too small to compare with the targets)" : "full",
        ["arguments"] = new JsonArray([.. args.Select(a => JsonValue.Create(System.Text.RegularExpressions.Regex.Replace(a, "(://[^:/@]*:)[^@]*@", "$1***@")))]),
        ["all_pass"] = figures.All(f => f.Pass),
        ["figures"] = new JsonObject(figures.Select(f => KeyValuePair.Create(f.Name, (JsonNode?)f.ToJson()))),
        ["machine"] = machine,
        ["settings"] = JsonSerializer.SerializeToNode(
            options, new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }),
        ["server"] = new JsonObject
        {
            ["pid"] = server.Pid,
            ["address"] = server.BaseAddress.ToString(),
            ["replicas"] = replicas.Count,
            ["backend"] = options.BackendStoreUri is null ? "sqlite" : options.BackendStoreUri.Split(':')[0],
            ["database_mib"] = Stats.Round(DatabaseBytes(directory) / 1048576.0),
            ["load_average_at_end"] = File.ReadAllText("/proc/loadavg").Trim(),
        },
        ["phases"] = phases.ToJson(),
        ["details"] = new JsonObject(results.Select(r => KeyValuePair.Create(r.Name, (JsonNode?)r.Result.Details))),
    };
    Console.Out.WriteLine(report.ToJsonString(new JsonSerializerOptions
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    }));
    Log.Info($"done: {figures.Count(f => f.Pass)}/{figures.Count} figures meet their targets");
    foreach (var f in figures)
    {
        Log.Info($"  {(f.Pass ? "PASS" : "FAIL")} {f.Name} = {f.Value:0.###} {f.Unit} (target {f.Comparison} {f.Target})");
    }

    return 0;
}
catch (Exception e) when (ct.IsCancellationRequested && e is OperationCanceledException or HttpRequestException)
{
    Log.Info("cancelled");
    return 130;
}
catch (Exception e) when (e is InvalidOperationException or IOException or HttpRequestException or TimeoutException or JsonException)
{
    // No JSON on stdout: a failed set-up or a server error leaves no figures worth printing.
    Log.Info($"failed: {e.GetType().Name}: {e.Message}");
    return 1;
}
finally
{
    replicas.ForEach(r => r.Dispose());
    if (temporary && !options.Keep)
    {
        TryDelete(directory);
    }
    else
    {
        Log.Info($"data kept in {directory}");
    }
}

static long DatabaseBytes(string directory) =>
    Directory.EnumerateFiles(directory, "bench.db*").Sum(f => new FileInfo(f).Length);

static void TryDelete(string directory)
{
    try
    {
        Directory.Delete(directory, recursive: true);
    }
    catch (IOException e)
    {
        Log.Info($"could not delete {directory}: {e.Message}");
    }
}
