using System.Text.Json;
using MlTrack.Client.Internal;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

/// <summary>What goes on the wire and how answers are read (MLflow's proto_json_utils conventions).</summary>
public sealed class WireFormatTests : ServerTestBase
{
    [Test]
    public async Task SendsNanAndInfinitiesAsMlflowStrings()
    {
        var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        using var client = new MlflowClient(Server.Options(), http);
        var run = await NewRunAsync();

        await client.Runs.LogBatchAsync(
            run.Info.RunId, [new Metric("a", double.NaN, 1), new Metric("b", double.PositiveInfinity, 1), new Metric("c", double.NegativeInfinity, 1)]);

        var body = recorder.To("/runs/log-batch").Single().Body;
        body.Should().Contain("\"value\":\"NaN\"").And.Contain("\"value\":\"Infinity\"").And.Contain("\"value\":\"-Infinity\"");
    }

    [Test]
    public async Task SendsSnakeCaseAndLeavesUnsetFieldsOut()
    {
        var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        using var client = new MlflowClient(Server.Options(), http);
        var experimentId = await NewExperimentAsync();

        await client.Runs.CreateAsync(experimentId, new CreateRunOptions { StartTime = 5 });
        await client.Runs.SearchAsync([experimentId], new SearchRunsOptions { RunViewType = ViewType.All });

        recorder.To("/runs/create").Single().Body.Should().Be($$"""{"experiment_id":"{{experimentId}}","start_time":5}""");
        recorder.To("/runs/search").Single().Body.Should().Be($$"""{"experiment_ids":["{{experimentId}}"],"run_view_type":"ALL"}""");
    }

    [Test]
    public void ReadsInt64FromNumbersAndStringsAndDoublesFromMlflowStrings()
    {
        const string Json = """
            {"metrics": [
              {"key": "a", "value": "NaN", "timestamp": "1700000000000", "step": "3"},
              {"key": "b", "value": "Infinity", "timestamp": 1, "step": 0},
              {"key": "c", "value": "-Infinity", "timestamp": 2},
              {"key": "d", "value": "2.5", "timestamp": 3, "step": 9007199254740993}
            ], "next_page_token": "x"}
            """;

        var page = JsonSerializer.Deserialize(Json, ClientJson.Default.MetricHistoryResponse)!;

        page.Metrics.Should().Equal(
            new Metric("a", double.NaN, 1_700_000_000_000, 3),
            new Metric("b", double.PositiveInfinity, 1, 0),
            new Metric("c", double.NegativeInfinity, 2, 0),
            new Metric("d", 2.5, 3, 9_007_199_254_740_993));
    }

    [Test]
    public void ReadsEnumsByNameOrNumberAndKeepsDefaultsForAbsentFields()
    {
        const string Json = """{"run": {"info": {"run_id": "r", "status": 3}}}""";

        var run = JsonSerializer.Deserialize(Json, ClientJson.Default.RunResponse)!.Run;

        run.Info.Status.Should().Be(RunStatus.Finished);
        run.Info.LifecycleStage.Should().Be(LifecycleStage.Active);
        run.Data.Metrics.Should().BeEmpty();
        run.Data.Tags.Should().BeEmpty();
        run.Inputs.DatasetInputs.Should().BeEmpty();
    }

    [Test]
    public void AModelVersionWithoutStatusReadsAsPendingRegistrationAsInMlflow()
    {
        var version = JsonSerializer.Deserialize("""{"model_version": {"name": "m", "version": "1"}}""", ClientJson.Default.ModelVersionResponse)!;

        version.ModelVersion.Status.Should().Be(ModelVersionStatus.PendingRegistration);
        version.ModelVersion.CurrentStage.Should().Be(ModelVersionStages.None);
        version.ModelVersion.Aliases.Should().BeEmpty();
    }
}
