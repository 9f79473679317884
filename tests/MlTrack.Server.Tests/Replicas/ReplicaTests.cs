using System.Net;
using System.Text;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Replicas;

/// <summary>
/// Two server replicas on their own ports over one PostgreSQL database and one artifact folder behave as one server:
/// writes through both at once are neither lost nor duplicated, and params, names and version numbers stay unique
/// across them.
/// </summary>
public sealed class ReplicaTests() : ReplicaFixture(2)
{
    [Test]
    public async Task ConcurrentBatchesThroughBothReplicasAreAllStoredOnceAndReadAlikeThroughEither()
    {
        var experimentId = await A.CreateExperimentAsync();
        var runs = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? A : B).CreateRunAsync(experimentId, startTime: i)));
        const int Batches = 20;
        const int PointsPerBatch = 100;

        // Every run gets batches through both replicas at once; each batch also resends one point of the previous
        // batch (an exact duplicate) and the same param, which must neither duplicate nor fail.
        await Task.WhenAll(runs.SelectMany(run => Enumerable.Range(0, Batches).Select(async batch =>
        {
            var replica = batch % 2 == 0 ? A : B;
            var metrics = Enumerable.Range(batch * PointsPerBatch, PointsPerBatch)
                .Append(Math.Max(0, batch * PointsPerBatch - 1))
                .Select(step => new { key = "loss", value = step * 0.5, timestamp = 1000 + step, step });
            var response = await replica.PostAsync("/api/2.0/mlflow/runs/log-batch", new
            {
                run_id = run,
                metrics,
                @params = new[] { new { key = "lr", value = "0.1" } },
                tags = new[] { new { key = $"batch.{batch}", value = "done" } },
            });
            response.EnsureOk();
        })));

        foreach (var replica in Replicas)
        {
            foreach (var run in runs)
            {
                var history = await replica.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=loss");
                history.EnsureOk();
                var steps = history.Json.GetProperty("metrics").EnumerateArray().Select(m => m.GetProperty("step").GetInt64()).ToList();
                steps.Should().HaveCount(Batches * PointsPerBatch).And.OnlyHaveUniqueItems();

                var got = await replica.GetAsync($"/api/2.0/mlflow/runs/get?run_id={run}");
                var data = got.Json.GetProperty("run").GetProperty("data");
                var latest = data.GetProperty("metrics").EnumerateArray().Single();
                latest.GetProperty("step").GetInt64().Should().Be(Batches * PointsPerBatch - 1);
                data.GetProperty("params").EnumerateArray().Should().ContainSingle();
                data.GetProperty("tags").EnumerateArray().Count(t => t.GetProperty("key").GetString()!.StartsWith("batch.", StringComparison.Ordinal))
                    .Should().Be(Batches);
            }

            var search = await replica.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experimentId }, max_results = 100 });
            search.Json.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString())
                .Should().BeEquivalentTo(runs);
        }
    }

    [Test]
    public async Task AParamLoggedWithDifferentValuesThroughBothReplicasAtOnceKeepsExactlyOneValue()
    {
        var experimentId = await A.CreateExperimentAsync();
        for (var round = 0; round < 10; round++)
        {
            var run = await A.CreateRunAsync(experimentId);
            var answers = await Task.WhenAll(
                A.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "alpha", value = "A" }),
                B.PostAsync("/api/2.0/mlflow/runs/log-parameter", new { run_id = run, key = "alpha", value = "B" }));

            answers.Count(a => a.Status == 200).Should().Be(1, "one replica's value is stored and the other is refused");
            answers.Single(a => a.Status != 200).ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
            var stored = (await B.GetAsync($"/api/2.0/mlflow/runs/get?run_id={run}")).Json
                .GetProperty("run").GetProperty("data").GetProperty("params").EnumerateArray().Single().GetProperty("value").GetString();
            stored.Should().Be(answers[0].Status == 200 ? "A" : "B");
        }
    }

    [Test]
    public async Task NamesCreatedThroughBothReplicasAtOnceAreTakenOnce()
    {
        for (var round = 0; round < 10; round++)
        {
            var name = $"replicated-{Guid.NewGuid():N}";
            var experiments = await Task.WhenAll(Replicas.Select(r => r.PostAsync("/api/2.0/mlflow/experiments/create", new { name })));
            experiments.Count(a => a.Status == 200).Should().Be(1);
            experiments.Single(a => a.Status != 200).ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");

            var models = await Task.WhenAll(Replicas.Select(r => r.PostAsync("/api/2.0/mlflow/registered-models/create", new { name })));
            models.Count(a => a.Status == 200).Should().Be(1);
            models.Single(a => a.Status != 200).ErrorCode.Should().Be("RESOURCE_ALREADY_EXISTS");
        }
    }

    [Test]
    public async Task ModelVersionsCreatedThroughBothReplicasAtOnceGetDistinctConsecutiveNumbers()
    {
        var name = $"versions-{Guid.NewGuid():N}";
        (await A.PostAsync("/api/2.0/mlflow/registered-models/create", new { name })).EnsureOk();

        var created = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            Replicas[i % 2].PostAsync("/api/2.0/mlflow/model-versions/create", new { name, source = $"s3://bucket/model-{i}" })));

        created.Should().OnlyContain(a => a.Status == 200);
        created.Select(a => int.Parse(a.Json.GetProperty("model_version").GetProperty("version").GetString()!, System.Globalization.CultureInfo.InvariantCulture))
            .Should().BeEquivalentTo(Enumerable.Range(1, 20));
    }

    [Test]
    public async Task AnArtifactUploadedThroughOneReplicaDownloadsThroughTheOther()
    {
        var path = $"1/{Guid.NewGuid():N}/artifacts/model.txt";
        var content = Encoding.UTF8.GetBytes("weights");
        using var put = await A.Client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}", new ByteArrayContent(content));
        using var get = await B.Client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{path}");

        put.StatusCode.Should().Be(HttpStatusCode.OK);
        (await get.Content.ReadAsByteArrayAsync()).Should().Equal(content);
    }
}
