using System.Globalization;
using System.Text;

namespace MlTrack.Ui.Tests.Support;

/// <summary>
/// What the browser tests look at, logged through the REST API like any client would: a retraining experiment
/// with 130 runs (more than one page), metric histories, artifacts of every previewable kind, and registered versions.
/// </summary>
internal sealed class SeedData
{
    public const string RetrainingExperiment = "wine-retraining";
    public const int RetrainingRuns = 130;
    public const string ModelName = "wine-quality";
    public const long Start = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    // A 2x2 PNG (red, green / blue, white), small enough to inline and a real image for the preview.
    private static readonly byte[] Png = Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGP4z8DAAMIM/4EAAB/uBfsL2WiLAAAAAElFTkSuQmCC");

    public string RetrainingId { get; private set; } = "";
    public string SpareExperimentId { get; private set; } = "";
    public List<string> RunIds { get; } = [];

    /// <summary>The run with artifacts and registered versions: retrain-007.</summary>
    public string ChampionRunId { get; private set; } = "";

    public string ChallengerRunId { get; private set; } = "";

    public static double Rmse(int i) => Math.Round(0.55 + (((i * 37) % 101) / 100.0), 4);

    public static string Alpha(int i) => (0.1 * (1 + (i % 5))).ToString("0.0", CultureInfo.InvariantCulture);

    public static async Task<SeedData> LogAsync(UiServer server)
    {
        var seed = new SeedData();
        seed.RetrainingId = await server.CreateExperimentAsync(RetrainingExperiment);
        seed.SpareExperimentId = await server.CreateExperimentAsync("scratch-experiment");
        await server.CreateExperimentAsync("drift-monitoring");

        for (var i = 0; i < RetrainingRuns; i++)
        {
            var start = Start + (i * 3_600_000L);
            var runId = await server.CreateRunAsync(seed.RetrainingId, $"retrain-{i:000}", start, i % 2 == 0 ? "ana" : "ben");
            seed.RunIds.Add(runId);
            var rmse = Rmse(i);
            // rmse falls over 30 steps towards its final value; r2 and mae are logged once.
            var metrics = Enumerable.Range(0, 30)
                .Select(step => (object)new { key = "rmse", value = Math.Round(rmse + ((29 - step) * 0.02), 4), timestamp = start + (step * 1000L), step })
                .Append(new { key = "r2", value = Math.Round(1 - rmse / 2, 4), timestamp = start, step = 0 })
                .Append(new { key = "mae", value = Math.Round(rmse * 0.8, 4), timestamp = start, step = 0 })
                .ToArray();
            await server.PostAsync("runs/log-batch", new
            {
                run_id = runId,
                metrics,
                @params = new[]
                {
                    new { key = "alpha", value = Alpha(i) },
                    new { key = "l1_ratio", value = (i % 3 == 0 ? 0.1 : 0.5).ToString("0.0", CultureInfo.InvariantCulture) },
                    new { key = "data_file", value = $"wine-{i / 10:00}.csv" },
                },
                tags = new[] { new { key = "retrain.trigger", value = i % 4 == 0 ? "schedule" : "new-data" } },
            });
            await server.PostAsync("runs/update", new { run_id = runId, status = i % 17 == 5 ? "FAILED" : "FINISHED", end_time = start + 90_000 + (i * 1000L) });
        }

        seed.ChampionRunId = seed.RunIds[7];
        seed.ChallengerRunId = seed.RunIds[8];
        await LogArtifactsAsync(server, seed.RetrainingId, seed.ChampionRunId);

        await server.PostAsync("registered-models/create", new { name = ModelName, description = "Elastic net on the wine quality data" });
        foreach (var runId in new[] { seed.ChallengerRunId, seed.ChampionRunId })
        {
            await server.PostAsync("model-versions/create", new
            {
                name = ModelName,
                source = $"mlflow-artifacts:/{seed.RetrainingId}/{runId}/artifacts/model",
                run_id = runId,
            });
        }

        await server.PostAsync("registered-models/alias", new { name = ModelName, alias = "champion", version = "2" });
        await server.PostAsync("registered-models/alias", new { name = ModelName, alias = "challenger", version = "1" });
        return seed;
    }

    private static async Task LogArtifactsAsync(UiServer server, string experimentId, string runId)
    {
        var mlmodel = """
            artifact_path: model
            flavors:
              python_function:
                loader_module: mltrack_elasticnet
                python_version: 3.11.2
            model_uuid: 5b0e7c3a1d2f4e6b8a9c0d1e2f3a4b5c
            signature:
              inputs: '[{"type": "double", "name": "alcohol"}]'
              outputs: '[{"type": "double"}]'
            """;
        await server.UploadArtifactAsync(experimentId, runId, "model/MLmodel", Encoding.UTF8.GetBytes(mlmodel), "text/plain");
        await server.UploadArtifactAsync(experimentId, runId, "model/model.json",
            Encoding.UTF8.GetBytes("""{"features":["alcohol","sulphates"],"coefficients":[0.31,0.12],"intercept":5.63}"""), "application/json");
        await server.UploadArtifactAsync(experimentId, runId, "data_schema.csv",
            Encoding.UTF8.GetBytes("column,min,max\nalcohol,8.4,14.9\n\"sulphates, total\",0.33,2.0\n"), "text/csv");
        await server.UploadArtifactAsync(experimentId, runId, "notes.txt", Encoding.UTF8.GetBytes("Retrained after new data arrived."), "text/plain");
        await server.UploadArtifactAsync(experimentId, runId, "plots/predicted_vs_actual.png", Png, "image/png");
    }
}
