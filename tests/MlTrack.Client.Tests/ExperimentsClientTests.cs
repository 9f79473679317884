using System.Net;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class ExperimentsClientTests : ServerTestBase
{
    [Test]
    public async Task CreatesAnExperimentAndReadsItBackByIdAndName()
    {
        var name = Unique();
        var id = await Client.Experiments.CreateAsync(name, tags: new Dictionary<string, string> { ["team"] = "ml" });

        var byId = await Client.Experiments.GetAsync(id);
        var byName = await Client.Experiments.GetByNameAsync(name);

        byId.Name.Should().Be(name);
        byId.LifecycleStage.Should().Be(LifecycleStage.Active);
        byId.ArtifactLocation.Should().Be($"mlflow-artifacts:/{id}");
        byId.CreationTime.Should().BePositive();
        byId.Tags.Should().ContainSingle().Which.Should().Be(new Tag("team", "ml"));
        byName.Should().BeEquivalentTo(byId);
    }

    [Test]
    public async Task GetByNameAnswersNullForAnUnknownName()
    {
        (await Client.Experiments.GetByNameAsync(Unique())).Should().BeNull();
    }

    [Test]
    public async Task GetThrowsResourceDoesNotExistForAnUnknownId()
    {
        var act = () => Client.Experiments.GetAsync("987654");

        var error = (await act.Should().ThrowAsync<MlflowApiException>()).Which;
        error.StatusCode.Should().Be(HttpStatusCode.NotFound);
        error.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
        error.ServerMessage.Should().Contain("987654");
        error.ResponseBody.Should().Contain("\"error_code\"");
    }

    [Test]
    public async Task CreateThrowsResourceAlreadyExistsForATakenName()
    {
        var name = Unique();
        await Client.Experiments.CreateAsync(name);

        var act = () => Client.Experiments.CreateAsync(name);

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");
    }

    [Test]
    public async Task GetOrCreateCreatesOnceAndThenFindsTheSameExperiment()
    {
        var name = Unique();

        var first = await Client.Experiments.GetOrCreateAsync(name);
        var second = await Client.Experiments.GetOrCreateAsync(name);

        second.ExperimentId.Should().Be(first.ExperimentId);
    }

    [Test]
    public async Task RenamesDeletesAndRestores()
    {
        var id = await NewExperimentAsync();
        var newName = Unique("renamed");

        await Client.Experiments.RenameAsync(id, newName);
        (await Client.Experiments.GetAsync(id)).Name.Should().Be(newName);

        await Client.Experiments.DeleteAsync(id);
        (await Client.Experiments.GetAsync(id)).LifecycleStage.Should().Be(LifecycleStage.Deleted);

        await Client.Experiments.RestoreAsync(id);
        (await Client.Experiments.GetAsync(id)).LifecycleStage.Should().Be(LifecycleStage.Active);
    }

    [Test]
    public async Task SetsAndDeletesTags()
    {
        var id = await NewExperimentAsync();

        await Client.Experiments.SetTagAsync(id, "mlflow.note.content", "first");
        await Client.Experiments.SetTagAsync(id, "mlflow.note.content", "second");
        (await Client.Experiments.GetAsync(id)).Tags.Should().Equal(new Tag("mlflow.note.content", "second"));

        await Client.Experiments.DeleteTagAsync(id, "mlflow.note.content");
        (await Client.Experiments.GetAsync(id)).Tags.Should().BeEmpty();
    }

    [Test]
    public async Task SearchFiltersOrdersAndPages()
    {
        var prefix = Unique();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await Client.Experiments.CreateAsync($"{prefix}-{i}"));
        }

        var options = new SearchExperimentsOptions { Filter = $"name LIKE '{prefix}-%'", OrderBy = ["name ASC"], MaxResults = 2 };
        var first = await Client.Experiments.SearchAsync(options);
        var second = await Client.Experiments.SearchAsync(options with { PageToken = first.NextPageToken });

        first.Items.Select(e => e.ExperimentId).Should().Equal(ids[0], ids[1]);
        first.HasNextPage.Should().BeTrue();
        second.Items.Select(e => e.ExperimentId).Should().Equal(ids[2], ids[3]);
    }

    [Test]
    public async Task SearchAllFollowsPageTokensToTheEnd()
    {
        var prefix = Unique();
        var ids = new List<string>();
        for (var i = 0; i < 7; i++)
        {
            ids.Add(await Client.Experiments.CreateAsync($"{prefix}-{i}"));
        }

        var found = await Client.Experiments
            .SearchAllAsync(new SearchExperimentsOptions { Filter = $"name LIKE '{prefix}-%'", OrderBy = ["name ASC"], MaxResults = 3 })
            .Select(e => e.ExperimentId)
            .ToListAsync();

        found.Should().Equal(ids);
    }

    [Test]
    public async Task SearchSeesDeletedExperimentsOnlyWhenAsked()
    {
        var name = Unique();
        var id = await Client.Experiments.CreateAsync(name);
        await Client.Experiments.DeleteAsync(id);
        var filter = $"name = '{name}'";

        var active = await Client.Experiments.SearchAsync(new SearchExperimentsOptions { Filter = filter });
        var deleted = await Client.Experiments.SearchAsync(new SearchExperimentsOptions { Filter = filter, ViewType = ViewType.DeletedOnly });

        active.Items.Should().BeEmpty();
        active.HasNextPage.Should().BeFalse();
        deleted.Items.Should().ContainSingle().Which.ExperimentId.Should().Be(id);
    }
}
