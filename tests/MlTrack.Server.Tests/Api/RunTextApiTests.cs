using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Api;

/// <summary>Text in runs: unicode keys and values, MLflow's length limits counted in code points, truncation.</summary>
public sealed class RunTextApiTests : ServerTestBase
{
    private const string Api = "/api/2.0/mlflow/runs";

    [Test]
    public async Task UnicodeKeysAreWordCharacters()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        (await Server.PostAsync($"{Api}/log-parameter", new { run_id = runId, key = "größe/ñ 1.x", value = "ok ✓" })).EnsureOk();

        var parameter = (await Server.GetRunAsync(runId)).GetProperty("data").GetProperty("params")[0];
        parameter.GetProperty("key").GetString().Should().Be("größe/ñ 1.x");
        parameter.GetProperty("value").GetString().Should().Be("ok ✓");
    }

    [Test]
    public async Task OverLongParamAndTagValuesAreTruncatedButLongKeysRefused()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();

        (await Server.PostAsync($"{Api}/log-parameter", new { run_id = runId, key = "p", value = new string('x', 6100) })).EnsureOk();
        (await Server.PostAsync($"{Api}/set-tag", new { run_id = runId, key = "t", value = new string('y', 5100) })).EnsureOk();
        var longKey = await Server.PostAsync($"{Api}/log-parameter", new { run_id = runId, key = new string('k', 251), value = "v" });
        var data = (await Server.GetRunAsync(runId)).GetProperty("data");

        data.GetProperty("params")[0].GetProperty("value").GetString().Should().HaveLength(6000);
        RunsApiTests.Tags(await Server.GetRunAsync(runId))["t"].Should().HaveLength(5000);
        longKey.Status.Should().Be(400);
        longKey.Message.Should().Contain("which exceeded length limit of 250");
    }

    [Test]
    public async Task LengthsCountCodePointsNotUtf16Units()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        var emoji = string.Concat(Enumerable.Repeat("😀", 6001));

        (await Server.PostAsync($"{Api}/log-parameter", new { run_id = runId, key = "e", value = emoji })).EnsureOk();

        var value = (await Server.GetRunAsync(runId)).GetProperty("data").GetProperty("params")[0].GetProperty("value").GetString()!;
        value.EnumerateRunes().Count().Should().Be(6000);
    }

    [Test]
    public async Task UnicodeKeysAndValuesComeBackExactlyFromGetAndSearch()
    {
        var runId = await Server.CreateRunInNewExperimentAsync();
        const string key = "größe_日本";
        const string value = "naïve – 値 😀 \"quoted\" <b>";
        (await Server.PostAsync($"{Api}/log-batch", new
        {
            run_id = runId,
            metrics = new[] { new { key, value = 1.5, timestamp = 1L, step = 0L } },
            @params = new[] { new { key, value } },
            tags = new[] { new { key, value } },
        })).EnsureOk();
        var experimentId = (await Server.GetRunAsync(runId)).GetProperty("info").GetProperty("experiment_id").GetString();
        var search = await Server.PostAsync($"{Api}/search", new { experiment_ids = new[] { experimentId }, filter = $"params.`{key}` = '{value}'" });

        foreach (var run in new[] { await Server.GetRunAsync(runId), search.Json.GetProperty("runs").EnumerateArray().Single() })
        {
            var data = run.GetProperty("data");
            data.GetProperty("params")[0].GetProperty("key").GetString().Should().Be(key);
            data.GetProperty("params")[0].GetProperty("value").GetString().Should().Be(value);
            RunsApiTests.Tags(run)[key].Should().Be(value);
            RunLoggingApiTests.LatestMetric(run, key).GetProperty("value").GetDouble().Should().Be(1.5);
        }
    }
}
