using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class MetricsClientTests : ServerTestBase
{
    [Test]
    public async Task GetHistoryWithoutPageSizeReturnsEveryPoint()
    {
        var run = await NewRunAsync();
        await LogStepsAsync(run.Info.RunId, "loss", 50);

        var page = await Client.Metrics.GetHistoryAsync(run.Info.RunId, "loss");

        page.Items.Should().HaveCount(50);
        page.Items.Select(m => m.Step).Should().BeInAscendingOrder();
        page.HasNextPage.Should().BeFalse();
    }

    [Test]
    public async Task GetHistoryPagesWithTokens()
    {
        var run = await NewRunAsync();
        await LogStepsAsync(run.Info.RunId, "loss", 25);

        var first = await Client.Metrics.GetHistoryAsync(run.Info.RunId, "loss", maxResults: 10);
        var second = await Client.Metrics.GetHistoryAsync(run.Info.RunId, "loss", maxResults: 10, pageToken: first.NextPageToken);

        first.Items.Select(m => m.Step).Should().Equal(Enumerable.Range(0, 10).Select(i => (long)i));
        second.Items.Select(m => m.Step).Should().Equal(Enumerable.Range(10, 10).Select(i => (long)i));
        second.HasNextPage.Should().BeTrue();
    }

    [Test]
    public async Task GetHistoryAllFollowsTokensThroughEveryPage()
    {
        var run = await NewRunAsync();
        await LogStepsAsync(run.Info.RunId, "loss", 2345);

        var points = await Client.Metrics.GetHistoryAllAsync(run.Info.RunId, "loss", pageSize: 1000).ToListAsync();

        points.Select(m => m.Step).Should().Equal(Enumerable.Range(0, 2345).Select(i => (long)i));
        points[7].Should().Be(new Metric("loss", 7 * 0.5, 1000 + 7, 7));
    }

    [Test]
    public async Task GetHistoryOfAnUnknownMetricIsEmpty()
    {
        var run = await NewRunAsync();

        (await Client.Metrics.GetHistoryAsync(run.Info.RunId, "nothing")).Items.Should().BeEmpty();
    }

    [Test]
    public async Task BulkIntervalSamplesSeveralRuns()
    {
        var experimentId = await NewExperimentAsync();
        var first = await Client.Runs.CreateAsync(experimentId);
        var second = await Client.Runs.CreateAsync(experimentId);
        await LogStepsAsync(first.Info.RunId, "acc", 100);
        await LogStepsAsync(second.Info.RunId, "acc", 100);

        var points = await Client.Metrics.GetHistoryBulkIntervalAsync(
            [first.Info.RunId, second.Info.RunId], "acc", startStep: 10, endStep: 59, maxResults: 5);

        points.Select(p => p.RunId).Distinct().Should().BeEquivalentTo([first.Info.RunId, second.Info.RunId]);
        points.Should().OnlyContain(p => p.Step >= 10 && p.Step <= 59);
        points.Where(p => p.RunId == first.Info.RunId).Select(p => p.Step).Should().Contain([10L, 59L]);
    }

    private async Task LogStepsAsync(string runId, string key, int count)
    {
        for (var start = 0; start < count; start += 1000)
        {
            var batch = Enumerable.Range(start, Math.Min(1000, count - start)).Select(i => new Metric(key, i * 0.5, 1000 + i, i)).ToList();
            await Client.Runs.LogBatchAsync(runId, batch);
        }
    }
}
