namespace MlTrack.Server.Tests.ModelRegistry;

public sealed class RegisteredModelsApiTests : RegistryTestBase
{
    [Test]
    public async Task CreateAnswersTheModelWithItsTagsAndTimestamps()
    {
        var name = NewName();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var response = await Server.PostAsync($"{Models}/create", new
        {
            name,
            description = "first model",
            tags = new[] { new { key = "team", value = "a" }, new { key = "team", value = "b" }, new { key = "kind", value = "x" } },
        });

        response.Status.Should().Be(200);
        var model = response.Json.GetProperty("registered_model");
        Str(model, "name").Should().Be(name);
        Str(model, "description").Should().Be("first model");
        model.GetProperty("creation_timestamp").GetInt64().Should().BeGreaterThanOrEqualTo(before);
        model.GetProperty("last_updated_timestamp").GetInt64().Should().Be(model.GetProperty("creation_timestamp").GetInt64());
        Tags(model).Should().Equal(new Dictionary<string, string> { ["kind"] = "x", ["team"] = "b" });
        model.TryGetProperty("latest_versions", out _).Should().BeFalse();
        model.TryGetProperty("aliases", out _).Should().BeFalse();
    }

    [Test]
    public async Task AnEmptyDescriptionIsLeftOutAsMlflowDoes()
    {
        var model = await GetModelAsync(await CreateModelAsync());

        model.TryGetProperty("description", out _).Should().BeFalse();
    }

    [Test]
    public async Task ATakenNameIs400ResourceAlreadyExists()
    {
        var name = await CreateModelAsync();

        var response = await Server.PostAsync($"{Models}/create", new { name });

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");
        response.Message.Should().StartWith($"Registered Model (name={name}) already exists.");
    }

    [Test]
    public async Task CreateWithoutANameOrWithABadTagIs400()
    {
        var missing = await Server.PostAsync($"{Models}/create", new { description = "x" });
        var badTag = await Server.PostAsync($"{Models}/create", new { name = NewName(), tags = new[] { new { key = "../up", value = "v" } } });

        missing.Status.Should().Be(400);
        missing.Message.Should().StartWith("Missing value for required parameter 'name'.");
        badTag.Status.Should().Be(400);
        badTag.Message.Should().Contain("Invalid tag name: '../up'");
    }

    [Test]
    public async Task GetOfAnUnknownModelIs404()
    {
        var response = await Server.GetAsync($"{Models}/get?name=nobody-{Guid.NewGuid():N}");

        response.Status.Should().Be(404);
        response.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
        response.Message.Should().StartWith("Registered Model with name=nobody-").And.EndWith(" not found");
    }

    [Test]
    public async Task BothPrefixesServeTheRegistry()
    {
        var name = await CreateModelAsync();

        var response = await Server.GetAsync($"/ajax-api/2.0/mlflow/registered-models/get?name={name}");

        response.Status.Should().Be(200);
        Str(response.Json.GetProperty("registered_model"), "name").Should().Be(name);
    }

    [Test]
    public async Task RenameCarriesVersionsTagsAndAliasesAlong()
    {
        var name = await CreateModelAsync(tags: new[] { new { key = "k", value = "v" } });
        var version = await CreateVersionAsync(name);
        (await Server.PostAsync($"{Models}/alias", new { name, alias = "champion", version })).EnsureOk();
        var newName = NewName("renamed");

        var response = await Server.PostAsync($"{Models}/rename", new { name, new_name = newName });

        response.Status.Should().Be(200);
        var model = response.Json.GetProperty("registered_model");
        Str(model, "name").Should().Be(newName);
        Tags(model).Should().ContainKey("k");
        Str(List(model, "latest_versions").Single(), "name").Should().Be(newName);
        (await GetVersionAsync(newName, version)).GetProperty("aliases")[0].GetString().Should().Be("champion");
        (await Server.GetAsync($"{Models}/get?name={name}")).Status.Should().Be(404);
    }

    [Test]
    public async Task RenameToATakenNameIs400AndOfAnUnknownModelIs404()
    {
        var first = await CreateModelAsync();
        var second = await CreateModelAsync();

        var taken = await Server.PostAsync($"{Models}/rename", new { name = first, new_name = second });
        var unknown = await Server.PostAsync($"{Models}/rename", new { name = NewName(), new_name = NewName() });
        var noNewName = await Server.PostAsync($"{Models}/rename", new { name = first });

        taken.Status.Should().Be(400);
        taken.ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");
        unknown.Status.Should().Be(404);
        noNewName.Status.Should().Be(400);
        noNewName.Message.Should().StartWith("Missing value for required parameter 'new_name'.");
    }

    [Test]
    public async Task UpdateTakesAJsonBodyOnPatchAndAnAbsentDescriptionClearsIt()
    {
        var name = await CreateModelAsync();

        var updated = await PatchAsync($"{Models}/update", new { name, description = "better" });
        var cleared = await PatchAsync($"{Models}/update", new { name });
        var unknown = await PatchAsync($"{Models}/update", new { name = NewName(), description = "x" });

        updated.Status.Should().Be(200);
        Str(updated.Json.GetProperty("registered_model"), "description").Should().Be("better");
        cleared.Json.GetProperty("registered_model").TryGetProperty("description", out _).Should().BeFalse();
        unknown.Status.Should().Be(404);
    }

    [Test]
    public async Task DeleteTakesAJsonBodyAndRemovesVersionsTagsAndAliases()
    {
        var name = await CreateModelAsync(tags: new[] { new { key = "k", value = "v" } });
        var v1 = await CreateVersionAsync(name);
        await CreateVersionAsync(name);
        (await Server.PostAsync($"{Versions}/set-tag", new { name, version = v1, key = "vk", value = "vv" })).EnsureOk();
        (await Server.PostAsync($"{Models}/alias", new { name, alias = "prod", version = v1 })).EnsureOk();

        var response = await DeleteAsync($"{Models}/delete", new { name });

        response.Status.Should().Be(200);
        response.Body.Should().Be("{}");
        (await Server.GetAsync($"{Models}/get?name={name}")).Status.Should().Be(404);
        (await Server.GetAsync($"{Versions}/get?name={name}&version=1")).Status.Should().Be(404);
        (await Server.GetAsync($"{Models}/alias?name={name}&alias=prod")).Status.Should().Be(400);
        var search = await Server.GetAsync($"{Versions}/search?filter={Uri.EscapeDataString($"name = '{name}'")}");
        search.Body.Should().Be("{}");

        // The name is free again, and nothing of the old model comes back with it.
        await CreateModelAsync(name);
        var fresh = await GetModelAsync(name);
        Tags(fresh).Should().BeEmpty();
        fresh.TryGetProperty("aliases", out _).Should().BeFalse();
        (await CreateVersionAsync(name)).Should().Be("1");
        Tags(await GetVersionAsync(name, "1")).Should().BeEmpty();
    }

    [Test]
    public async Task DeleteOfAnUnknownModelIs404AndAQueryStringIsNotABody()
    {
        var name = await CreateModelAsync();

        var unknown = await DeleteAsync($"{Models}/delete", new { name = NewName() });
        var query = await Server.SendAsync(HttpMethod.Delete, $"{Models}/delete?name={name}", null);

        unknown.Status.Should().Be(404);
        query.Status.Should().Be(400);
        query.Message.Should().StartWith("Missing value for required parameter 'name'.");
    }

    [Test]
    public async Task TagsAreSetOverwrittenAndDeleted()
    {
        var name = await CreateModelAsync();

        (await Server.PostAsync($"{Models}/set-tag", new { name, key = "stage.note", value = "one" })).EnsureOk();
        (await Server.PostAsync($"{Models}/set-tag", new { name, key = "stage.note", value = "two" })).EnsureOk();
        (await Server.PostAsync($"{Models}/set-tag", new { name, key = "empty" })).EnsureOk();
        Tags(await GetModelAsync(name)).Should().Equal(new Dictionary<string, string> { ["empty"] = "", ["stage.note"] = "two" });

        (await DeleteAsync($"{Models}/delete-tag", new { name, key = "stage.note" })).Status.Should().Be(200);
        (await DeleteAsync($"{Models}/delete-tag", new { name, key = "never-set" })).Status.Should().Be(200);
        Tags(await GetModelAsync(name)).Should().Equal(new Dictionary<string, string> { ["empty"] = "" });
    }

    [Test]
    public async Task TagErrors()
    {
        var name = await CreateModelAsync();

        var unknownModel = await Server.PostAsync($"{Models}/set-tag", new { name = NewName(), key = "k", value = "v" });
        var unknownModelDelete = await DeleteAsync($"{Models}/delete-tag", new { name = NewName(), key = "k" });
        var noKey = await Server.PostAsync($"{Models}/set-tag", new { name, value = "v" });
        var badKey = await Server.PostAsync($"{Models}/set-tag", new { name, key = "a:b", value = "v" });
        var longKey = await Server.PostAsync($"{Models}/set-tag", new { name, key = new string('k', 251), value = "v" });
        var longValue = await Server.PostAsync($"{Models}/set-tag", new { name, key = "k", value = new string('v', 5001) });
        var maxValue = await Server.PostAsync($"{Models}/set-tag", new { name, key = new string('k', 250), value = new string('v', 5000) });

        unknownModel.Status.Should().Be(404);
        unknownModelDelete.Status.Should().Be(404);
        noKey.Status.Should().Be(400);
        badKey.Status.Should().Be(400);
        badKey.Message.Should().StartWith("Invalid tag name: 'a:b'.");
        longKey.Status.Should().Be(400);
        longKey.Message.Should().EndWith("had length 251, which exceeded length limit of 250").And.StartWith("Registered model key '");
        longValue.Status.Should().Be(400);
        longValue.Message.Should().EndWith("had length 5001, which exceeded length limit of 5000").And.StartWith("Registered model value '");
        maxValue.Status.Should().Be(200);
    }

    [Test]
    public async Task LatestVersionsHoldTheNewestVersionOfEachStage()
    {
        var name = await CreateModelAsync();
        for (var i = 0; i < 5; i++)
        {
            await CreateVersionAsync(name);
        }

        await TransitionAsync(name, "1", "production");
        await TransitionAsync(name, "2", "Production");
        await TransitionAsync(name, "3", "STAGING");

        var model = await GetModelAsync(name);
        var latest = List(model, "latest_versions").Select(v => (Str(v, "current_stage"), Str(v, "version"))).ToList();

        // Stages come in the order their oldest version has, as MLflow builds them.
        latest.Should().Equal(("Production", "2"), ("Staging", "3"), ("None", "5"));
    }

    [Test]
    public async Task GetLatestVersionsAnswersOnPostAndGetFilteredByStageInAnyCase()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);
        await CreateVersionAsync(name);
        await CreateVersionAsync(name);
        await TransitionAsync(name, "1", "Staging");
        await TransitionAsync(name, "2", "Staging");

        var all = await Server.PostAsync($"{Models}/get-latest-versions", new { name });
        var staging = await Server.PostAsync($"{Models}/get-latest-versions", new { name, stages = new[] { "sTaGiNg" } });
        var viaGet = await Server.GetAsync($"{Models}/get-latest-versions?name={name}&stages=None&stages=Production");

        List(all.Json, "model_versions").Select(v => Str(v, "version")).Should().BeEquivalentTo(["2", "3"]);
        List(staging.Json, "model_versions").Select(v => Str(v, "version")).Should().Equal("2");
        List(viaGet.Json, "model_versions").Select(v => Str(v, "version")).Should().Equal("3");
    }

    [Test]
    public async Task GetLatestVersionsErrorsAndEmptyAnswer()
    {
        var name = await CreateModelAsync();

        var empty = await Server.PostAsync($"{Models}/get-latest-versions", new { name });
        var badStage = await Server.PostAsync($"{Models}/get-latest-versions", new { name, stages = new[] { "Live" } });
        var unknown = await Server.PostAsync($"{Models}/get-latest-versions", new { name = NewName() });

        empty.Status.Should().Be(200);
        empty.Body.Should().Be("{}");
        badStage.Status.Should().Be(400);
        badStage.Message.Should().Be("Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.");
        unknown.Status.Should().Be(404);
    }

    [Test]
    public async Task MethodsOtherThanTheMappedOnesAreRefused()
    {
        var name = await CreateModelAsync();

        var postUpdate = await Server.PostAsync($"{Models}/update", new { name, description = "x" });
        var getDelete = await Server.GetAsync($"{Models}/delete?name={name}");

        postUpdate.Status.Should().Be(405);
        getDelete.Status.Should().Be(405);
        (await GetModelAsync(name)).TryGetProperty("description", out _).Should().BeFalse();
    }
}
