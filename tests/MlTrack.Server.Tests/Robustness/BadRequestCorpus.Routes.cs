using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>Every route with a valid request and its fields, the basis that each bad case changes in one thing.</summary>
internal sealed partial class BadRequestCorpus
{
    // ---------------------------------------------------------------- routes and their valid requests

    private sealed record Field(string Path, Kind Kind, Need Need = Need.Optional);

    private sealed record PostRoute(string Path, Func<JsonObject> Valid, Field[] Fields, bool AlsoGet = false);

    private sealed record GetRoute(string Path, Func<List<(string Key, string Value)>> Valid, Field[] Fields, bool AjaxOnly = false);

    private int Next() => Interlocked.Increment(ref _unique);

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private PostRoute[] PostRoutes()
    {
        var ids = _ids;
        Field RunIdField() => new("run_id", Kind.RunId, Need.NonEmpty);
        return
        [
            new("/mlflow/experiments/create", () => new JsonObject
            {
                ["name"] = $"corpus-create-{Number(Next())}",
                ["tags"] = new JsonArray(new JsonObject { ["key"] = "k", ["value"] = "v" }),
            }, [
                new("name", Kind.Text, Need.NonEmpty), new("artifact_location", Kind.Text), new("tags", Kind.ObjectList),
                new("tags/0/key", Kind.Text, Need.NonEmpty), new("tags/0/value", Kind.Text),
            ]),
            new("/mlflow/experiments/update", () => new JsonObject
            {
                ["experiment_id"] = ids.ScratchExperiment, ["new_name"] = $"corpus-renamed-{Number(Next())}",
            }, [new("experiment_id", Kind.ExperimentId, Need.NonEmpty), new("new_name", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/experiments/delete", () => new JsonObject { ["experiment_id"] = ids.VictimExperiment },
                [new("experiment_id", Kind.ExperimentId, Need.NonEmpty)]),
            new("/mlflow/experiments/restore", () => new JsonObject { ["experiment_id"] = ids.RestoreExperiment },
                [new("experiment_id", Kind.ExperimentId, Need.NonEmpty)]),
            new("/mlflow/experiments/set-experiment-tag", () => new JsonObject
            {
                ["experiment_id"] = ids.MainExperiment, ["key"] = "corpus.tag", ["value"] = "v",
            }, [new("experiment_id", Kind.ExperimentId, Need.NonEmpty), new("key", Kind.Text, Need.NonEmpty), new("value", Kind.Text)]),
            new("/mlflow/experiments/delete-experiment-tag", () => new JsonObject
            {
                ["experiment_id"] = ids.MainExperiment, ["key"] = ids.SeedExperimentTagKey,
            }, [new("experiment_id", Kind.ExperimentId, Need.NonEmpty), new("key", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/experiments/search", () => new JsonObject
            {
                ["max_results"] = 10, ["filter"] = "name LIKE 'corpus%'", ["view_type"] = "ALL", ["order_by"] = new JsonArray("name"),
            }, [
                new("max_results", Kind.Int64, Need.Present), new("filter", Kind.Text), new("view_type", Kind.ViewType),
                new("order_by", Kind.TextList), new("page_token", Kind.Text),
            ], AlsoGet: true),
            new("/mlflow/runs/create", () => new JsonObject
            {
                ["experiment_id"] = ids.ScratchExperiment, ["run_name"] = $"corpus-run-{Number(Next())}", ["start_time"] = 5,
                ["user_id"] = "corpus", ["tags"] = new JsonArray(new JsonObject { ["key"] = "k", ["value"] = "v" }),
            }, [
                new("experiment_id", Kind.ExperimentId, Need.NonEmpty), new("user_id", Kind.Text), new("run_name", Kind.Text),
                new("start_time", Kind.Int64), new("tags", Kind.ObjectList), new("tags/0/key", Kind.Text, Need.NonEmpty),
                new("tags/0/value", Kind.Text),
            ]),
            new("/mlflow/runs/update", () => new JsonObject
            {
                ["run_id"] = ids.ScratchRun, ["status"] = "FINISHED", ["end_time"] = 5, ["run_name"] = "corpus-renamed",
            }, [RunIdField(), new("status", Kind.RunStatus), new("end_time", Kind.Int64), new("run_name", Kind.Text)]),
            new("/mlflow/runs/delete", () => new JsonObject { ["run_id"] = ids.VictimRun }, [RunIdField()]),
            new("/mlflow/runs/restore", () => new JsonObject { ["run_id"] = ids.RestoreRun }, [RunIdField()]),
            new("/mlflow/runs/search", () => new JsonObject
            {
                ["experiment_ids"] = new JsonArray(ids.MainExperiment), ["filter"] = "metrics.x > 1", ["max_results"] = 10,
                ["order_by"] = new JsonArray("start_time DESC"), ["run_view_type"] = "ALL",
            }, [
                new("experiment_ids", Kind.TextList), new("filter", Kind.Text), new("run_view_type", Kind.ViewType),
                new("max_results", Kind.Int64), new("order_by", Kind.TextList), new("page_token", Kind.Text),
            ]),
            new("/mlflow/runs/set-tag", () => new JsonObject { ["run_id"] = ids.MainRun, ["key"] = "corpus.tag", ["value"] = "v" },
                [RunIdField(), new("key", Kind.Text, Need.NonEmpty), new("value", Kind.Text)]),
            new("/mlflow/runs/delete-tag", () => new JsonObject { ["run_id"] = ids.MainRun, ["key"] = ids.SeedTagKey },
                [RunIdField(), new("key", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/runs/log-metric", () => new JsonObject
            {
                ["run_id"] = ids.MainRun, ["key"] = "corpus.metric", ["value"] = 1.5, ["timestamp"] = 1000, ["step"] = 1,
            }, [
                RunIdField(), new("key", Kind.Text, Need.NonEmpty), new("value", Kind.Double, Need.Present),
                new("timestamp", Kind.Int64, Need.Present), new("step", Kind.Int64),
            ]),
            new("/mlflow/runs/log-parameter", () => new JsonObject { ["run_id"] = ids.MainRun, ["key"] = "corpus.param", ["value"] = "v" },
                [RunIdField(), new("key", Kind.Text, Need.NonEmpty), new("value", Kind.Text)]),
            new("/mlflow/runs/log-batch", () => new JsonObject
            {
                ["run_id"] = ids.MainRun,
                ["metrics"] = new JsonArray(new JsonObject { ["key"] = "corpus.metric", ["value"] = 1.5, ["timestamp"] = 1000, ["step"] = 1 }),
                ["params"] = new JsonArray(new JsonObject { ["key"] = "corpus.param", ["value"] = "v" }),
                ["tags"] = new JsonArray(new JsonObject { ["key"] = "corpus.tag", ["value"] = "v" }),
            }, [
                RunIdField(), new("metrics", Kind.ObjectList), new("params", Kind.ObjectList), new("tags", Kind.ObjectList),
                new("metrics/0/key", Kind.Text, Need.NonEmpty), new("metrics/0/value", Kind.Double, Need.Present),
                new("metrics/0/timestamp", Kind.Int64, Need.Present), new("metrics/0/step", Kind.Int64),
                new("params/0/key", Kind.Text, Need.NonEmpty), new("params/0/value", Kind.Text),
                new("tags/0/key", Kind.Text, Need.NonEmpty), new("tags/0/value", Kind.Text),
            ]),
            new("/mlflow/runs/log-inputs", () => new JsonObject
            {
                ["run_id"] = ids.MainRun,
                ["datasets"] = new JsonArray(new JsonObject
                {
                    ["dataset"] = new JsonObject { ["name"] = "corpus-ds", ["digest"] = "d1", ["source_type"] = "local", ["source"] = "{}" },
                    ["tags"] = new JsonArray(new JsonObject { ["key"] = "mlflow.data.context", ["value"] = "train" }),
                }),
            }, [
                RunIdField(), new("datasets", Kind.ObjectList, Need.Present), new("datasets/0/dataset", Kind.Object, Need.Present),
                new("datasets/0/dataset/name", Kind.Text, Need.NonEmpty), new("datasets/0/dataset/digest", Kind.Text, Need.NonEmpty),
                new("datasets/0/dataset/source_type", Kind.Text, Need.NonEmpty), new("datasets/0/dataset/source", Kind.Text, Need.NonEmpty),
                new("datasets/0/dataset/schema", Kind.Text), new("datasets/0/dataset/profile", Kind.Text),
                new("datasets/0/tags/0/key", Kind.Text, Need.NonEmpty), new("datasets/0/tags/0/value", Kind.Text, Need.Present),
            ]),
            new("/mlflow/runs/log-model", () => new JsonObject
            {
                ["run_id"] = ids.MainRun,
                ["model_json"] = $$"""{"artifact_path": "model", "flavors": {}, "utc_time_created": "2024-01-01", "run_id": "{{ids.MainRun}}"}""",
            }, [RunIdField(), new("model_json", Kind.Text, Need.NonEmpty)]),
        ];
    }

    private GetRoute[] GetRoutes()
    {
        var ids = _ids;
        return
        [
            new("/mlflow/experiments/get", () => [("experiment_id", ids.MainExperiment)], [new("experiment_id", Kind.ExperimentId, Need.NonEmpty)]),
            new("/mlflow/experiments/get-by-name", () => [("experiment_name", Uri.EscapeDataString(ids.MainExperimentName))],
                [new("experiment_name", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/experiments/search", () => [("max_results", "10"), ("view_type", "ALL"), ("order_by", "name")], [
                new("max_results", Kind.Int64, Need.Present), new("filter", Kind.Text), new("view_type", Kind.ViewType),
                new("order_by", Kind.TextList), new("page_token", Kind.Text),
            ]),
            new("/mlflow/runs/get", () => [("run_id", ids.MainRun)], [new("run_id", Kind.RunId, Need.NonEmpty)]),
            new("/mlflow/metrics/get-history", () => [("run_id", ids.MainRun), ("metric_key", ids.SeedMetricKey)],
                [new("run_id", Kind.RunId, Need.NonEmpty), new("metric_key", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/metrics/get-history-bulk-interval", () => [("run_ids", ids.MainRun), ("metric_key", ids.SeedMetricKey)], [
                new("run_ids", Kind.TextList, Need.Present), new("metric_key", Kind.Text, Need.NonEmpty), new("start_step", Kind.Int64),
                new("end_step", Kind.Int64), new("max_results", Kind.Int64),
            ]),
            new("/mlflow/metrics/get-history-bulk", () => [("run_id", ids.MainRun), ("metric_key", ids.SeedMetricKey)], [
                new("run_id", Kind.TextList, Need.Present), new("metric_key", Kind.Text, Need.NonEmpty), new("max_results", Kind.Int64),
            ], AjaxOnly: true),
        ];
    }
}
