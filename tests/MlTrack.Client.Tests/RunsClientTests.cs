using System.Net;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class RunsClientTests : ServerTestBase
{
    [Test]
    public async Task CreatesARunThatIsRunningWithItsNameTagsAndStartTime()
    {
        var experimentId = await NewExperimentAsync();

        var run = await Client.Runs.CreateAsync(experimentId, new CreateRunOptions
        {
            RunName = "first",
            UserId = "alice",
            StartTime = 1_700_000_000_000,
            Tags = new Dictionary<string, string> { ["stage"] = "dev" },
        });

        run.Info.RunId.Should().MatchRegex("^[0-9a-f]{32}$");
        run.Info.ExperimentId.Should().Be(experimentId);
        run.Info.RunName.Should().Be("first");
        run.Info.UserId.Should().Be("alice");
        run.Info.Status.Should().Be(RunStatus.Running);
        run.Info.StartTime.Should().Be(1_700_000_000_000);
        run.Info.EndTime.Should().BeNull();
        run.Info.ArtifactUri.Should().Be($"mlflow-artifacts:/{experimentId}/{run.Info.RunId}/artifacts");
        run.Data.Tag("stage").Should().Be("dev");
        run.Data.Tag("mlflow.runName").Should().Be("first");
    }

    [Test]
    public async Task CreateSendsTheCurrentTimeWhenNoStartTimeIsGiven()
    {
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var run = await NewRunAsync();

        run.Info.StartTime.Should().BeInRange(before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Test]
    public async Task GetReturnsTheRunWithDataAndInputs()
    {
        var created = await NewRunAsync("get-me");
        await Client.Runs.LogParamAsync(created.Info.RunId, "alpha", "0.5");

        var run = await Client.Runs.GetAsync(created.Info.RunId);

        run.Info.Should().BeEquivalentTo(created.Info);
        run.Data.Params.Should().Equal(new Param("alpha", "0.5"));
        run.Inputs.DatasetInputs.Should().BeEmpty();
    }

    [Test]
    public async Task GetThrowsResourceDoesNotExistForAnUnknownRun()
    {
        var act = () => Client.Runs.GetAsync("0123456789abcdef0123456789abcdef");

        var error = (await act.Should().ThrowAsync<MlflowApiException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.NotFound);
        error.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task UpdateChangesOnlyWhatIsGiven()
    {
        var run = await NewRunAsync("before");

        var renamed = await Client.Runs.UpdateAsync(run.Info.RunId, runName: "after");
        var ended = await Client.Runs.UpdateAsync(run.Info.RunId, RunStatus.Killed, endTime: 1234);

        renamed.RunName.Should().Be("after");
        renamed.Status.Should().Be(RunStatus.Running);
        ended.RunName.Should().Be("after");
        ended.Status.Should().Be(RunStatus.Killed);
        ended.EndTime.Should().Be(1234);
    }

    [Test]
    public async Task EndSetsTheStatusAndTheEndTime()
    {
        var run = await NewRunAsync();

        var info = await Client.Runs.EndAsync(run.Info.RunId, RunStatus.Failed);

        info.Status.Should().Be(RunStatus.Failed);
        info.EndTime.Should().BeGreaterThanOrEqualTo(run.Info.StartTime!.Value);
    }

    [Test]
    public async Task DeletesAndRestoresIdempotently()
    {
        var run = await NewRunAsync();

        await Client.Runs.DeleteAsync(run.Info.RunId);
        await Client.Runs.DeleteAsync(run.Info.RunId);
        (await Client.Runs.GetAsync(run.Info.RunId)).Info.LifecycleStage.Should().Be(LifecycleStage.Deleted);

        await Client.Runs.RestoreAsync(run.Info.RunId);
        (await Client.Runs.GetAsync(run.Info.RunId)).Info.LifecycleStage.Should().Be(LifecycleStage.Active);
    }

    [Test]
    public async Task SetsAndDeletesTags()
    {
        var run = await NewRunAsync();

        await Client.Runs.SetTagAsync(run.Info.RunId, "owner", "bob");
        (await Client.Runs.GetAsync(run.Info.RunId)).Data.Tag("owner").Should().Be("bob");

        await Client.Runs.DeleteTagAsync(run.Info.RunId, "owner");
        (await Client.Runs.GetAsync(run.Info.RunId)).Data.Tag("owner").Should().BeNull();
    }

    [Test]
    public async Task SearchFiltersAndOrdersByMetrics()
    {
        var experimentId = await NewExperimentAsync();
        foreach (var (name, rmse) in new[] { ("a", 0.9), ("b", 0.2), ("c", 0.5) })
        {
            var run = await Client.Runs.CreateAsync(experimentId, new CreateRunOptions { RunName = name });
            await Client.Runs.LogMetricAsync(run.Info.RunId, "rmse", rmse);
        }

        var page = await Client.Runs.SearchAsync(
            [experimentId], new SearchRunsOptions { Filter = "metrics.rmse < 0.8", OrderBy = ["metrics.rmse ASC"] });

        page.Items.Select(r => r.Info.RunName).Should().Equal("b", "c");
        page.Items[0].Data.Metrics.Should().ContainSingle().Which.Value.Should().Be(0.2);
    }

    [Test]
    public async Task SearchAllFollowsPageTokensAcrossFullPages()
    {
        var experimentId = await NewExperimentAsync();
        var created = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            created.Add((await Client.Runs.CreateAsync(experimentId, new CreateRunOptions { StartTime = 1000 + i })).Info.RunId);
        }

        var firstPage = await Client.Runs.SearchAsync([experimentId], new SearchRunsOptions { MaxResults = 3 });
        var all = await Client.Runs.SearchAllAsync([experimentId], new SearchRunsOptions { MaxResults = 3, OrderBy = ["attributes.start_time ASC"] })
            .Select(r => r.Info.RunId)
            .ToListAsync();

        firstPage.Items.Should().HaveCount(3);
        firstPage.HasNextPage.Should().BeTrue();
        all.Should().Equal(created);
    }

    [Test]
    public async Task SearchSeesDeletedRunsOnlyWithTheirViewType()
    {
        var run = await NewRunAsync();
        await Client.Runs.DeleteAsync(run.Info.RunId);

        var active = await Client.Runs.SearchAsync([run.Info.ExperimentId]);
        var deleted = await Client.Runs.SearchAsync([run.Info.ExperimentId], new SearchRunsOptions { RunViewType = ViewType.DeletedOnly });

        active.Items.Should().BeEmpty();
        deleted.Items.Should().ContainSingle().Which.Info.RunId.Should().Be(run.Info.RunId);
    }

    [Test]
    public async Task SearchThrowsInvalidParameterValueForABadFilter()
    {
        var act = () => Client.Runs.SearchAsync(["0"], new SearchRunsOptions { Filter = "metrics.rmse < 1 OR metrics.rmse > 2" });

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }
}
