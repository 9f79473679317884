using System.Text.Json;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Api;

public sealed class RunsApiTests : ServerTestBase
{
    private const string Api = "/api/2.0/mlflow/runs";

    [Test]
    public async Task CreatedRunIsRunningWithAGeneratedNameAndProxiedArtifactUri()
    {
        var experimentId = await Server.CreateExperimentAsync();

        var response = await Server.PostAsync($"{Api}/create", new { experiment_id = experimentId, start_time = 1234, user_id = "alice" });

        response.Status.Should().Be(200);
        var run = response.Json.GetProperty("run");
        var info = run.GetProperty("info");
        var runId = info.GetProperty("run_id").GetString()!;
        runId.Should().MatchRegex("^[0-9a-f]{32}$");
        info.GetProperty("run_uuid").GetString().Should().Be(runId);
        info.GetProperty("experiment_id").GetString().Should().Be(experimentId);
        info.GetProperty("status").GetString().Should().Be("RUNNING");
        info.GetProperty("start_time").GetInt64().Should().Be(1234);
        info.GetProperty("user_id").GetString().Should().Be("alice");
        info.GetProperty("lifecycle_stage").GetString().Should().Be("active");
        info.GetProperty("artifact_uri").GetString().Should().Be($"mlflow-artifacts:/{experimentId}/{runId}/artifacts");
        info.TryGetProperty("end_time", out _).Should().BeFalse();
        var runName = info.GetProperty("run_name").GetString()!;
        runName.Should().MatchRegex(@"^[a-z]+-[a-z]+-\d+$");
        Tags(run).Should().Contain("mlflow.runName", runName);
        run.TryGetProperty("inputs", out _).Should().BeFalse("the create answer omits inputs, as MLflow's");
    }

    [Test]
    public async Task GetAnswersInputsAsAnEmptyObjectAndAcceptsRunUuid()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());

        var response = await Server.GetAsync($"{Api}/get?run_uuid={runId}");

        response.Status.Should().Be(200);
        response.Json.GetProperty("run").GetProperty("inputs").GetRawText().Should().Be("{}");
    }

    [Test]
    public async Task CreateWithoutStartTimeOrUserStoresZeroAndEmptyUser()
    {
        var experimentId = await Server.CreateExperimentAsync();

        var info = (await Server.PostAsync($"{Api}/create", new { experiment_id = experimentId })).Json.GetProperty("run").GetProperty("info");

        info.GetProperty("start_time").GetInt64().Should().Be(0);
        info.GetProperty("user_id").GetString().Should().Be("");
    }

    [Test]
    public async Task RunNameComesFromTheRunNameTagWhenNotGiven()
    {
        var experimentId = await Server.CreateExperimentAsync();

        var info = (await Server.PostAsync($"{Api}/create", new
        {
            experiment_id = experimentId,
            tags = new[] { new { key = "mlflow.runName", value = "from-tag" } },
        })).Json.GetProperty("run").GetProperty("info");

        info.GetProperty("run_name").GetString().Should().Be("from-tag");
    }

    [Test]
    public async Task RunNameAndRunNameTagThatDisagreeAreRefused()
    {
        var experimentId = await Server.CreateExperimentAsync();

        var response = await Server.PostAsync($"{Api}/create", new
        {
            experiment_id = experimentId,
            run_name = "a",
            tags = new[] { new { key = "mlflow.runName", value = "b" } },
        });

        response.Status.Should().Be(400);
        response.Message.Should().Contain("run_name='a', mlflow.runName='b'");
    }

    [Test]
    public async Task CreateInAnUnknownExperimentIs404AndInADeletedOneIs400()
    {
        var deleted = await Server.CreateExperimentAsync();
        (await Server.PostAsync("/api/2.0/mlflow/experiments/delete", new { experiment_id = deleted })).EnsureOk();

        var unknown = await Server.PostAsync($"{Api}/create", new { experiment_id = "424242" });
        var inDeleted = await Server.PostAsync($"{Api}/create", new { experiment_id = deleted });
        var missing = await Server.PostAsync($"{Api}/create", new { start_time = 1 });

        unknown.Status.Should().Be(404);
        unknown.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
        inDeleted.Status.Should().Be(400);
        inDeleted.Message.Should().Be($"The experiment {deleted} must be in the 'active' state. Current state is deleted.");
        missing.Status.Should().Be(400);
    }

    [Test]
    public async Task GetOfAnUnknownRunIs404()
    {
        var response = await Server.GetAsync($"{Api}/get?run_id=0123456789abcdef0123456789abcdef");

        response.Status.Should().Be(404);
        response.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
        response.Message.Should().Be("Run with id=0123456789abcdef0123456789abcdef not found");
    }

    [Test]
    public async Task UpdateChangesOnlyTheGivenFieldsAndRenamesThroughTheTag()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync(), runName: "before");

        var finished = await Server.PostAsync($"{Api}/update", new { run_id = runId, run_uuid = runId, status = "FINISHED", end_time = 99 });
        var renamed = await Server.PostAsync($"{Api}/update", new { run_id = runId, run_name = "after" });
        var resumed = await Server.PostAsync($"{Api}/update", new { run_id = runId, status = 1 });
        var run = (await Server.GetAsync($"{Api}/get?run_id={runId}")).Json.GetProperty("run");

        finished.Json.GetProperty("run_info").GetProperty("status").GetString().Should().Be("FINISHED");
        finished.Json.GetProperty("run_info").GetProperty("end_time").GetInt64().Should().Be(99);
        renamed.Json.GetProperty("run_info").GetProperty("status").GetString().Should().Be("FINISHED");
        resumed.Json.GetProperty("run_info").GetProperty("status").GetString().Should().Be("RUNNING", "mlflow run resumes a finished run");
        run.GetProperty("info").GetProperty("run_name").GetString().Should().Be("after");
        run.GetProperty("info").GetProperty("end_time").GetInt64().Should().Be(99);
        Tags(run).Should().Contain("mlflow.runName", "after");
    }

    [Test]
    public async Task UpdateWithAnUnknownStatusIsATypeError()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());

        var response = await Server.PostAsync($"{Api}/update", new { run_id = runId, status = "DONE" });

        response.Status.Should().Be(400);
        response.Message.Should().Contain("Invalid value DONE for parameter 'status' supplied.");
    }

    [Test]
    public async Task DeleteAndRestoreAreIdempotent()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());

        (await Server.PostAsync($"{Api}/delete", new { run_id = runId })).EnsureOk();
        (await Server.PostAsync($"{Api}/delete", new { run_id = runId })).EnsureOk();
        var deleted = await Stage(runId);
        (await Server.PostAsync($"{Api}/restore", new { run_id = runId })).EnsureOk();
        (await Server.PostAsync($"{Api}/restore", new { run_id = runId })).EnsureOk();

        deleted.Should().Be("deleted");
        (await Stage(runId)).Should().Be("active");
    }

    [TestCase("runs/log-metric", """{"key": "m", "value": 1, "timestamp": 1}""")]
    [TestCase("runs/log-parameter", """{"key": "p", "value": "1"}""")]
    [TestCase("runs/set-tag", """{"key": "t", "value": "1"}""")]
    [TestCase("runs/delete-tag", """{"key": "mlflow.runName"}""")]
    [TestCase("runs/log-batch", """{"tags": [{"key": "t", "value": "1"}]}""")]
    [TestCase("runs/update", """{"status": "FINISHED"}""")]
    [TestCase("runs/log-inputs", """{"datasets": []}""")]
    [TestCase("runs/log-model", """{"model_json": "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"x\", \"run_id\": \"r\"}"}""")]
    public async Task WritesToADeletedRunAreRefused(string route, string fields)
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());
        (await Server.PostAsync($"{Api}/delete", new { run_id = runId })).EnsureOk();

        var response = await Server.PostAsync($"/api/2.0/mlflow/{route}", $$"""{"run_id": "{{runId}}", {{fields[1..]}}""");

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        response.Message.Should().Be($"The run {runId} must be in the 'active' state. Current state is deleted.");
    }

    [Test]
    public async Task WritesToAFinishedRunAreAllowed()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());
        (await Server.PostAsync($"{Api}/update", new { run_id = runId, status = "FINISHED" })).EnsureOk();

        var response = await Server.PostAsync($"{Api}/set-tag", new { run_id = runId, key = "late", value = "ok" });

        response.Status.Should().Be(200);
    }

    [Test]
    public async Task SetTagUpsertsAndTheRunNameTagRenamesTheRun()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());

        (await Server.PostAsync($"{Api}/set-tag", new { run_uuid = runId, key = "k", value = "1" })).EnsureOk();
        (await Server.PostAsync($"{Api}/set-tag", new { run_id = runId, key = "k", value = "2" })).EnsureOk();
        (await Server.PostAsync($"{Api}/set-tag", new { run_id = runId, key = "mlflow.runName", value = "renamed" })).EnsureOk();
        var run = (await Server.GetAsync($"{Api}/get?run_id={runId}")).Json.GetProperty("run");

        Tags(run).Should().Contain("k", "2");
        run.GetProperty("info").GetProperty("run_name").GetString().Should().Be("renamed");
    }

    [Test]
    public async Task DeleteTagRemovesItAndAMissingTagIs404()
    {
        var runId = await Server.CreateRunAsync(await Server.CreateExperimentAsync());
        (await Server.PostAsync($"{Api}/set-tag", new { run_id = runId, key = "gone", value = "1" })).EnsureOk();

        (await Server.PostAsync($"{Api}/delete-tag", new { run_id = runId, key = "gone" })).EnsureOk();
        var again = await Server.PostAsync($"{Api}/delete-tag", new { run_id = runId, key = "gone" });

        Tags((await Server.GetAsync($"{Api}/get?run_id={runId}")).Json.GetProperty("run")).Should().NotContainKey("gone");
        again.Status.Should().Be(404);
        again.Message.Should().Be($"No tag with name: gone in run with id {runId}");
    }

    internal static Dictionary<string, string> Tags(JsonElement run) =>
        run.GetProperty("data").TryGetProperty("tags", out var tags)
            ? tags.EnumerateArray().ToDictionary(t => t.GetProperty("key").GetString()!, t => t.GetProperty("value").GetString()!)
            : [];

    private async Task<string> Stage(string runId) =>
        (await Server.GetAsync($"{Api}/get?run_id={runId}")).Json.GetProperty("run").GetProperty("info").GetProperty("lifecycle_stage").GetString()!;
}
