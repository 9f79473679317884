using System.Text.Json;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Api;

public sealed class RunLoggingApiTests : ServerTestBase
{
    private const string Api = "/api/2.0/mlflow/runs";

    internal static JsonElement LatestMetric(JsonElement run, string key) =>
        run.GetProperty("data").GetProperty("metrics").EnumerateArray().Single(m => m.GetProperty("key").GetString() == key);

    [Test]
    public async Task NanIsStoredAndReturnedAsTheStringNaNAndInfinityAsTheLargestDouble()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        (await Server.PostAsync($"{Api}/log-metric", new { run_id = runId, key = "nan", value = "NaN", timestamp = 1 })).EnsureOk();
        (await Server.PostAsync($"{Api}/log-metric", new { run_id = runId, key = "inf", value = "Infinity", timestamp = 1 })).EnsureOk();
        (await Server.PostAsync($"{Api}/log-metric", new { run_id = runId, key = "ninf", value = "-Infinity", timestamp = 1 })).EnsureOk();
        var run = await Server.GetRunAsync(runId);

        LatestMetric(run, "nan").GetProperty("value").GetString().Should().Be("NaN");
        LatestMetric(run, "inf").GetProperty("value").GetDouble().Should().Be(double.MaxValue);
        LatestMetric(run, "ninf").GetProperty("value").GetDouble().Should().Be(double.MinValue);
    }

    [Test]
    public async Task LatestMetricIsTheOneWithTheHighestStepThenTimestampThenValue()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        var points = new[]
        {
            new { key = "loss", value = 5.0, timestamp = 100L, step = 1L },
            new { key = "loss", value = 3.0, timestamp = 10L, step = 2L },   // higher step wins over later timestamp
            new { key = "loss", value = 1.0, timestamp = 5L, step = 2L },
            new { key = "loss", value = 4.0, timestamp = 10L, step = 2L },   // same step and timestamp: higher value wins
        };

        foreach (var point in points)
        {
            (await Server.PostAsync($"{Api}/log-metric", new { run_id = runId, point.key, point.value, point.timestamp, point.step })).EnsureOk();
        }

        var latest = LatestMetric(await Server.GetRunAsync(runId), "loss");
        latest.GetProperty("value").GetDouble().Should().Be(4.0);
        latest.GetProperty("step").GetInt64().Should().Be(2);
        latest.GetProperty("timestamp").GetInt64().Should().Be(10);
    }

    [Test]
    public async Task ExactDuplicateMetricPointsAreDropped()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        for (var i = 0; i < 3; i++)
        {
            (await Server.PostAsync($"{Api}/log-metric", new { run_id = runId, key = "m", value = 1.5, timestamp = 7, step = 0 })).EnsureOk();
        }

        var history = await Server.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key=m");
        history.Json.GetProperty("metrics").GetArrayLength().Should().Be(1);
    }

    [Test]
    public async Task AFullBatchOfInterleavedKeysKeepsEveryDistinctPointOnceInEachKeysHistory()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        // 1,000 items over three keys, every fifth a repeat of the item before it, so the duplicates fall inside and
        // across the writer's multi-row inserts; NaN and infinities mixed in.
        var items = new List<(string Key, double Value, long Timestamp, long Step)>();
        for (var i = 0; items.Count < 1000; i++)
        {
            var key = new[] { "a", "b", "c" }[i % 3];
            var value = i % 97 == 0 ? double.NaN : i % 89 == 0 ? double.PositiveInfinity : i * 0.25;
            items.Add((key, value, 1000 - i, i / 3));
            if (i % 5 == 4 && items.Count < 1000)
            {
                items.Add(items[^1]);
            }
        }

        (await Server.PostAsync($"{Api}/log-batch", new
        {
            run_id = runId,
            metrics = items.Select(m => new
            {
                key = m.Key,
                value = double.IsNaN(m.Value) ? (object)"NaN" : double.IsInfinity(m.Value) ? "Infinity" : m.Value,
                timestamp = m.Timestamp,
                step = m.Step,
            }),
        })).EnsureOk();

        foreach (var key in new[] { "a", "b", "c" })
        {
            var expected = items.Where(m => m.Key == key).Distinct()
                .Select(m => (m.Timestamp, m.Step, Value: double.IsNaN(m.Value) ? "NaN" : double.IsInfinity(m.Value) ? double.MaxValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture) : m.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))
                .OrderBy(m => m.Timestamp).ThenBy(m => m.Step).ToList();
            var history = (await Server.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key={key}")).Json
                .GetProperty("metrics").EnumerateArray()
                .Select(m => (m.GetProperty("timestamp").GetInt64(), m.GetProperty("step").GetInt64(), m.GetProperty("value").ToString()))
                .ToList();
            history.Should().Equal(expected, $"the history of {key}");
        }
    }

    [Test]
    public async Task ABatchResentWithMorePointsStoresEachPointOnceAndARefusedOneStoresNothing()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        object Points(int fromStep, int toStep) => Enumerable.Range(fromStep, toStep - fromStep).SelectMany(step => new[] { "a", "b" }
            .Select(key => new { key, value = step * 0.5, timestamp = 1000L + step, step = (long)step }));
        async Task<List<long>> StepsAsync(string key) => [.. (await Server.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key={key}"))
            .Json.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64())];

        // Big batches (as a client's logger sends them), the second and third repeating stored points: a retry after a timeout.
        (await Server.PostAsync($"{Api}/log-batch", new { run_id = runId, metrics = Points(0, 50), @params = new[] { new { key = "p1", value = "1" } } })).EnsureOk();
        var retried = new
        {
            run_id = runId,
            metrics = Points(0, 100),
            @params = new[] { new { key = "p1", value = "1" }, new { key = "p2", value = "2" } },
            tags = new[] { new { key = "t", value = "x" } },
        };
        (await Server.PostAsync($"{Api}/log-batch", retried)).EnsureOk();
        (await Server.PostAsync($"{Api}/log-batch", retried)).EnsureOk();
        var refused = await Server.PostAsync($"{Api}/log-batch", new
        {
            run_id = runId,
            metrics = Points(90, 150),
            @params = new[] { new { key = "p2", value = "changed" } },
        });

        refused.Status.Should().Be(400);
        (await StepsAsync("a")).Should().Equal(Enumerable.Range(0, 100).Select(i => (long)i));
        (await StepsAsync("b")).Should().Equal(Enumerable.Range(0, 100).Select(i => (long)i));
        var run = await Server.GetRunAsync(runId);
        LatestMetric(run, "a").GetProperty("step").GetInt64().Should().Be(99);
        run.GetProperty("data").GetProperty("params").EnumerateArray().Select(p => p.GetProperty("value").GetString()).Should().Equal("1", "2");
        RunsApiTests.Tags(run)["t"].Should().Be("x");
    }

    [TestCase(false)]
    [TestCase(true)]
    public async Task OfPointsOfOneBatchEqualInStepTimestampAndValueTheFirstIsTheLatest(bool nanFirst)
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        // NaN is stored as 0 with a flag, so it ties with 0 at the same step and timestamp; 100 points make a big batch.
        var tied = new object[] { "NaN", 0.0 };
        var metrics = Enumerable.Range(0, 98).Select(i => new { key = "m", value = (object)(i * 0.001), timestamp = 1L, step = (long)i })
            .Concat(new[] { tied[nanFirst ? 0 : 1], tied[nanFirst ? 1 : 0] }.Select(value => new { key = "m", value, timestamp = 2L, step = 200L }));

        (await Server.PostAsync($"{Api}/log-batch", new { run_id = runId, metrics })).EnsureOk();

        var latest = LatestMetric(await Server.GetRunAsync(runId), "m").GetProperty("value");
        (latest.ValueKind == JsonValueKind.String && latest.GetString() == "NaN").Should().Be(nanFirst);
    }

    [Test]
    public async Task NegativeZeroAndZeroAtOneTimestampAndStepAreOnePointInABigBatch()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        var metrics = Enumerable.Range(0, 200).Select(i => new { key = "z", value = i == 0 ? -0.0 : 0.0, timestamp = 5L, step = (long)(i % 100) });

        (await Server.PostAsync($"{Api}/log-batch", new { run_id = runId, metrics })).EnsureOk();

        var history = await Server.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={runId}&metric_key=z");
        history.Json.GetProperty("metrics").GetArrayLength().Should().Be(100);
    }

    [Test]
    public async Task NumericStringsAndUnknownFieldsAreAccepted()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        var response = await Server.PostAsync($"{Api}/log-metric",
            $$$"""{"run_id": "{{{runId}}}", "key": "m", "value": "2.5", "timestamp": "2", "step": "3", "unknown_field": {"x": 1}}""");

        response.Status.Should().Be(200);
        var metric = LatestMetric(await Server.GetRunAsync(runId), "m");
        metric.GetProperty("value").GetDouble().Should().Be(2.5);
        metric.GetProperty("timestamp").GetInt64().Should().Be(2);
        metric.GetProperty("step").GetInt64().Should().Be(3);
    }

    [TestCase("""{"key": "m", "timestamp": 1}""", "Missing value for required parameter 'value'.")]
    [TestCase("""{"key": "m", "value": 1}""", "Missing value for required parameter 'timestamp'.")]
    [TestCase("""{"value": 1, "timestamp": 1}""", "Missing value for required parameter 'key'.")]
    [TestCase("""{"key": "m", "value": true, "timestamp": 1}""", "Invalid value True for parameter 'value' supplied. Hint: Value was of type 'bool'.")]
    [TestCase("""{"key": "m", "value": "abc", "timestamp": 1}""", "Invalid value abc for parameter 'value' supplied. Hint: Value was of type 'str'.")]
    [TestCase("""{"key": "m", "value": 1, "timestamp": -5}""", "Got invalid timestamp -5 for metric 'm' (value=1.0).")]
    [TestCase("""{"key": "../m", "value": 1, "timestamp": 1}""", "Invalid metric name: '../m'. Names may be treated as files")]
    [TestCase("""{"key": "a*b", "value": 1, "timestamp": 1}""", "Invalid metric name: 'a*b'. Names may only contain")]
    public async Task LogMetricRefusesBadInputWithMlflowsMessage(string fields, string message)
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        var response = await Server.PostAsync($"{Api}/log-metric", $$"""{"run_id": "{{runId}}", {{fields[1..]}}""");

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        response.Message.Should().StartWith(message);
    }

    [Test]
    public async Task ParamsAreImmutableButTheSameValueAgainIsANoOp()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        (await Server.PostAsync($"{Api}/log-parameter", new { run_id = runId, key = "alpha", value = "0.5" })).EnsureOk();
        var same = await Server.PostAsync($"{Api}/log-parameter", new { run_id = runId, key = "alpha", value = "0.5" });
        var changed = await Server.PostAsync($"{Api}/log-parameter", new { run_id = runId, key = "alpha", value = "0.50" });

        same.Status.Should().Be(200);
        changed.Status.Should().Be(400);
        changed.Message.Should().Contain("Changing param values is not allowed").And.Contain("'old_value': '0.5', 'new_value': '0.50'");
    }

    [Test]
    public async Task LogBatchStoresParamsMetricsAndTagsTogether()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        var response = await Server.PostAsync($"{Api}/log-batch", new
        {
            run_id = runId,
            metrics = Enumerable.Range(0, 10).Select(i => new { key = "acc", value = i / 10.0, timestamp = 1000 + i, step = i }),
            @params = new[] { new { key = "alpha", value = "0.5" }, new { key = "l1_ratio", value = "0.1" } },
            tags = new[] { new { key = "stage", value = "a" }, new { key = "stage", value = "b" } },
        });

        response.Status.Should().Be(200);
        response.Body.Should().Be("{}");
        var run = await Server.GetRunAsync(runId);
        LatestMetric(run, "acc").GetProperty("value").GetDouble().Should().Be(0.9);
        run.GetProperty("data").GetProperty("params").GetArrayLength().Should().Be(2);
        RunsApiTests.Tags(run)["stage"].Should().Be("b", "the last tag of a key in one request wins");
    }

    [Test]
    public async Task LogBatchIsAtomicWhenAParamWouldChange()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        (await Server.PostAsync($"{Api}/log-parameter", new { run_id = runId, key = "alpha", value = "0.5" })).EnsureOk();

        var response = await Server.PostAsync($"{Api}/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key = "m", value = 1.0, timestamp = 1L, step = 0L } },
            @params = new[] { new { key = "new", value = "x" }, new { key = "alpha", value = "0.9" } },
            tags = new[] { new { key = "t", value = "x" } },
        });

        response.Status.Should().Be(400);
        var data = (await Server.GetRunAsync(runId)).GetProperty("data");
        data.TryGetProperty("metrics", out _).Should().BeFalse("nothing of a refused batch is stored");
        data.GetProperty("params").GetArrayLength().Should().Be(1);
        RunsApiTests.Tags(await Server.GetRunAsync(runId)).Should().NotContainKey("t");
    }

    [TestCase(1001, 0, 0, "at most 1000 metrics")]
    [TestCase(0, 101, 0, "at most 100 params")]
    [TestCase(0, 0, 101, "at most 100 tags")]
    [TestCase(900, 100, 1, "at most 1000 metrics, params, and tags")]
    public async Task LogBatchLimits(int metrics, int parameters, int tags, string message)
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        var response = await Server.PostAsync($"{Api}/log-batch", new
        {
            run_id = runId,
            metrics = Enumerable.Range(0, metrics).Select(i => new { key = "m", value = 1.0, timestamp = (long)i, step = 0L }),
            @params = Enumerable.Range(0, parameters).Select(i => new { key = $"p{i}", value = "v" }),
            tags = Enumerable.Range(0, tags).Select(i => new { key = $"t{i}", value = "v" }),
        });

        response.Status.Should().Be(400);
        response.Message.Should().Contain(message);
    }

    [Test]
    public async Task LogBatchRefusesDuplicateParamKeysAndItemsWithoutKeys()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        var duplicate = await Server.PostAsync($"{Api}/log-batch", new { run_id = runId, @params = new[] { new { key = "a", value = "1" }, new { key = "a", value = "1" } } });
        var noKey = await Server.PostAsync($"{Api}/log-batch", $$"""{"run_id": "{{runId}}", "tags": [{"value": "x"}]}""");
        var noTimestamp = await Server.PostAsync($"{Api}/log-batch", $$"""{"run_id": "{{runId}}", "metrics": [{"key": "m", "value": 1}]}""");

        duplicate.Message.Should().StartWith("Duplicate parameter keys have been submitted: ['a']");
        noKey.Status.Should().Be(400);
        noTimestamp.Status.Should().Be(400);
    }

    [Test]
    public async Task LogModelAppendsToTheModelHistoryTag()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        string Model(string path) => JsonSerializer.Serialize(new { artifact_path = path, flavors = new { python_function = new { } }, utc_time_created = "2024-01-01 00:00:00.000000", run_id = runId });

        (await Server.PostAsync($"{Api}/log-model", new { run_id = runId, model_json = Model("model") })).EnsureOk();
        (await Server.PostAsync($"{Api}/log-model", new { run_id = runId, model_json = Model("model2") })).EnsureOk();
        var missing = await Server.PostAsync($"{Api}/log-model", new { run_id = runId, model_json = """{"artifact_path": "x"}""" });

        var history = JsonDocument.Parse(RunsApiTests.Tags(await Server.GetRunAsync(runId))["mlflow.log-model.history"]).RootElement;
        history.EnumerateArray().Select(m => m.GetProperty("artifact_path").GetString()).Should().Equal("model", "model2");
        missing.Status.Should().Be(400);
        missing.Message.Should().Contain("'flavors', 'utc_time_created', 'run_id'");
    }

    [Test]
    public async Task LogInputsLinksDatasetsShownInTheRunsInputs()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        var dataset = new { name = "wine", digest = "abc123", source_type = "local", source = """{"uri": "/data/wine.csv"}""", schema = "{}" };

        var response = await Server.PostAsync($"{Api}/log-inputs", new
        {
            run_id = runId,
            datasets = new[] { new { tags = new[] { new { key = "mlflow.data.context", value = "training" } }, dataset } },
        });

        response.Status.Should().Be(200);
        var input = (await Server.GetRunAsync(runId)).GetProperty("inputs").GetProperty("dataset_inputs")[0];
        input.GetProperty("dataset").GetProperty("name").GetString().Should().Be("wine");
        input.GetProperty("dataset").GetProperty("digest").GetString().Should().Be("abc123");
        input.GetProperty("dataset").TryGetProperty("profile", out _).Should().BeFalse();
        input.GetProperty("tags")[0].GetProperty("value").GetString().Should().Be("training");
    }

    [Test]
    public async Task LogInputsWithoutDatasetsOrWithAnIncompleteDatasetIsRefused()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        var missing = await Server.PostAsync($"{Api}/log-inputs", new { run_id = runId });
        var incomplete = await Server.PostAsync($"{Api}/log-inputs", new { run_id = runId, datasets = new[] { new { dataset = new { name = "x" } } } });

        missing.Status.Should().Be(400);
        incomplete.Status.Should().Be(400);
        incomplete.Message.Should().Be("Dataset digest must be specified.");
    }
}
