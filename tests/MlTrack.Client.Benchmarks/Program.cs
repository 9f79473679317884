using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Client;
using MlTrack.Benchmarks;
using MlTrack.Client.Benchmarks;

// Metric points per second logged by one process through MlTrack.Client's batching logger against a local
// Release MlTrack server (its own process). The clock runs from the first LogMetric call until DisposeAsync has
// flushed every point; the points are then counted back through the API. Prints one JSON object on stdout.
const string Usage = """
    dotnet run -c Release --project tests/MlTrack.Client.Benchmarks --
        [--points N] [--keys K] [--warmup N] [--queue N] [--concurrency N] [--no-build] [--keep]
      --points N   metric points in the timed phase (default 2,000,000)
      --keys K     metric keys the points are spread over, steps increasing (default 4)
      --warmup N   untimed points logged first, to warm up both JITs (default 200,000)
      --queue N    the logger's MaxQueueLength (default 100,000)
      --concurrency N  the logger's MaxConcurrentRequests (default 2)
      --no-build   use the existing Release build of the server
      --keep       keep the server's work directory
    """;

var points = 2_000_000;
var keys = 4;
var warmup = 200_000;
var queue = BatchLoggerOptions.DefaultMaxQueueLength;
var concurrency = BatchLoggerOptions.DefaultMaxConcurrentRequests;
bool build = true, keep = false;
try
{
    for (var i = 0; i < args.Length; i++)
    {
        int Next() => int.Parse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture);
        switch (args[i])
        {
            case "--points": points = Next(); break;
            case "--keys": keys = Next(); break;
            case "--warmup": warmup = Next(); break;
            case "--queue": queue = Next(); break;
            case "--concurrency": concurrency = Next(); break;
            case "--no-build": build = false; break;
            case "--keep": keep = true; break;
            case "--help" or "-h": Console.Error.WriteLine(Usage); return 0;
            default: throw new ArgumentException($"Unknown argument '{args[i]}'.");
        }
    }
}
catch (Exception e) when (e is ArgumentException or FormatException or IndexOutOfRangeException)
{
    Console.Error.WriteLine($"{e.Message}\n{Usage}");
    return 2;
}

using var cancellation = new CancellationTokenSource();
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
{
    signal.Cancel = true;
    cancellation.Cancel();
});
var repoRoot = ServerProcess.FindRepoRoot();
var directory = Path.Combine(Path.GetTempPath(), $"mltrack-client-bench-{Guid.NewGuid():N}");
Directory.CreateDirectory(directory);
ServerProcess? server = null;
AppDomain.CurrentDomain.ProcessExit += (_, _) => server?.Dispose();
try
{
    if (build)
    {
        Console.Error.WriteLine("building server/MlTrack.Server (Release)");
        await ServerProcess.BuildAsync(repoRoot, cancellation.Token);
    }

    server = await ServerProcess.StartAsync(ServerProcess.ServerDll(repoRoot), directory, cancellation.Token);
    Console.Error.WriteLine($"server pid {server.Pid} at {server.BaseAddress}");
    using var client = new MlflowClient(server.BaseAddress);
    var experimentId = await client.Experiments.CreateAsync($"client-bench-{Guid.NewGuid():N}");
    var loggerOptions = new BatchLoggerOptions { MaxQueueLength = queue, MaxConcurrentRequests = concurrency };

    var warm = await client.Runs.CreateAsync(experimentId, new CreateRunOptions { RunName = "warm-up" });
    await LogAsync(client, warm.Info.RunId, warmup, keys, loggerOptions);
    Console.Error.WriteLine($"warm-up: {warmup:N0} points");

    var run = await client.Runs.CreateAsync(experimentId, new CreateRunOptions { RunName = "timed" });
    var serverCpu = server.Snapshot().Cpu;
    var clientCpu = Process.GetCurrentProcess().TotalProcessorTime;
    var machineBusy = MachineLoad.BusySeconds();
    var gcBefore = GC.CollectionCount(0);
    var elapsed = await LogAsync(client, run.Info.RunId, points, keys, loggerOptions);
    var rate = points / elapsed.TotalSeconds;
    var serverCpuUsed = server.Snapshot().Cpu - serverCpu;
    var clientCpuUsed = Process.GetCurrentProcess().TotalProcessorTime - clientCpu;
    var otherCores = (MachineLoad.BusySeconds() - machineBusy - serverCpuUsed.TotalSeconds - clientCpuUsed.TotalSeconds) / elapsed.TotalSeconds;

    // Every point must be stored: count each key's history back through the API.
    long stored = 0;
    for (var k = 0; k < keys; k++)
    {
        stored += await client.Metrics.GetHistoryAllAsync(run.Info.RunId, $"metric_{k}", cancellationToken: cancellation.Token).CountAsync();
    }

    Console.Error.WriteLine(
        $"{points:N0} points in {elapsed.TotalSeconds:F2} s = {rate:N0} points/s (target >= 100,000); stored {stored:N0}; "
        + $"other processes {Math.Max(0, otherCores):F2} cores busy");
    var report = new JsonObject
    {
        ["scenario"] = "client_batching_logger",
        ["points"] = points,
        ["keys"] = keys,
        ["max_queue_length"] = queue,
        ["max_concurrent_requests"] = concurrency,
        ["seconds"] = Math.Round(elapsed.TotalSeconds, 3),
        ["points_per_s"] = Math.Round(rate),
        ["target_points_per_s"] = 100_000,
        ["meets_target"] = rate >= 100_000 && stored == points,
        ["stored_points"] = stored,
        ["client_cpu_s"] = Math.Round(clientCpuUsed.TotalSeconds, 2),
        ["server_cpu_s"] = Math.Round(serverCpuUsed.TotalSeconds, 2),
        ["other_processes_cores_busy"] = Math.Round(Math.Max(0, otherCores), 2),
        ["client_gen0_collections"] = GC.CollectionCount(0) - gcBefore,
        ["machine"] = $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}",
    };
    Console.WriteLine(report.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    return stored == points ? 0 : 1;
}
catch (OperationCanceledException)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
finally
{
    server?.Dispose();
    if (!keep)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean with the temp folder.
        }
    }
    else
    {
        Console.Error.WriteLine($"kept {directory}");
    }
}

// Logs `count` points over `keys` keys (steps increasing) and returns the time until the logger has flushed them all.
static async Task<TimeSpan> LogAsync(MlflowClient client, string runId, int count, int keys, BatchLoggerOptions options)
{
    var names = Enumerable.Range(0, keys).Select(k => $"metric_{k}").ToArray();
    var clock = Stopwatch.StartNew();
    var logger = client.CreateBatchLogger(runId, options);
    await using (logger.ConfigureAwait(false))
    {
        for (var i = 0; i < count; i++)
        {
            logger.LogMetric(names[i % keys], i * 0.001, step: i / keys, timestamp: 1_700_000_000_000 + i);
        }
    }

    return clock.Elapsed;
}
