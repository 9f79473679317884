using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

// dotnet run -c Release --project tests/MlTrack.Ui.Benchmarks -- [--runs 25000] [--points 1000000] [--repeat 5] [--reuse DIR]
// Times, in headless Chromium against the Release server on 127.0.0.1: the first rows of a 25,000-run experiment,
// a sort by a metric, and the chart of a 1,000,000-point metric. Progress goes to stderr, the figures to stdout.
var runs = IntArg("--runs", 25_000);
var points = IntArg("--points", 1_000_000);
var repeat = IntArg("--repeat", 5);
var reuse = StringArg("--reuse");
var clock = Stopwatch.StartNew();
void Log(string message) => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {message}");

var root = FindRepoRoot();
Log("building the server: dotnet build server/MlTrack.Server -c Release");
Run("dotnet", root, "build", "server/MlTrack.Server", "-c", "Release", "-nologo", "-v", "quiet");
var work = reuse ?? Path.Combine(Path.GetTempPath(), "mltrack-ui-bench-" + Guid.NewGuid().ToString("N")[..8]);
Directory.CreateDirectory(work);
var port = FreePort();
var baseUrl = $"http://127.0.0.1:{port}";
using var server = Process.Start(new ProcessStartInfo("dotnet")
{
    ArgumentList =
    {
        Path.Combine(root, "server/MlTrack.Server/bin/Release/net10.0/MlTrack.Server.dll"), "--host", "127.0.0.1",
        "--port", port.ToString(CultureInfo.InvariantCulture), "--backend-store-uri", "sqlite:///" + Path.Combine(work, "ui-bench.db"),
        "--artifacts-destination", Path.Combine(work, "art"),
    },
    WorkingDirectory = work,
    RedirectStandardOutput = true,
    RedirectStandardError = true,
})!;
server.OutputDataReceived += (_, _) => { };
server.ErrorDataReceived += (_, _) => { };
server.BeginOutputReadLine();
server.BeginErrorReadLine();
try
{
    using var http = new HttpClient { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(5) };
    for (var i = 0; ; i++)
    {
        try
        {
            if ((await http.GetAsync(new Uri("/health", UriKind.Relative))).IsSuccessStatusCode)
            {
                break;
            }
        }
        catch (HttpRequestException) when (i < 100)
        {
        }

        await Task.Delay(200);
    }

    Log($"server pid {server.Id} on {baseUrl}, data in {work}");
    var experimentId = await EnsureExperimentAsync(http, "ui-bench-runs", runs, Log);
    var (longRunId, longExperimentId) = await EnsureLongMetricAsync(http, points, Log);

    Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = "/usr/bin/chromium",
        Headless = true,
        Args = ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
    });

    async Task<IPage> NewPageAsync()
    {
        // A new context each time: no cached scripts, as on a first visit.
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(60_000);
        return await context.NewPageAsync();
    }

    // Warm-up: the server's first search and the browser's first start are not what a user waits for every time.
    var warm = await NewPageAsync();
    await warm.GotoAsync($"/#/experiments/{experimentId}/runs");
    await warm.Locator("table.runs tbody tr").First.WaitForAsync();
    await warm.Context.CloseAsync();

    // Wall times seen from the benchmark (Playwright's round trips included) and the page's own times: rows in the DOM
    // since navigation start, and since the runs/search request left after a sort click.
    var firstRows = new List<double>();
    var sorts = new List<double>();
    var firstRowsInPage = new List<double>();
    var sortsInPage = new List<double>();
    var chartsInPage = new List<double>();
    async Task<double> DataAsync(IPage page, string selector, string attribute) =>
        double.Parse((await page.Locator(selector).First.GetAttributeAsync(attribute))!, CultureInfo.InvariantCulture);
    for (var i = 0; i < repeat; i++)
    {
        var page = await NewPageAsync();
        var watch = Stopwatch.StartNew();
        await page.GotoAsync($"/#/experiments/{experimentId}/runs");
        await page.Locator("table.runs tbody tr").First.WaitForAsync();
        firstRows.Add(watch.Elapsed.TotalMilliseconds);
        firstRowsInPage.Add(await DataAsync(page, "table.runs", "data-shown-at"));
        var rows = await page.Locator("table.runs tbody tr").CountAsync();
        if (rows != 100)
        {
            throw new InvalidOperationException($"expected 100 rows on the first page, saw {rows}");
        }

        foreach (var direction in new[] { "descending", "ascending" })
        {
            watch.Restart();
            await page.Locator("th.sortable button", new() { HasText = "rmse" }).ClickAsync();
            await page.Locator($"th[aria-sort={direction}]", new() { HasText = "rmse" }).WaitForAsync();
            await page.Locator("table.runs tbody tr").First.WaitForAsync();
            sorts.Add(watch.Elapsed.TotalMilliseconds);
            sortsInPage.Add(await DataAsync(page, "table.runs", "data-load-ms"));
        }

        Log($"first rows {firstRows[^1]:0} ms, sort by rmse {sorts[^2]:0} / {sorts[^1]:0} ms");
        await page.Context.CloseAsync();
    }

    var charts = new List<double>();
    for (var i = 0; i < repeat; i++)
    {
        var page = await NewPageAsync();
        var watch = Stopwatch.StartNew();
        await page.GotoAsync($"/#/runs/{longRunId}");
        await page.Locator(".chart[data-metric=loss][data-ready=true]").WaitForAsync();
        charts.Add(watch.Elapsed.TotalMilliseconds);
        chartsInPage.Add(await DataAsync(page, ".chart[data-metric=loss]", "data-drawn-at"));
        var shown = await page.Locator(".chart[data-metric=loss]").GetAttributeAsync("data-points");
        Log($"chart of {points:N0} points ({shown} drawn) {charts[^1]:0} ms");
        await page.Context.CloseAsync();
    }

    // The requests behind the figures alone, with the server process's CPU time for each (a figure that the other
    // work on a shared machine disturbs much less than wall time).
    async Task<(double WallMs, double CpuMs)> TimeRequestAsync(Func<Task<HttpResponseMessage>> send)
    {
        server.Refresh();
        var cpu = server.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        using var response = await send();
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        var wall = watch.Elapsed.TotalMilliseconds;
        server.Refresh();
        return (wall, (server.TotalProcessorTime - cpu).TotalMilliseconds);
    }

    var requests = new (string Name, Func<Task<HttpResponseMessage>> Send)[]
    {
        ("runs/search, first page (start_time DESC)", () => http.PostAsync(new Uri("/ajax-api/2.0/mlflow/runs/search", UriKind.Relative),
            new StringContent($$"""{"experiment_ids":["{{experimentId}}"],"max_results":100,"order_by":["attributes.start_time DESC"]}""", Encoding.UTF8, "application/json"))),
        ("runs/search, first page by metrics.rmse DESC", () => http.PostAsync(new Uri("/ajax-api/2.0/mlflow/runs/search", UriKind.Relative),
            new StringContent($$"""{"experiment_ids":["{{experimentId}}"],"max_results":100,"order_by":["metrics.`rmse` DESC"]}""", Encoding.UTF8, "application/json"))),
        ("get-history-bulk-interval, 1,000,000 points sampled to 1,000", () => http.GetAsync(new Uri(
            $"/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval?run_ids={longRunId}&metric_key=loss&max_results=1000", UriKind.Relative))),
    };
    var requestRows = new List<string>();
    foreach (var (name, send) in requests)
    {
        var samples = new List<(double WallMs, double CpuMs)>();
        for (var i = 0; i < repeat; i++)
        {
            samples.Add(await TimeRequestAsync(send));
        }

        requestRows.Add($"| {name} | {Median(samples.Select(s => s.WallMs).ToList()):0} ms | {Median(samples.Select(s => s.CpuMs).ToList()):0} ms |");
    }

    Console.WriteLine($"| what ({repeat} times, fresh browser context each) | median (in page) | max (in page) | median (benchmark) | max (benchmark) | target |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|");
    void Row(string what, List<double> inPage, List<double> outside) =>
        Console.WriteLine($"| {what} | {Median(inPage):0} ms | {inPage.Max():0} ms | {Median(outside):0} ms | {outside.Max():0} ms | ≤ 1000 ms |");
    Row($"{runs:N0} runs: navigation to the first rows visible", firstRowsInPage, firstRows);
    Row($"{runs:N0} runs: sort by rmse to sorted rows visible ({sorts.Count} sorts)", sortsInPage, sorts);
    Row($"{points:N0}-point metric: navigation to the run page's chart drawn", chartsInPage, charts);
    Console.WriteLine();
    Console.WriteLine($"| request alone ({repeat} times, warm) | median wall | median server CPU |");
    Console.WriteLine("|---|---:|---:|");
    foreach (var row in requestRows)
    {
        Console.WriteLine(row);
    }

    Console.WriteLine();
    Console.WriteLine($"experiment {experimentId} ({runs:N0} runs), long run {longRunId} in experiment {longExperimentId}; " +
        $"load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores");
}
finally
{
    server.Kill(entireProcessTree: true);
    await server.WaitForExitAsync();
    if (reuse is null)
    {
        Directory.Delete(work, recursive: true);
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static async Task<JsonElement> PostAsync(HttpClient http, string path, object body)
{
    using var content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");
    using var response = await http.PostAsync(new Uri("/api/2.0/mlflow/" + path, UriKind.Relative), content);
    var text = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode)
    {
        throw new InvalidOperationException($"{path}: {(int)response.StatusCode} {text}");
    }

    return JsonDocument.Parse(text).RootElement.Clone();
}

static async Task<string?> FindExperimentAsync(HttpClient http, string name)
{
    using var response = await http.GetAsync(new Uri($"/api/2.0/mlflow/experiments/get-by-name?experiment_name={name}", UriKind.Relative));
    if (response.StatusCode == HttpStatusCode.NotFound)
    {
        return null;
    }

    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    return json.RootElement.GetProperty("experiment").GetProperty("experiment_id").GetString();
}

// 25,000 runs like a retraining history: params alpha/l1_ratio/data_file, metrics rmse/mae/r2, 8 writers at once.
static async Task<string> EnsureExperimentAsync(HttpClient http, string name, int runs, Action<string> log)
{
    if (await FindExperimentAsync(http, name) is { } existing)
    {
        log($"reusing experiment {existing} ({name})");
        return existing;
    }

    var id = (await PostAsync(http, "experiments/create", new { name })).GetProperty("experiment_id").GetString()!;
    log($"logging {runs:N0} runs into experiment {id}");
    var next = -1;
    var start = 1_767_225_600_000L;
    await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
    {
        for (var i = Interlocked.Increment(ref next); i < runs; i = Interlocked.Increment(ref next))
        {
            var t = start + (i * 60_000L);
            var run = await PostAsync(http, "runs/create", new { experiment_id = id, start_time = t, run_name = $"retrain-{i:00000}", user_id = "bench" });
            var runId = run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString();
            var rmse = 0.5 + ((i * 7919) % 10007) / 10007.0;
            await PostAsync(http, "runs/log-batch", new
            {
                run_id = runId,
                @params = new[]
                {
                    new { key = "alpha", value = (0.05 * (1 + (i % 20))).ToString("0.00", CultureInfo.InvariantCulture) },
                    new { key = "l1_ratio", value = (0.1 * (i % 10)).ToString("0.0", CultureInfo.InvariantCulture) },
                    new { key = "data_file", value = $"day-{i / 24:0000}.csv" },
                },
                metrics = new[]
                {
                    new { key = "rmse", value = rmse, timestamp = t, step = 0 },
                    new { key = "mae", value = rmse * 0.8, timestamp = t, step = 0 },
                    new { key = "r2", value = 1 - (rmse / 2), timestamp = t, step = 0 },
                },
            });
            await PostAsync(http, "runs/update", new { run_id = runId, status = "FINISHED", end_time = t + 45_000 });
            if ((i + 1) % 5000 == 0)
            {
                log($"  {i + 1:N0} runs");
            }
        }
    }));
    return id;
}

static async Task<(string RunId, string ExperimentId)> EnsureLongMetricAsync(HttpClient http, int points, Action<string> log)
{
    const string name = "ui-bench-long-metric";
    var experimentId = await FindExperimentAsync(http, name);
    if (experimentId is not null)
    {
        var found = await PostAsync(http, "runs/search", new { experiment_ids = new[] { experimentId }, max_results = 1 });
        log("reusing the long-metric run");
        return (found.GetProperty("runs")[0].GetProperty("info").GetProperty("run_id").GetString()!, experimentId);
    }

    experimentId = (await PostAsync(http, "experiments/create", new { name })).GetProperty("experiment_id").GetString()!;
    var run = await PostAsync(http, "runs/create", new { experiment_id = experimentId, start_time = 1_767_225_600_000L, run_name = "one-million-steps" });
    var runId = run.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    log($"logging a {points:N0}-point metric into run {runId}");
    var next = -1;
    var batches = (points + 999) / 1000;
    await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
    {
        for (var b = Interlocked.Increment(ref next); b < batches; b = Interlocked.Increment(ref next))
        {
            var metrics = Enumerable.Range(b * 1000, Math.Min(1000, points - (b * 1000)))
                .Select(step => new { key = "loss", value = (1.0 / (1 + (step / 1000.0))) + (0.02 * Math.Sin(step / 50.0)), timestamp = 1_767_225_600_000L + step, step })
                .ToArray();
            await PostAsync(http, "runs/log-batch", new { run_id = runId, metrics });
        }
    }));
    await PostAsync(http, "runs/update", new { run_id = runId, status = "FINISHED", end_time = 1_767_225_600_000L + points });
    return (runId, experimentId);
}

int IntArg(string name, int fallback) => StringArg(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

string? StringArg(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}

static string FindRepoRoot()
{
    for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "MlTrack.sln")))
        {
            return dir.FullName;
        }
    }

    throw new InvalidOperationException("Run from inside the MlTrack repository.");
}

static void Run(string file, string directory, params string[] arguments)
{
    // stdout is for the figures: the tool's own output goes to stderr.
    var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true };
    foreach (var argument in arguments)
    {
        info.ArgumentList.Add(argument);
    }

    using var process = Process.Start(info)!;
    Console.Error.Write(process.StandardOutput.ReadToEnd());
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}");
    }
}

static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}
