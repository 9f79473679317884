using System.Net;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class RegisteredModelsClientTests : ServerTestBase
{
    [Test]
    public async Task CreatesAndReadsAModelWithTagsAndDescription()
    {
        var name = Unique();

        var created = await Client.RegisteredModels.CreateAsync(name, new Dictionary<string, string> { ["team"] = "ml" }, "wine quality");
        var read = await Client.RegisteredModels.GetAsync(name);

        created.Name.Should().Be(name);
        read.Description.Should().Be("wine quality");
        read.Tags.Should().Equal(new Tag("team", "ml"));
        read.CreationTimestamp.Should().BePositive();
    }

    [Test]
    public async Task CreateThrowsResourceAlreadyExistsWithHttp400()
    {
        var name = Unique();
        await Client.RegisteredModels.CreateAsync(name);

        var act = () => Client.RegisteredModels.CreateAsync(name);

        var error = (await act.Should().ThrowAsync<MlflowApiException>()).Which;
        error.ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");
        error.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task RenamesUpdatesAndDeletes()
    {
        var name = Unique();
        var newName = Unique("renamed");
        await Client.RegisteredModels.CreateAsync(name);

        (await Client.RegisteredModels.RenameAsync(name, newName)).Name.Should().Be(newName);
        (await Client.RegisteredModels.UpdateAsync(newName, "described")).Description.Should().Be("described");
        await Client.RegisteredModels.DeleteAsync(newName);

        var act = () => Client.RegisteredModels.GetAsync(newName);
        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task SetsAndDeletesTags()
    {
        var name = Unique();
        await Client.RegisteredModels.CreateAsync(name);

        await Client.RegisteredModels.SetTagAsync(name, "owner", "carol");
        (await Client.RegisteredModels.GetAsync(name)).Tags.Should().Equal(new Tag("owner", "carol"));

        await Client.RegisteredModels.DeleteTagAsync(name, "owner");
        (await Client.RegisteredModels.GetAsync(name)).Tags.Should().BeEmpty();
    }

    [Test]
    public async Task SearchPagesAndSearchAllFollowsTokens()
    {
        var prefix = Unique();
        for (var i = 0; i < 5; i++)
        {
            await Client.RegisteredModels.CreateAsync($"{prefix}-{i}");
        }

        var options = new SearchRegisteredModelsOptions { Filter = $"name LIKE '{prefix}-%'", OrderBy = ["name DESC"], MaxResults = 2 };
        var first = await Client.RegisteredModels.SearchAsync(options);
        var all = await Client.RegisteredModels.SearchAllAsync(options).Select(m => m.Name).ToListAsync();

        first.Items.Select(m => m.Name).Should().Equal($"{prefix}-4", $"{prefix}-3");
        first.HasNextPage.Should().BeTrue();
        all.Should().Equal(Enumerable.Range(0, 5).Reverse().Select(i => $"{prefix}-{i}"));
    }

    [Test]
    public async Task AliasesPointAtVersionsAndCanBeRemoved()
    {
        var name = Unique();
        await Client.RegisteredModels.CreateAsync(name);
        var run = await NewRunAsync();
        await Client.ModelVersions.CreateAsync(name, $"runs:/{run.Info.RunId}/model", new CreateModelVersionOptions { RunId = run.Info.RunId });
        await Client.ModelVersions.CreateAsync(name, $"runs:/{run.Info.RunId}/model", new CreateModelVersionOptions { RunId = run.Info.RunId });

        await Client.RegisteredModels.SetAliasAsync(name, "champion", "1");
        await Client.RegisteredModels.SetAliasAsync(name, "champion", "2");

        var champion = await Client.RegisteredModels.GetVersionByAliasAsync(name, "champion");
        champion.Version.Should().Be("2");
        champion.Aliases.Should().Equal("champion");
        (await Client.RegisteredModels.GetAsync(name)).Aliases.Should().Equal(new RegisteredModelAlias("champion", "2"));

        await Client.RegisteredModels.DeleteAliasAsync(name, "champion");
        var act = () => Client.RegisteredModels.GetVersionByAliasAsync(name, "champion");
        // MLflow answers a missing alias with INVALID_PARAMETER_VALUE, not RESOURCE_DOES_NOT_EXIST.
        (await act.Should().ThrowAsync<MlflowApiException>()).Which.StatusCode.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task GetLatestVersionsGivesTheNewestVersionPerStage()
    {
        var name = Unique();
        await Client.RegisteredModels.CreateAsync(name);
        var run = await NewRunAsync();
        for (var i = 0; i < 3; i++)
        {
            await Client.ModelVersions.CreateAsync(name, $"runs:/{run.Info.RunId}/model", new CreateModelVersionOptions { RunId = run.Info.RunId });
        }

        await Client.ModelVersions.TransitionStageAsync(name, "1", ModelVersionStages.Production);

        var all = await Client.RegisteredModels.GetLatestVersionsAsync(name);
        var production = await Client.RegisteredModels.GetLatestVersionsAsync(name, [ModelVersionStages.Production]);

        all.Select(v => (v.CurrentStage, v.Version)).Should().BeEquivalentTo([(ModelVersionStages.None, "3"), (ModelVersionStages.Production, "1")]);
        production.Should().ContainSingle().Which.Version.Should().Be("1");
    }
}
