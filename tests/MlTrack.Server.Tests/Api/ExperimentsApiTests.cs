using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Api;

public sealed class ExperimentsApiTests : ServerTestBase
{
    private const string Api = "/api/2.0/mlflow/experiments";

    [Test]
    public async Task DefaultExperimentExistsFromTheFirstStart()
    {
        var response = await Server.GetAsync($"{Api}/get?experiment_id=0");

        response.Status.Should().Be(200);
        var experiment = response.Json.GetProperty("experiment");
        experiment.GetProperty("experiment_id").GetString().Should().Be("0");
        experiment.GetProperty("name").GetString().Should().Be("Default");
        experiment.GetProperty("lifecycle_stage").GetString().Should().Be("active");
        experiment.GetProperty("artifact_location").GetString().Should().Be("mlflow-artifacts:/0");
    }

    [Test]
    public async Task CreatedExperimentIsReturnedWithTagsTimesAndProxiedArtifactLocation()
    {
        var name = $"{nameof(CreatedExperimentIsReturnedWithTagsTimesAndProxiedArtifactLocation)}-{Guid.NewGuid():N}";
        var created = await Server.PostAsync($"{Api}/create", new { name, tags = new[] { new { key = "team", value = "ml" } } });
        created.Status.Should().Be(200);
        var id = created.Json.GetProperty("experiment_id").GetString()!;
        long.Parse(id).Should().BePositive();

        var experiment = (await Server.GetAsync($"{Api}/get?experiment_id={id}")).Json.GetProperty("experiment");
        experiment.GetProperty("name").GetString().Should().Be(name);
        experiment.GetProperty("artifact_location").GetString().Should().Be($"mlflow-artifacts:/{id}");
        experiment.GetProperty("creation_time").ValueKind.Should().Be(System.Text.Json.JsonValueKind.Number);
        experiment.GetProperty("last_update_time").GetInt64().Should().BeGreaterThan(1_600_000_000_000);
        experiment.GetProperty("tags")[0].GetProperty("key").GetString().Should().Be("team");
        experiment.GetProperty("tags")[0].GetProperty("value").GetString().Should().Be("ml");
    }

    [Test]
    public async Task ExperimentWithoutTagsOmitsTheTagsField()
    {
        var id = await Server.CreateExperimentAsync();

        var experiment = (await Server.GetAsync($"{Api}/get?experiment_id={id}")).Json.GetProperty("experiment");

        experiment.TryGetProperty("tags", out _).Should().BeFalse("MLflow omits empty repeated fields");
    }

    [Test]
    public async Task CreateKeepsAGivenArtifactLocation()
    {
        var name = $"{nameof(CreateKeepsAGivenArtifactLocation)}-{Guid.NewGuid():N}";
        var id = (await Server.PostAsync($"{Api}/create", new { name, artifact_location = "s3://bucket/path" })).Json
            .GetProperty("experiment_id").GetString();

        var experiment = (await Server.GetAsync($"{Api}/get?experiment_id={id}")).Json.GetProperty("experiment");

        experiment.GetProperty("artifact_location").GetString().Should().Be("s3://bucket/path");
    }

    [Test]
    public async Task DuplicateNameIsResourceAlreadyExistsWithStatus400EvenAfterDeletion()
    {
        var name = $"{nameof(DuplicateNameIsResourceAlreadyExistsWithStatus400EvenAfterDeletion)}-{Guid.NewGuid():N}";
        var id = (await Server.PostAsync($"{Api}/create", new { name })).Json.GetProperty("experiment_id").GetString();
        (await Server.PostAsync($"{Api}/delete", new { experiment_id = id })).EnsureOk();

        var again = await Server.PostAsync($"{Api}/create", new { name });

        again.Status.Should().Be(400);
        again.ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");
        again.Message.Should().Contain(name);
    }

    [TestCase("{}")]
    [TestCase("""{"name": ""}""")]
    [TestCase("""{"name": null}""")]
    public async Task CreateWithoutANameIsRefused(string body)
    {
        var response = await Server.PostAsync($"{Api}/create", body);

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        response.Message.Should().StartWith("Missing value for required parameter 'name'.");
    }

    [Test]
    public async Task CreateWithANumberAsNameIsATypeError()
    {
        var response = await Server.PostAsync($"{Api}/create", """{"name": 12}""");

        response.Status.Should().Be(400);
        response.Message.Should().StartWith("Invalid value 12 for parameter 'name' supplied. Hint: Value was of type 'int'.");
    }

    [Test]
    public async Task CreateRefusesAnArtifactLocationWithAFragment()
    {
        var response = await Server.PostAsync($"{Api}/create", new { name = Guid.NewGuid().ToString(), artifact_location = "http://host/path#frag" });

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [TestCase("123456789")]
    [TestCase("abc")]
    public async Task GetOfAnUnknownIdIsResourceDoesNotExist(string id)
    {
        var response = await Server.GetAsync($"{Api}/get?experiment_id={id}");

        response.Status.Should().Be(404);
        response.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
        response.Message.Should().Be($"No Experiment with id={id} exists");
    }

    [Test]
    public async Task GetByNameFindsExactNameOnlyAndAnswers404Otherwise()
    {
        var id = await Server.CreateExperimentAsync("ByName");
        var name = (await Server.GetAsync($"{Api}/get?experiment_id={id}")).Json.GetProperty("experiment").GetProperty("name").GetString()!;

        var found = await Server.GetAsync($"{Api}/get-by-name?experiment_name={Uri.EscapeDataString(name)}");
        var wrongCase = await Server.GetAsync($"{Api}/get-by-name?experiment_name={Uri.EscapeDataString(name.ToUpperInvariant())}");

        found.Json.GetProperty("experiment").GetProperty("experiment_id").GetString().Should().Be(id);
        wrongCase.Status.Should().Be(404);
        wrongCase.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task RenameChangesTheNameAndRefusesTakenNamesAndDeletedExperiments()
    {
        var id = await Server.CreateExperimentAsync("a");
        var other = await Server.CreateExperimentAsync("b");
        var otherName = (await Server.GetAsync($"{Api}/get?experiment_id={other}")).Json.GetProperty("experiment").GetProperty("name").GetString();
        var newName = $"renamed-{Guid.NewGuid():N}";

        (await Server.PostAsync($"{Api}/update", new { experiment_id = id, new_name = newName })).EnsureOk();
        var taken = await Server.PostAsync($"{Api}/update", new { experiment_id = id, new_name = otherName });
        (await Server.PostAsync($"{Api}/delete", new { experiment_id = other })).EnsureOk();
        var deleted = await Server.PostAsync($"{Api}/update", new { experiment_id = other, new_name = "x" + newName });

        (await Server.GetAsync($"{Api}/get?experiment_id={id}")).Json.GetProperty("experiment").GetProperty("name").GetString().Should().Be(newName);
        taken.Status.Should().Be(400);
        deleted.Status.Should().Be(400, "MLflow's INVALID_STATE 500 would make clients retry for a minute");
        deleted.Message.Should().Be("Cannot rename a non-active experiment.");
    }

    [Test]
    public async Task DeleteAndRestoreCascadeToAllRunsOfTheExperiment()
    {
        var id = await Server.CreateExperimentAsync();
        var run1 = await Server.CreateRunAsync(id);
        var run2 = await Server.CreateRunAsync(id);
        (await Server.PostAsync("/api/2.0/mlflow/runs/delete", new { run_id = run2 })).EnsureOk();

        (await Server.PostAsync($"{Api}/delete", new { experiment_id = id })).EnsureOk();
        var afterDelete = await RunStages(run1, run2);
        var experimentStage = (await Server.GetAsync($"{Api}/get?experiment_id={id}")).Json.GetProperty("experiment").GetProperty("lifecycle_stage").GetString();
        (await Server.PostAsync($"{Api}/restore", new { experiment_id = id })).EnsureOk();
        var afterRestore = await RunStages(run1, run2);

        experimentStage.Should().Be("deleted");
        afterDelete.Should().Equal("deleted", "deleted");
        afterRestore.Should().Equal("active", "active");
    }

    [Test]
    public async Task DeleteOfADeletedOrUnknownExperimentAndRestoreOfAnActiveOneAre404()
    {
        var id = await Server.CreateExperimentAsync();

        var restoreActive = await Server.PostAsync($"{Api}/restore", new { experiment_id = id });
        (await Server.PostAsync($"{Api}/delete", new { experiment_id = id })).EnsureOk();
        var deleteAgain = await Server.PostAsync($"{Api}/delete", new { experiment_id = id });
        var deleteUnknown = await Server.PostAsync($"{Api}/delete", new { experiment_id = "987654" });

        restoreActive.Status.Should().Be(404);
        deleteAgain.Status.Should().Be(404);
        deleteUnknown.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task ExperimentTagsAreUpsertedDeletedAndRefusedOnDeletedExperiments()
    {
        var id = await Server.CreateExperimentAsync();

        (await Server.PostAsync($"{Api}/set-experiment-tag", new { experiment_id = id, key = "mlflow.note.content", value = "v1" })).EnsureOk();
        (await Server.PostAsync($"{Api}/set-experiment-tag", new { experiment_id = id, key = "mlflow.note.content", value = "v2" })).EnsureOk();
        (await Server.PostAsync($"{Api}/set-experiment-tag", new { experiment_id = id, key = "other", value = "x" })).EnsureOk();
        (await Server.PostAsync($"{Api}/delete-experiment-tag", new { experiment_id = id, key = "other" })).EnsureOk();
        var tags = (await Server.GetAsync($"{Api}/get?experiment_id={id}")).Json.GetProperty("experiment").GetProperty("tags");
        var missing = await Server.PostAsync($"{Api}/delete-experiment-tag", new { experiment_id = id, key = "other" });
        (await Server.PostAsync($"{Api}/delete", new { experiment_id = id })).EnsureOk();
        var onDeleted = await Server.PostAsync($"{Api}/set-experiment-tag", new { experiment_id = id, key = "k", value = "v" });

        tags.GetArrayLength().Should().Be(1);
        tags[0].GetProperty("value").GetString().Should().Be("v2");
        missing.Status.Should().Be(404);
        onDeleted.Status.Should().Be(400);
        onDeleted.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [Test]
    public async Task NumericExperimentIdInTheBodyIsAccepted()
    {
        var id = await Server.CreateExperimentAsync();

        var response = await Server.PostAsync($"{Api}/set-experiment-tag", $$"""{"experiment_id": {{id}}, "key": "k", "value": "v"}""");

        response.Status.Should().Be(200);
        response.Body.Should().Be("{}");
    }

    [Test]
    public async Task AjaxPrefixServesTheSameRoutes()
    {
        var response = await Server.GetAsync("/ajax-api/2.0/mlflow/experiments/get?experiment_id=0");

        response.Status.Should().Be(200);
        response.Json.GetProperty("experiment").GetProperty("name").GetString().Should().Be("Default");
    }

    private async Task<string[]> RunStages(params string[] runIds)
    {
        var stages = new List<string>();
        foreach (var runId in runIds)
        {
            var run = await Server.GetAsync($"/api/2.0/mlflow/runs/get?run_id={runId}");
            stages.Add(run.Json.GetProperty("run").GetProperty("info").GetProperty("lifecycle_stage").GetString()!);
        }

        return [.. stages];
    }
}
