using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class RunLoggingTests : ServerTestBase
{
    [Test]
    public async Task LogsMetricsParamsAndTagsOneByOne()
    {
        var run = await NewRunAsync();
        var id = run.Info.RunId;

        await Client.Runs.LogMetricAsync(id, "loss", 0.5, step: 3, timestamp: 42);
        await Client.Runs.LogParamAsync(id, "alpha", "0.1");
        await Client.Runs.SetTagAsync(id, "team", "ml");

        var data = (await Client.Runs.GetAsync(id)).Data;
        data.Metrics.Should().Equal(new Metric("loss", 0.5, 42, 3));
        data.Param("alpha").Should().Be("0.1");
        data.Tag("team").Should().Be("ml");
    }

    [Test]
    public async Task ChangingAParamValueIsRefused()
    {
        var run = await NewRunAsync();
        await Client.Runs.LogParamAsync(run.Info.RunId, "alpha", "0.5");

        var act = () => Client.Runs.LogParamAsync(run.Info.RunId, "alpha", "0.50");

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [Test]
    public async Task LogsABatch()
    {
        var run = await NewRunAsync();

        await Client.Runs.LogBatchAsync(
            run.Info.RunId,
            [new Metric("m", 1, 10, 0), new Metric("m", 2, 20, 1)],
            [new Param("p", "v")],
            [new Tag("t", "x")]);

        var data = (await Client.Runs.GetAsync(run.Info.RunId)).Data;
        data.Metrics.Should().Equal(new Metric("m", 2, 20, 1));
        data.Params.Should().Equal(new Param("p", "v"));
        data.Tag("t").Should().Be("x");
    }

    [Test]
    public async Task LogBatchRefusesABatchOverMlflowLimitsBeforeSending()
    {
        var metrics = Enumerable.Range(0, 1001).Select(i => new Metric("m", i, 1, i)).ToList();

        var act = () => Client.Runs.LogBatchAsync("0123456789abcdef0123456789abcdef", metrics);

        await act.Should().ThrowAsync<ArgumentException>().WithMessage("*at most 1000 metrics*");
    }

    [Test]
    public async Task NanRoundTripsAndInfinitiesAreStoredAsMlflowDoes()
    {
        var run = await NewRunAsync();
        var id = run.Info.RunId;

        await Client.Runs.LogMetricAsync(id, "nan", double.NaN, timestamp: 1);
        await Client.Runs.LogBatchAsync(id, [new Metric("inf", double.PositiveInfinity, 1), new Metric("-inf", double.NegativeInfinity, 1)]);

        (await Client.Metrics.GetHistoryAsync(id, "nan")).Items.Single().Value.Should().Be(double.NaN);
        // MLflow's SQL store (and MlTrack's) keeps infinities as the largest finite doubles.
        (await Client.Metrics.GetHistoryAsync(id, "inf")).Items.Single().Value.Should().Be(double.MaxValue);
        (await Client.Metrics.GetHistoryAsync(id, "-inf")).Items.Single().Value.Should().Be(double.MinValue);
    }

    [Test]
    public async Task LogsDatasetInputs()
    {
        var run = await NewRunAsync();
        var dataset = new Dataset("wine", "abc123", "local", "{\"uri\": \"wine.csv\"}", Schema: "{}");

        await Client.Runs.LogInputsAsync(run.Info.RunId, [new DatasetInput([new Tag("mlflow.data.context", "training")], dataset)]);

        var input = (await Client.Runs.GetAsync(run.Info.RunId)).Inputs.DatasetInputs.Should().ContainSingle().Subject;
        input.Dataset.Should().Be(dataset);
        input.Tags.Should().Equal(new Tag("mlflow.data.context", "training"));
    }

    [Test]
    public async Task LogsAModelIntoTheRunsModelHistory()
    {
        var run = await NewRunAsync();
        var model = $$"""{"artifact_path": "model", "flavors": {}, "utc_time_created": "2024-01-01 00:00:00.000000", "run_id": "{{run.Info.RunId}}"}""";

        await Client.Runs.LogModelAsync(run.Info.RunId, model);

        (await Client.Runs.GetAsync(run.Info.RunId)).Data.Tag("mlflow.log-model.history")
            .Should().Contain("artifact_path").And.Contain(run.Info.RunId);
    }

    [Test]
    public async Task LogModelRefusesJsonWithoutTheMandatoryFields()
    {
        var run = await NewRunAsync();

        var act = () => Client.Runs.LogModelAsync(run.Info.RunId, "{\"flavors\": {}}");

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ServerMessage.Should().Contain("artifact_path");
    }
}
