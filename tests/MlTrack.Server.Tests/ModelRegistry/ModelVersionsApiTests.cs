namespace MlTrack.Server.Tests.ModelRegistry;

public sealed class ModelVersionsApiTests : RegistryTestBase
{
    [Test]
    public async Task CreateAnswersAReadyVersionOneWithMlflowsDefaults()
    {
        var name = await CreateModelAsync();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var response = await Server.PostAsync($"{Versions}/create", new { name, source = "mlflow-artifacts:/1/abc/artifacts/model" });

        response.Status.Should().Be(200);
        var version = response.Json.GetProperty("model_version");
        Str(version, "name").Should().Be(name);
        Str(version, "version").Should().Be("1");
        Str(version, "status").Should().Be("READY");
        Str(version, "current_stage").Should().Be("None");
        Str(version, "source").Should().Be("mlflow-artifacts:/1/abc/artifacts/model");
        Str(version, "description").Should().Be("");
        Str(version, "run_link").Should().Be("");
        Str(version, "run_id").Should().Be("");
        Str(version, "user_id").Should().Be("");
        version.GetProperty("creation_timestamp").GetInt64().Should().BeGreaterThanOrEqualTo(before);
        version.GetProperty("last_updated_timestamp").GetInt64().Should().Be(version.GetProperty("creation_timestamp").GetInt64());
        version.TryGetProperty("status_message", out _).Should().BeFalse();
        version.TryGetProperty("aliases", out _).Should().BeFalse();
        (await GetModelAsync(name)).GetProperty("last_updated_timestamp").GetInt64().Should().BeGreaterThanOrEqualTo(before);
    }

    [Test]
    public async Task CreateKeepsRunIdRunLinkDescriptionAndTags()
    {
        var name = await CreateModelAsync();
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());

        var response = await Server.PostAsync($"{Versions}/create", new
        {
            name,
            source = $"runs:/{runId}/model",
            run_id = runId,
            run_link = "http://elsewhere/run",
            description = "v1",
            tags = new[] { new { key = "k", value = "1" }, new { key = "k", value = "2" } },
        });

        var version = response.Json.GetProperty("model_version");
        Str(version, "run_id").Should().Be(runId);
        Str(version, "run_link").Should().Be("http://elsewhere/run");
        Str(version, "description").Should().Be("v1");
        Tags(version).Should().Equal(new Dictionary<string, string> { ["k"] = "2" });
    }

    [Test]
    public async Task NumbersCountUpAndAreNotReusedAfterDeletion()
    {
        var name = await CreateModelAsync();
        (await CreateVersionAsync(name)).Should().Be("1");
        (await CreateVersionAsync(name)).Should().Be("2");
        (await CreateVersionAsync(name)).Should().Be("3");

        (await DeleteAsync($"{Versions}/delete", new { name, version = "3" })).EnsureOk();
        (await DeleteAsync($"{Versions}/delete", new { name, version = "2" })).EnsureOk();

        (await CreateVersionAsync(name)).Should().Be("4");
    }

    [Test]
    public async Task CreateForAnUnknownModelIs404AndWithoutSourceIs400()
    {
        var unknown = await Server.PostAsync($"{Versions}/create", new { name = NewName(), source = "mlflow-artifacts:/1/x" });
        var noSource = await Server.PostAsync($"{Versions}/create", new { name = await CreateModelAsync() });

        unknown.Status.Should().Be(404);
        unknown.Message.Should().StartWith("Registered Model with name=");
        noSource.Status.Should().Be(400);
        noSource.Message.Should().StartWith("Missing value for required parameter 'source'.");
    }

    [Test]
    public async Task GetErrors()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);

        var unknownVersion = await Server.GetAsync($"{Versions}/get?name={name}&version=7");
        var notANumber = await Server.GetAsync($"{Versions}/get?name={name}&version=one");
        var unknownModel = await Server.GetAsync($"{Versions}/get?name=nobody&version=1");
        var noVersion = await Server.GetAsync($"{Versions}/get?name={name}");

        unknownVersion.Status.Should().Be(404);
        unknownVersion.Message.Should().Be($"Model Version (name={name}, version=7) not found");
        notANumber.Status.Should().Be(400);
        notANumber.Message.Should().Be("Model version must be an integer, got 'one'");
        unknownModel.Status.Should().Be(404);
        noVersion.Status.Should().Be(400);
    }

    [Test]
    public async Task UpdateSetsAndAnAbsentDescriptionClears()
    {
        var name = await CreateModelAsync();
        var version = await CreateVersionAsync(name);

        var updated = await PatchAsync($"{Versions}/update", new { name, version, description = "tuned" });
        var cleared = await PatchAsync($"{Versions}/update", new { name, version });
        var unknown = await PatchAsync($"{Versions}/update", new { name, version = "9", description = "x" });

        Str(updated.Json.GetProperty("model_version"), "description").Should().Be("tuned");
        cleared.Json.GetProperty("model_version").TryGetProperty("description", out _).Should().BeFalse();
        unknown.Status.Should().Be(404);
    }

    [Test]
    public async Task DeletedVersionsAreGoneEverywhere()
    {
        var name = await CreateModelAsync();
        var v1 = await CreateVersionAsync(name);
        var v2 = await CreateVersionAsync(name);
        (await Server.PostAsync($"{Models}/alias", new { name, alias = "a", version = v1 })).EnsureOk();

        var response = await DeleteAsync($"{Versions}/delete", new { name, version = v1 });

        response.Status.Should().Be(200);
        response.Body.Should().Be("{}");
        (await Server.GetAsync($"{Versions}/get?name={name}&version={v1}")).Status.Should().Be(404);
        (await Server.GetAsync($"{Versions}/get-download-uri?name={name}&version={v1}")).Status.Should().Be(404);
        (await DeleteAsync($"{Versions}/delete", new { name, version = v1 })).Status.Should().Be(404);
        var model = await GetModelAsync(name);
        List(model, "latest_versions").Select(v => Str(v, "version")).Should().Equal(v2);
        model.TryGetProperty("aliases", out _).Should().BeFalse();
    }

    [Test]
    public async Task StagesAreCaseInsensitiveInAndCanonicalOut()
    {
        var name = await CreateModelAsync();
        var version = await CreateVersionAsync(name);

        var staged = await Server.PostAsync(
            $"{Versions}/transition-stage", new { name, version, stage = "staging", archive_existing_versions = false });
        var archived = await Server.PostAsync($"{Versions}/transition-stage", new { name, version, stage = "ARCHIVED" });
        var none = await Server.PostAsync($"{Versions}/transition-stage", new { name, version, stage = "none" });

        Str(staged.Json.GetProperty("model_version"), "current_stage").Should().Be("Staging");
        Str(archived.Json.GetProperty("model_version"), "current_stage").Should().Be("Archived");
        Str(none.Json.GetProperty("model_version"), "current_stage").Should().Be("None");
    }

    [Test]
    public async Task ArchiveExistingVersionsArchivesTheOthersInTheTargetStageOnly()
    {
        var name = await CreateModelAsync();
        for (var i = 0; i < 4; i++)
        {
            await CreateVersionAsync(name);
        }

        await TransitionAsync(name, "1", "Production");
        await TransitionAsync(name, "2", "Production");
        await TransitionAsync(name, "3", "Staging");

        var response = await Server.PostAsync(
            $"{Versions}/transition-stage", new { name, version = "4", stage = "production", archive_existing_versions = true });

        Str(response.Json.GetProperty("model_version"), "current_stage").Should().Be("Production");
        Str(await GetVersionAsync(name, "1"), "current_stage").Should().Be("Archived");
        Str(await GetVersionAsync(name, "2"), "current_stage").Should().Be("Archived");
        Str(await GetVersionAsync(name, "3"), "current_stage").Should().Be("Staging");
        var latest = List(await GetModelAsync(name), "latest_versions").ToDictionary(v => Str(v, "current_stage"), v => Str(v, "version"));
        latest.Should().Equal(new Dictionary<string, string> { ["Archived"] = "2", ["Staging"] = "3", ["Production"] = "4" });
    }

    [Test]
    public async Task WithoutArchivingTheOtherVersionsKeepTheirStage()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);
        await CreateVersionAsync(name);
        await TransitionAsync(name, "1", "Production");

        await TransitionAsync(name, "2", "Production");

        Str(await GetVersionAsync(name, "1"), "current_stage").Should().Be("Production");
    }

    [Test]
    public async Task TransitionErrors()
    {
        var name = await CreateModelAsync();
        var version = await CreateVersionAsync(name);

        var badStage = await Server.PostAsync($"{Versions}/transition-stage", new { name, version, stage = "Live" });
        var archiveToArchived = await Server.PostAsync(
            $"{Versions}/transition-stage", new { name, version, stage = "archived", archive_existing_versions = true });
        var noStage = await Server.PostAsync($"{Versions}/transition-stage", new { name, version });
        var unknown = await Server.PostAsync($"{Versions}/transition-stage", new { name, version = "5", stage = "Staging" });

        badStage.Status.Should().Be(400);
        badStage.Message.Should().Be("Invalid Model Version stage: Live. Value must be one of None, Staging, Production, Archived.");
        archiveToArchived.Status.Should().Be(400);
        archiveToArchived.Message.Should().Be(
            "Model version transition cannot archive existing model versions because 'archived' is not an Active stage. "
            + "Valid stages are ['Staging', 'Production']");
        noStage.Status.Should().Be(400);
        unknown.Status.Should().Be(404);
        Str(await GetVersionAsync(name, version), "current_stage").Should().Be("None");
    }

    [Test]
    public async Task TagsAreSetOverwrittenAndDeleted()
    {
        var name = await CreateModelAsync();
        var version = await CreateVersionAsync(name);

        (await Server.PostAsync($"{Versions}/set-tag", new { name, version, key = "quality", value = "good" })).EnsureOk();
        (await Server.PostAsync($"{Versions}/set-tag", new { name, version, key = "quality", value = "great" })).EnsureOk();
        (await Server.PostAsync($"{Versions}/set-tag", new { name, version, key = "other", value = "o" })).EnsureOk();
        Tags(await GetVersionAsync(name, version)).Should().Equal(new Dictionary<string, string> { ["other"] = "o", ["quality"] = "great" });

        (await DeleteAsync($"{Versions}/delete-tag", new { name, version, key = "quality" })).EnsureOk();
        (await DeleteAsync($"{Versions}/delete-tag", new { name, version, key = "missing" })).EnsureOk();
        Tags(await GetVersionAsync(name, version)).Should().Equal(new Dictionary<string, string> { ["other"] = "o" });
    }

    [Test]
    public async Task TagErrors()
    {
        var name = await CreateModelAsync();
        var version = await CreateVersionAsync(name);

        var unknown = await Server.PostAsync($"{Versions}/set-tag", new { name, version = "3", key = "k", value = "v" });
        var unknownDelete = await DeleteAsync($"{Versions}/delete-tag", new { name, version = "3", key = "k" });
        var badVersion = await Server.PostAsync($"{Versions}/set-tag", new { name, version = "x", key = "k", value = "v" });
        var longValue = await Server.PostAsync($"{Versions}/set-tag", new { name, version, key = "k", value = new string('v', 5001) });
        var badKey = await DeleteAsync($"{Versions}/delete-tag", new { name, version, key = "/abs" });

        unknown.Status.Should().Be(404);
        unknownDelete.Status.Should().Be(404);
        badVersion.Status.Should().Be(400);
        longValue.Status.Should().Be(400);
        longValue.Message.Should().StartWith("Model version value '");
        badKey.Status.Should().Be(400);
    }

    [Test]
    public async Task VersionGivenAsAJsonNumberIsAccepted()
    {
        var name = await CreateModelAsync();
        await CreateVersionAsync(name);

        var response = await PatchAsync($"{Versions}/update", new { name, version = 1, description = "n" });

        response.Status.Should().Be(200);
        Str(response.Json.GetProperty("model_version"), "version").Should().Be("1");
    }
}
