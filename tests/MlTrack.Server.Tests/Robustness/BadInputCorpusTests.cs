using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MlTrack.Server.Errors;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>
/// A generated corpus of bad requests against a real server: every one must get a 4xx with MLflow's error JSON
/// (never a 5xx, an HTML page or a dropped connection), and afterwards the server must still answer and hold
/// exactly the data it had.
/// </summary>
public sealed class BadInputCorpusTests : ServerTestBase
{
    private const int Seed = 20_240_611;
    private const int Parallelism = 8;
    private const string Api = "/api/2.0/mlflow";

    private const string SeedMetricKey = "seed.loss";
    private const string SeedParamKey = "seed.alpha";
    private const string SeedParamValue = "0.5";
    private const string SeedTagKey = "seed.tag";
    private const string SeedExperimentTagKey = "seed.exp.tag";
    private const string MainExperimentName = "corpus-main";
    private const string MainRunName = "corpus-main-run";
    private const string DeletedRunName = "corpus-deleted-run";

    [Test]
    public async Task EveryRequestOfTheGeneratedBadInputCorpusGetsA4xxJsonErrorAndNoDataIsLost()
    {
        var ids = await SeedAsync();
        var mappedRoutes = MappedRoutes();
        var corpus = BadRequestCorpus.Generate(ids, Seed, mappedRoutes);

        var problems = new ConcurrentDictionary<int, string>();
        var durations = new ConcurrentDictionary<int, TimeSpan>();
        var stopwatch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (request, cancellation) =>
        {
            var started = Stopwatch.GetTimestamp();
            if (await CheckAsync(request, cancellation) is { } problem)
            {
                problems[request.Index] = problem;
            }

            durations[request.Index] = Stopwatch.GetElapsedTime(started);
        });
        var elapsed = stopwatch.Elapsed;
        var integrity = await CheckIntegrityAsync(ids);

        var summary = Summarize(corpus, problems, durations, elapsed) + Coverage(corpus, mappedRoutes);
        await TestContext.Out.WriteLineAsync(summary);
        corpus.Count(c => c.Expect == Expectation.ClientError).Should().BeGreaterThanOrEqualTo(1000);
        if (!problems.IsEmpty || integrity.Count > 0)
        {
            var report = new StringBuilder(summary).AppendLine();
            report.AppendLine(CultureInfo.InvariantCulture, $"{problems.Count} of {corpus.Count} requests were answered wrongly:");
            foreach (var (_, problem) in problems.OrderBy(p => p.Key))
            {
                report.AppendLine(problem);
            }

            report.AppendLine(CultureInfo.InvariantCulture, $"{integrity.Count} integrity problems after the corpus:");
            integrity.ForEach(p => report.AppendLine("  " + p));
            Assert.Fail(report.ToString());
        }
    }

    // ---------------------------------------------------------------- sending and judging

    private async Task<string?> CheckAsync(CorpusCase corpusCase, CancellationToken cancellation)
    {
        int status;
        string? mediaType;
        string body;
        try
        {
            using var request = new HttpRequestMessage(corpusCase.Method, corpusCase.Path);
            if (corpusCase.Body is not null)
            {
                request.Content = new ByteArrayContent(corpusCase.Body);
                if (corpusCase.ContentType is not null)
                {
                    request.Content.Headers.TryAddWithoutValidation("Content-Type", corpusCase.ContentType);
                }

                if (corpusCase.Chunked)
                {
                    request.Headers.TransferEncodingChunked = true;
                }
            }

            using var response = await Server.Client.SendAsync(request, cancellation);
            status = (int)response.StatusCode;
            mediaType = response.Content.Headers.ContentType?.MediaType;
            body = await response.Content.ReadAsStringAsync(cancellation);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException)
        {
            return $"{corpusCase.Describe()}\n    -> no answer: {e.GetType().Name}: {e.Message} {e.InnerException?.Message}";
        }

        return Judge(corpusCase.Expect, status, mediaType, body) is { } problem
            ? $"{corpusCase.Describe()}\n    -> {status} {mediaType ?? "<no content type>"} {Shorten(body, 500)}\n    ({problem})"
            : null;
    }

    private static string? Judge(Expectation expect, int status, string? mediaType, string body)
    {
        if (status >= 500)
        {
            return "server error";
        }

        if (expect == Expectation.HttpLevelError)
        {
            return status is >= 400 and < 500 ? null : "not refused";
        }

        if (mediaType != "application/json")
        {
            return "not application/json";
        }

        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            return "body is not JSON";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return "body is not a JSON object";
        }

        if (status == 200)
        {
            return expect == Expectation.ClientError ? "a bad request was accepted" : null;
        }

        if (status is < 400 or >= 500)
        {
            return "neither 200 nor 4xx";
        }

        if (expect == Expectation.Success)
        {
            return "a valid request was refused";
        }

        if (!root.TryGetProperty("error_code", out var code) || code.ValueKind != JsonValueKind.String
            || !root.TryGetProperty("message", out var message) || message.ValueKind != JsonValueKind.String)
        {
            return "error body lacks a string error_code or message";
        }

        if (!Enum.TryParse<ErrorCode>(code.GetString(), out var parsed) || !Enum.IsDefined(parsed))
        {
            return "unknown error_code";
        }

        // The status follows the code (mlflow/exceptions.py); BAD_REQUEST also stands for HTTP-level 4xx (405, 413).
        return ErrorCodeHttpStatus.Of(parsed) == status || parsed == ErrorCode.BAD_REQUEST ? null : "status does not match error_code";
    }

    private static string Summarize(
        IReadOnlyList<CorpusCase> corpus, ConcurrentDictionary<int, string> problems, ConcurrentDictionary<int, TimeSpan> durations, TimeSpan elapsed)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Corpus of {corpus.Count} requests (seed {Seed}): {corpus.Count(c => c.Expect == Expectation.ClientError)} bad by construction, "
            + $"{corpus.Count(c => c.Expect == Expectation.Success)} valid oddities, {corpus.Count(c => c.Expect == Expectation.ClientErrorOrSuccess)} "
            + $"either-way; sent {Parallelism} at a time in {elapsed.TotalSeconds:F1} s; {problems.Count} answered wrongly.");
        foreach (var group in corpus.GroupBy(c => c.Category).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var wrong = group.Count(c => problems.ContainsKey(c.Index));
            var slowest = group.Max(c => durations.GetValueOrDefault(c.Index));
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  {group.Key,-22} {group.Count(),5}  slowest {slowest.TotalMilliseconds,6:F0} ms{(wrong > 0 ? $"  ({wrong} wrong)" : "")}");
        }

        text.AppendLine("Slowest requests:");
        foreach (var (index, duration) in durations.OrderByDescending(d => d.Value).Take(5))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {duration.TotalMilliseconds,6:F0} ms  {Shorten(corpus[index].Describe(), 200)}");
        }

        return text.ToString();
    }

    /// <summary>The mapped routes that only the method checks reach (informational: routes added since the corpus was written).</summary>
    private static string Coverage(IReadOnlyList<CorpusCase> corpus, IReadOnlyList<(string Pattern, string[] Methods)> mappedRoutes)
    {
        var reached = corpus.Where(c => c.Category != "mapped-route-method").Select(c => c.Path.Split('?')[0]).ToHashSet(StringComparer.Ordinal);
        var methodsOnly = mappedRoutes.Select(r => r.Pattern).Distinct(StringComparer.Ordinal)
            .Where(p => !reached.Contains(BadRequestCorpus.ConcretePath(p)))
            .Select(p => BadRequestCorpus.Prefixes.FirstOrDefault(x => p.StartsWith(x + "/", StringComparison.Ordinal)) is { } prefix ? p[prefix.Length..] : p)
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return $"Mapped routes: {mappedRoutes.Select(r => r.Pattern).Distinct(StringComparer.Ordinal).Count()}; reached by the method checks only "
            + $"(either prefix): {(methodsOnly.Count == 0 ? "none" : string.Join(", ", methodsOnly))}" + Environment.NewLine;
    }

    private List<(string Pattern, string[] Methods)> MappedRoutes() =>
        [
            .. Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
                .Select(e => (Pattern: "/" + e.RoutePattern.RawText!.TrimStart('/'), Methods: e.Metadata.GetMetadata<IHttpMethodMetadata>()))
                .Where(e => e.Methods is not null)
                .Select(e => (e.Pattern, e.Methods!.HttpMethods.ToArray())),
        ];

    private static string Shorten(string text, int length) => text.Length <= length ? text : text[..length] + "...";

    // ---------------------------------------------------------------- the data the corpus aims at

    private async Task<CorpusIds> SeedAsync()
    {
        var main = await CreateExperimentAsync(MainExperimentName, (SeedExperimentTagKey, "keep"));
        var mainRun = await CreateRunAsync(main, MainRunName);
        await OkAsync($"{Api}/runs/log-batch", new
        {
            run_id = mainRun,
            metrics = SeedLoss().Concat(SeedAccuracy()).Select(p => new { key = p.Key, value = p.Value, timestamp = p.Timestamp, step = p.Step }),
            @params = new[] { new { key = SeedParamKey, value = SeedParamValue }, new { key = "seed.unicode", value = "שלום🚀" } },
            tags = new[] { new { key = SeedTagKey, value = "keep" } },
        });
        await OkAsync($"{Api}/runs/log-inputs", new
        {
            run_id = mainRun,
            datasets = new[] { new { dataset = new { name = "seed-ds", digest = "s1", source_type = "local", source = "{}" } } },
        });

        var deletedRun = await CreateRunAsync(main, DeletedRunName);
        await OkAsync($"{Api}/runs/log-batch", new
        {
            run_id = deletedRun,
            metrics = new[] { new { key = SeedMetricKey, value = 9.0, timestamp = 9L, step = 9L } },
            @params = new[] { new { key = SeedParamKey, value = "0.9" } },
            tags = new[] { new { key = SeedTagKey, value = "gone" } },
        });
        await OkAsync($"{Api}/runs/delete", new { run_id = deletedRun });

        var deletedExperiment = await CreateExperimentAsync("corpus-deleted");
        await OkAsync($"{Api}/experiments/delete", new { experiment_id = deletedExperiment });
        var restoreExperiment = await CreateExperimentAsync("corpus-restore");
        await OkAsync($"{Api}/experiments/delete", new { experiment_id = restoreExperiment });
        var victimExperiment = await CreateExperimentAsync("corpus-victim");

        var scratch = await CreateExperimentAsync("corpus-scratch");
        var scratchRun = await CreateRunAsync(scratch, "corpus-scratch-run");
        var victimRun = await CreateRunAsync(scratch, "corpus-victim-run");
        var restoreRun = await CreateRunAsync(scratch, "corpus-restore-run");
        await OkAsync($"{Api}/runs/delete", new { run_id = restoreRun });
        var poisonedRun = await CreateRunAsync(scratch, "corpus-poisoned-run");
        await OkAsync($"{Api}/runs/set-tag", new { run_id = poisonedRun, key = "mlflow.log-model.history", value = "[not json" });

        var unicode = await CreateExperimentAsync("corpus-unicode");
        var unicodeRun = await CreateRunAsync(unicode, "corpus-unicode-run");

        return new CorpusIds(
            main, MainExperimentName, mainRun, deletedRun, deletedExperiment, "corpus-deleted", scratch, scratchRun, victimExperiment, victimRun,
            restoreExperiment, restoreRun, unicode, unicodeRun, poisonedRun, SeedMetricKey, SeedParamKey, SeedParamValue, SeedTagKey,
            SeedExperimentTagKey);
    }

    private static IEnumerable<(string Key, double Value, long Timestamp, long Step)> SeedLoss() =>
        Enumerable.Range(0, 10).Select(i => (SeedMetricKey, i * 0.25, 1000L + i, (long)i));

    private static IEnumerable<(string Key, double Value, long Timestamp, long Step)> SeedAccuracy() =>
        Enumerable.Range(0, 5).Select(i => ("seed.acc", 0.5 + (i / 8.0), 2000L + i, (long)i));

    private async Task<string> CreateExperimentAsync(string name, params (string Key, string Value)[] tags)
    {
        var response = await Server.PostAsync($"{Api}/experiments/create", new { name, tags = tags.Select(t => new { key = t.Key, value = t.Value }) });
        response.EnsureOk();
        return response.Json.GetProperty("experiment_id").GetString()!;
    }

    private async Task<string> CreateRunAsync(string experimentId, string name)
    {
        var response = await Server.PostAsync($"{Api}/runs/create", new { experiment_id = experimentId, run_name = name, start_time = 1000 });
        response.EnsureOk();
        return response.Json.GetProperty("run").GetProperty("info").GetProperty("run_id").GetString()!;
    }

    private async Task OkAsync(string path, object body) => (await Server.PostAsync(path, body)).EnsureOk();

    // ---------------------------------------------------------------- afterwards: alive, and nothing lost or added

    private async Task<List<string>> CheckIntegrityAsync(CorpusIds ids)
    {
        var problems = new List<string>();
        void Expect(bool condition, string what)
        {
            if (!condition)
            {
                problems.Add(what);
            }
        }

        var health = await Server.GetAsync("/health");
        Expect(health is { Status: 200, Body: "OK" }, $"/health answered {health.Status} {Shorten(health.Body, 200)}");

        var main = (await Server.GetAsync($"{Api}/runs/get?run_id={ids.MainRun}")).Json.GetProperty("run");
        var info = main.GetProperty("info");
        Expect(info.GetProperty("status").GetString() == "RUNNING", $"main run status is {info.GetProperty("status")}");
        Expect(info.GetProperty("lifecycle_stage").GetString() == "active", $"main run is {info.GetProperty("lifecycle_stage")}");
        Expect(info.GetProperty("run_name").GetString() == MainRunName, $"main run is named {info.GetProperty("run_name")}");
        Expect(!info.TryGetProperty("end_time", out _), "main run got an end_time");
        ExpectPairs(problems, "main run params", main, "params",
            new() { [SeedParamKey] = SeedParamValue, ["seed.unicode"] = "שלום🚀" });
        ExpectPairs(problems, "main run tags", main, "tags", new() { [SeedTagKey] = "keep", ["mlflow.runName"] = MainRunName });
        var latest = Items(main.GetProperty("data"), "metrics")
            .Select(m => $"{m.GetProperty("key").GetString()}={m.GetProperty("value").GetDouble().ToString("R", CultureInfo.InvariantCulture)}"
                + $"@{m.GetProperty("step").GetInt64()}/{m.GetProperty("timestamp").GetInt64()}")
            .Order(StringComparer.Ordinal).ToList();
        Expect(latest.SequenceEqual(["seed.acc=1@4/2004", "seed.loss=2.25@9/1009"]), $"main run latest metrics are [{string.Join(", ", latest)}]");
        var datasets = main.TryGetProperty("inputs", out var inputs) ? Items(inputs, "dataset_inputs") : [];
        Expect(datasets.Count == 1 && datasets[0].GetProperty("dataset").GetProperty("name").GetString() == "seed-ds",
            $"main run inputs are {(main.TryGetProperty("inputs", out var raw) ? raw.GetRawText() : "<none>")}");

        foreach (var (key, points) in new[] { (SeedMetricKey, SeedLoss().ToList()), ("seed.acc", SeedAccuracy().ToList()), ("corpus.metric", []) })
        {
            var history = await Server.GetAsync($"{Api}/metrics/get-history?run_id={ids.MainRun}&metric_key={key}");
            var got = Items(history.Json, "metrics")
                .Select(m => (m.GetProperty("value").GetDouble(), m.GetProperty("timestamp").GetInt64(), m.GetProperty("step").GetInt64())).ToList();
            var expected = points.Select(p => (p.Value, p.Timestamp, p.Step)).ToList();
            Expect(got.Count == expected.Count && got.ToHashSet().SetEquals(expected), $"history of {key} has {got.Count} points, expected {expected.Count}");
        }

        var experiment = (await Server.GetAsync($"{Api}/experiments/get?experiment_id={ids.MainExperiment}")).Json.GetProperty("experiment");
        Expect(experiment.GetProperty("name").GetString() == MainExperimentName, $"main experiment is named {experiment.GetProperty("name")}");
        Expect(experiment.GetProperty("lifecycle_stage").GetString() == "active", "main experiment is not active");
        ExpectPairs(problems, "main experiment tags", experiment, null, new() { [SeedExperimentTagKey] = "keep" });

        var deleted = (await Server.GetAsync($"{Api}/runs/get?run_id={ids.DeletedRun}")).Json.GetProperty("run");
        Expect(deleted.GetProperty("info").GetProperty("lifecycle_stage").GetString() == "deleted", "the deleted run is no longer deleted");
        ExpectPairs(problems, "deleted run params", deleted, "params", new() { [SeedParamKey] = "0.9" });
        ExpectPairs(problems, "deleted run tags", deleted, "tags", new() { [SeedTagKey] = "gone", ["mlflow.runName"] = DeletedRunName });

        var deletedExperiment = await Server.GetAsync($"{Api}/experiments/get?experiment_id={ids.DeletedExperiment}");
        Expect(deletedExperiment.Json.GetProperty("experiment").GetProperty("lifecycle_stage").GetString() == "deleted",
            "the deleted experiment is no longer deleted");

        var search = await Server.PostAsync($"{Api}/runs/search", new { experiment_ids = new[] { ids.MainExperiment }, run_view_type = "ALL" });
        var runIds = Items(search.Json, "runs").Select(r => r.GetProperty("info").GetProperty("run_id").GetString()).Order(StringComparer.Ordinal);
        Expect(runIds.SequenceEqual(new[] { ids.MainRun, ids.DeletedRun }.Order(StringComparer.Ordinal)),
            $"the main experiment holds runs [{string.Join(", ", runIds)}]");

        var byName = await Server.GetAsync($"{Api}/experiments/get-by-name?experiment_name={MainExperimentName}");
        Expect(byName.Status == 200 && byName.Json.GetProperty("experiment").GetProperty("experiment_id").GetString() == ids.MainExperiment,
            $"get-by-name of the main experiment answered {byName.Status}");
        return problems;
    }

    private static void ExpectPairs(List<string> problems, string what, JsonElement entity, string? dataField, Dictionary<string, string> expected)
    {
        var container = dataField is null ? entity : entity.GetProperty("data");
        var actual = Items(container, dataField ?? "tags")
            .ToDictionary(p => p.GetProperty("key").GetString()!, p => p.GetProperty("value").GetString()!, StringComparer.Ordinal);
        if (actual.Count != expected.Count || actual.Any(p => !expected.TryGetValue(p.Key, out var value) || value != p.Value))
        {
            problems.Add($"{what} are {{{string.Join(", ", actual.Select(p => $"{p.Key}={Shorten(p.Value, 40)}"))}}}, "
                + $"expected {{{string.Join(", ", expected.Select(p => $"{p.Key}={p.Value}"))}}}");
        }
    }

    private static List<JsonElement> Items(JsonElement parent, string field) =>
        parent.TryGetProperty(field, out var items) ? [.. items.EnumerateArray()] : [];
}
