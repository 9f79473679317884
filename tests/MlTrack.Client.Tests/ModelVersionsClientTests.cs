using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class ModelVersionsClientTests : ServerTestBase
{
    [Test]
    public async Task CreatesAReadyVersionNumberedOneAboveTheLast()
    {
        var (name, run) = await NewModelAsync();

        var first = await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions
        {
            RunId = run.Info.RunId,
            Description = "first cut",
            Tags = new Dictionary<string, string> { ["data"] = "v1" },
        });
        var second = await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions { RunId = run.Info.RunId });

        first.Version.Should().Be("1");
        first.Status.Should().Be(ModelVersionStatus.Ready);
        first.CurrentStage.Should().Be(ModelVersionStages.None);
        first.RunId.Should().Be(run.Info.RunId);
        first.Description.Should().Be("first cut");
        first.Tags.Should().Equal(new Tag("data", "v1"));
        second.Version.Should().Be("2");
    }

    [Test]
    public async Task GetsUpdatesAndDeletes()
    {
        var (name, run) = await NewModelAsync();
        await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions { RunId = run.Info.RunId });

        (await Client.ModelVersions.GetAsync(name, "1")).Source.Should().Be(Source(run));
        (await Client.ModelVersions.UpdateAsync(name, "1", "better")).Description.Should().Be("better");
        await Client.ModelVersions.DeleteAsync(name, "1");

        var act = () => Client.ModelVersions.GetAsync(name, "1");
        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task GetDownloadUriResolvesARunsSourceToTheRunsArtifacts()
    {
        var (name, run) = await NewModelAsync();
        await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions { RunId = run.Info.RunId });

        var uri = await Client.ModelVersions.GetDownloadUriAsync(name, "1");

        uri.Should().Be($"{run.Info.ArtifactUri}/model");
    }

    [Test]
    public async Task TransitionsStagesAndArchivesTheOthers()
    {
        var (name, run) = await NewModelAsync();
        await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions { RunId = run.Info.RunId });
        await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions { RunId = run.Info.RunId });

        await Client.ModelVersions.TransitionStageAsync(name, "1", "production");
        var second = await Client.ModelVersions.TransitionStageAsync(name, "2", ModelVersionStages.Production, archiveExistingVersions: true);

        second.CurrentStage.Should().Be(ModelVersionStages.Production);
        (await Client.ModelVersions.GetAsync(name, "1")).CurrentStage.Should().Be(ModelVersionStages.Archived);
    }

    [Test]
    public async Task TransitionToAnUnknownStageIsRefused()
    {
        var (name, run) = await NewModelAsync();
        await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions { RunId = run.Info.RunId });

        var act = () => Client.ModelVersions.TransitionStageAsync(name, "1", "Shipped");

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [Test]
    public async Task SetsAndDeletesTags()
    {
        var (name, run) = await NewModelAsync();
        await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions { RunId = run.Info.RunId });

        await Client.ModelVersions.SetTagAsync(name, "1", "validated", "yes");
        (await Client.ModelVersions.GetAsync(name, "1")).Tags.Should().Equal(new Tag("validated", "yes"));

        await Client.ModelVersions.DeleteTagAsync(name, "1", "validated");
        (await Client.ModelVersions.GetAsync(name, "1")).Tags.Should().BeEmpty();
    }

    [Test]
    public async Task SearchFiltersByRunAndPagesWithSearchAll()
    {
        var (name, run) = await NewModelAsync();
        for (var i = 0; i < 5; i++)
        {
            await Client.ModelVersions.CreateAsync(name, Source(run), new CreateModelVersionOptions { RunId = run.Info.RunId });
        }

        var options = new SearchModelVersionsOptions { Filter = $"run_id = '{run.Info.RunId}'", OrderBy = ["version_number ASC"], MaxResults = 2 };
        var first = await Client.ModelVersions.SearchAsync(options);
        var all = await Client.ModelVersions.SearchAllAsync(options).Select(v => v.Version).ToListAsync();

        first.Items.Select(v => v.Version).Should().Equal("1", "2");
        first.HasNextPage.Should().BeTrue();
        all.Should().Equal("1", "2", "3", "4", "5");
    }

    private static string Source(Run run) => $"runs:/{run.Info.RunId}/model";

    private async Task<(string Name, Run Run)> NewModelAsync()
    {
        var name = Unique();
        await Client.RegisteredModels.CreateAsync(name);
        return (name, await NewRunAsync());
    }
}
