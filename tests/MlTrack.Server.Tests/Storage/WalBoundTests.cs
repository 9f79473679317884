using System.Text;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Storage;

/// <summary>
/// Under sustained ingest the writer never pauses, so a PASSIVE checkpoint alone never lets the WAL start over and
/// the -wal file grew without bound. With a 1 MiB limit (checked every 100 ms) it must stay small while writers and
/// readers keep going, and every point must still be there.
/// </summary>
[Category(TestDatabase.SqliteOnly)]
public sealed class WalBoundTests
{
    private const long WalLimit = 1 << 20;
    private const int Writers = 4;
    private const int Keys = 10;
    private const int StepsPerBatch = 100;

    // 320,000 points: at about 60 bytes of WAL each, some 18 MiB of log without resets.
    private const int BatchesPerWriter = 80;

    [Test]
    public async Task TheWalStaysBoundedUnderSustainedIngestWithReadersAndNoPointIsLost()
    {
        if (TestDatabase.IsPostgres)
        {
            Assert.Ignore("The WAL is SQLite's.");
        }

        await using var server = await RunningServer.StartAsync(options => options with
        {
            SqliteWalLimitBytes = WalLimit,
            SqliteCheckpointEvery = TimeSpan.FromMilliseconds(100),
        });
        var wal = Path.Combine(server.Directory, "mlruns.db-wal");
        var experiment = await server.CreateExperimentAsync();
        var runs = await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => server.CreateRunAsync(experiment)));

        using var stop = new CancellationTokenSource();
        var writers = Task.WhenAll(runs.Select(run => Task.Run(async () =>
        {
            for (var batch = 0; batch < BatchesPerWriter; batch++)
            {
                (await server.PostAsync("/api/2.0/mlflow/runs/log-batch", Batch(run, batch))).EnsureOk();
            }
        })));
        var readers = runs.Take(2).Select(run => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                (await server.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=k0")).EnsureOk();
                (await server.PostAsync("/api/2.0/mlflow/runs/search", new { experiment_ids = new[] { experiment }, max_results = 100 })).EnsureOk();
            }
        }));
        var sizes = new List<long>();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                sizes.Add(File.Exists(wal) ? new FileInfo(wal).Length : 0);
                await Task.Delay(20);
            }
        });
        await writers;
        await stop.CancelAsync();
        await Task.WhenAll([.. readers, sampler]);

        const long written = (long)Writers * BatchesPerWriter * Keys * StepsPerBatch;
        TestContext.Out.WriteLine($"{written:N0} points, WAL at most {sizes.Max():N0} bytes over {sizes.Count} samples");
        // The limit plus what 100 ms of ingest adds, and room for a reset that had to wait for a reader.
        sizes.Max().Should().BeLessThan(6 * WalLimit);

        var read = 0L;
        foreach (var run in runs)
        {
            for (var k = 0; k < Keys; k++)
            {
                var history = await server.GetAsync($"/api/2.0/mlflow/metrics/get-history?run_id={run}&metric_key=k{k}");
                history.EnsureOk();
                read += history.Json.GetProperty("metrics").GetArrayLength();
            }
        }

        read.Should().Be(written);
    }

    // Keys k0..k9, 100 new steps each.
    private static string Batch(string runId, int batch)
    {
        var json = new StringBuilder($"{{\"run_id\":\"{runId}\",\"metrics\":[");
        for (var k = 0; k < Keys; k++)
        {
            for (var i = 0; i < StepsPerBatch; i++)
            {
                var step = (long)batch * StepsPerBatch + i;
                json.Append($"{{\"key\":\"k{k}\",\"value\":{step},\"timestamp\":{step},\"step\":{step}}},");
            }
        }

        json.Length--;
        return json.Append("]}").ToString();
    }
}
