using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>Cases aimed at one rule: keys, run ids, search grammar, deleted state, limits.</summary>
internal sealed partial class BadRequestCorpus
{
    // ---------------------------------------------------------------- targeted categories

    private void AddInvalidKeyCases(string prefix)
    {
        var ids = _ids;
        foreach (var key in InvalidKeys[..5].Concat(Sample(InvalidKeys[5..], 6)))
        {
            var json = JsonSerializer.Serialize(key);
            var batchMetric = $$"""{"key": {{json}}, "value": 1, "timestamp": 1, "step": 0}""";
            var item = $$"""{"key": {{json}}, "value": "v"}""";
            Post("invalid-key", prefix + "/mlflow/runs/log-metric", $$"""{"run_id": "{{ids.MainRun}}", "key": {{json}}, "value": 1, "timestamp": 1}""");
            Post("invalid-key", prefix + "/mlflow/runs/log-parameter", $$"""{"run_id": "{{ids.MainRun}}", "key": {{json}}, "value": "v"}""");
            Post("invalid-key", prefix + "/mlflow/runs/set-tag", $$"""{"run_id": "{{ids.MainRun}}", "key": {{json}}, "value": "v"}""");
            Post("invalid-key", prefix + "/mlflow/runs/log-batch", $$"""{"run_id": "{{ids.MainRun}}", "metrics": [{{batchMetric}}]}""");
            Post("invalid-key", prefix + "/mlflow/runs/log-batch", $$"""{"run_id": "{{ids.MainRun}}", "params": [{{item}}]}""");
            Post("invalid-key", prefix + "/mlflow/runs/log-batch", $$"""{"run_id": "{{ids.MainRun}}", "tags": [{{item}}]}""");
            Post("invalid-key", prefix + "/mlflow/experiments/set-experiment-tag",
                $$"""{"experiment_id": "{{ids.MainExperiment}}", "key": {{json}}, "value": "v"}""");
            Post("invalid-key", prefix + "/mlflow/runs/create",
                $$"""{"experiment_id": "{{ids.ScratchExperiment}}", "tags": [{{item}}]}""");
            Post("invalid-key", prefix + "/mlflow/experiments/create",
                $$"""{"name": "corpus-key-{{Number(Next())}}", "tags": [{{item}}]}""");
        }
    }

    private void AddInvalidRunIdCases(string prefix)
    {
        foreach (var runId in Sample(InvalidRunIds, 7))
        {
            var json = JsonSerializer.Serialize(runId);
            foreach (var (route, rest) in new[]
                     {
                         ("update", ", \"status\": \"FINISHED\""), ("delete", ""), ("restore", ""), ("set-tag", ", \"key\": \"k\", \"value\": \"v\""),
                         ("delete-tag", ", \"key\": \"k\""), ("log-metric", ", \"key\": \"m\", \"value\": 1, \"timestamp\": 1"),
                         ("log-parameter", ", \"key\": \"p\", \"value\": \"v\""), ("log-batch", ", \"tags\": [{\"key\": \"k\", \"value\": \"v\"}]"),
                         ("log-batch", ""),
                         ("log-inputs", ", \"datasets\": [{\"dataset\": {\"name\": \"n\", \"digest\": \"d\", \"source_type\": \"t\", \"source\": \"s\"}}]"),
                         ("log-model", ", \"model_json\": \"{\\\"artifact_path\\\": \\\"m\\\", \\\"flavors\\\": {}, \\\"utc_time_created\\\": \\\"t\\\", \\\"run_id\\\": \\\"r\\\"}\""),
                     })
            {
                Post("invalid-run-id", $"{prefix}/mlflow/runs/{route}", $$"""{"run_id": {{json}}{{rest}}}""");
            }

            Post("invalid-run-id", prefix + "/mlflow/runs/set-tag", $$"""{"run_uuid": {{json}}, "key": "k", "value": "v"}""");
            Get("invalid-run-id", prefix + "/mlflow/runs/get", [("run_id", Uri.EscapeDataString(runId))]);
            Get("invalid-run-id", prefix + "/mlflow/runs/get", [("run_uuid", Uri.EscapeDataString(runId))]);
        }

        foreach (var raw in new[] { "%ED%A0%80", "%FF", "%C0%AF", "%00", "..%2F..%2Fetc%2Fpasswd", "%27%20OR%20%271%27%3D%271", "%F0%9F%9A%80" })
        {
            Get("invalid-id-query", prefix + "/mlflow/runs/get", [("run_id", raw)]);
            Get("invalid-id-query", prefix + "/mlflow/experiments/get", [("experiment_id", raw)]);
            Get("invalid-id-query", prefix + "/mlflow/experiments/get-by-name", [("experiment_name", raw)]);
        }

        foreach (var experimentId in new[] { "987654321", "abc", "-1", "1.5", "99999999999999999999", "0x1", "%201", "%D9%A1", "1e3", "+1" })
        {
            Get("unknown-experiment", prefix + "/mlflow/experiments/get", [("experiment_id", experimentId)]);
        }

        foreach (var experimentId in new[] { "987654321", "abc", "-1", "1.5", "99999999999999999999", "١", " 1", "1 " })
        {
            var json = JsonSerializer.Serialize(experimentId);
            Post("unknown-experiment", prefix + "/mlflow/experiments/update", $$"""{"experiment_id": {{json}}, "new_name": "corpus-x-{{Number(Next())}}"}""");
            Post("unknown-experiment", prefix + "/mlflow/experiments/delete", $$"""{"experiment_id": {{json}}}""");
            Post("unknown-experiment", prefix + "/mlflow/experiments/restore", $$"""{"experiment_id": {{json}}}""");
            Post("unknown-experiment", prefix + "/mlflow/experiments/set-experiment-tag", $$"""{"experiment_id": {{json}}, "key": "k", "value": "v"}""");
            Post("unknown-experiment", prefix + "/mlflow/experiments/delete-experiment-tag", $$"""{"experiment_id": {{json}}, "key": "k"}""");
            Post("unknown-experiment", prefix + "/mlflow/runs/create", $$"""{"experiment_id": {{json}}}""");
        }

        foreach (var name in new[] { "corpus-no-such-experiment", _ids.MainExperimentName.ToUpperInvariant(), _ids.MainExperimentName + " ", "%F0%9F%9A%80" })
        {
            Get("unknown-experiment", prefix + "/mlflow/experiments/get-by-name", [("experiment_name", name.StartsWith('%') ? name : Uri.EscapeDataString(name))]);
        }
    }

    private void AddSearchCases(string prefix)
    {
        var runsSearch = prefix + "/mlflow/runs/search";
        var experimentsSearch = prefix + "/mlflow/experiments/search";
        var main = JsonSerializer.Serialize(_ids.MainExperiment);

        var runFilters = BadRunFilters.Concat(prefix == Prefixes[0] ? BigRunFilters : []).Concat(Enumerable.Range(0, 40).Select(_ => GarbageFilter())).ToList();
        foreach (var filter in runFilters)
        {
            Post("run-filter", runsSearch, $$"""{"experiment_ids": [{{main}}], "filter": {{JsonSerializer.Serialize(filter)}}}""");
        }

        var experimentFilters = BadExperimentFilters.Concat(prefix == Prefixes[0] ? BigExperimentFilters : [])
            .Concat(Enumerable.Range(0, 30).Select(_ => GarbageFilter())).ToList();
        foreach (var filter in experimentFilters)
        {
            Post("experiment-filter", experimentsSearch, $$"""{"max_results": 10, "filter": {{JsonSerializer.Serialize(filter)}}}""");
            if (filter.Length < 10_000)
            {
                Get("experiment-filter", experimentsSearch, [("max_results", "10"), ("filter", Uri.EscapeDataString(filter))]);
            }
        }

        foreach (var orderBy in BadRunOrderBys.Concat(Enumerable.Range(0, 10).Select(_ => new[] { GarbageOrderBy() })))
        {
            Post("run-order-by", runsSearch, $$"""{"experiment_ids": [{{main}}], "order_by": {{JsonSerializer.Serialize(orderBy)}}}""");
        }

        foreach (var orderBy in BadExperimentOrderBys.Concat(Enumerable.Range(0, 10).Select(_ => new[] { GarbageOrderBy() })))
        {
            Post("experiment-order-by", experimentsSearch, $$"""{"max_results": 10, "order_by": {{JsonSerializer.Serialize(orderBy)}}}""");
            Get("experiment-order-by", experimentsSearch, [("max_results", "10"), .. orderBy.Select(o => ("order_by", Uri.EscapeDataString(o)))]);
        }

        var tokens = BadPageTokenJson.Select(j => Convert.ToBase64String(Encoding.UTF8.GetBytes(j)))
            .Concat(BadPageTokenText)
            .Concat(Enumerable.Range(0, 10).Select(_ => Convert.ToBase64String([0xFF, .. RandomBytes(_random.Next(1, 40))])))
            .Concat(Enumerable.Range(0, 5).Select(_ => Convert.ToBase64String(Utf8("{\"offset\": 1}"))[..^_random.Next(1, 4)] + "*"));
        foreach (var token in tokens)
        {
            var json = JsonSerializer.Serialize(token);
            Post("page-token", runsSearch, $$"""{"experiment_ids": [{{main}}], "page_token": {{json}}}""");
            Post("page-token", experimentsSearch, $$"""{"max_results": 10, "page_token": {{json}}}""");
            Get("page-token", experimentsSearch, [("max_results", "10"), ("page_token", Uri.EscapeDataString(token))]);
        }

        foreach (var maxResults in new[] { "0", "-1", "50001", "2147483648", "9223372036854775807", "-9223372036854775808", "100000000" })
        {
            Post("max-results", runsSearch, $$"""{"experiment_ids": [{{main}}], "max_results": {{maxResults}}}""");
            Post("max-results", experimentsSearch, $$"""{"max_results": {{maxResults}}}""");
            Get("max-results", experimentsSearch, [("max_results", maxResults)]);
        }

        Get("max-results", experimentsSearch, []);
        Post("max-results", experimentsSearch, """{"filter": "name = 'x'"}""");

        var bulkInterval = prefix + "/mlflow/metrics/get-history-bulk-interval";
        var run = _ids.MainRun;
        var key = _ids.SeedMetricKey;
        foreach (var maxResults in new[] { "0", "-1", "2501", "9223372036854775807" })
        {
            Get("max-results", bulkInterval, [("run_ids", run), ("metric_key", key), ("max_results", maxResults)]);
        }

        Get("bulk-interval", bulkInterval, [.. Enumerable.Range(0, 101).Select(i => ("run_ids", $"{run[..^3]}{i:000}")), ("metric_key", key)]);
        Get("bulk-interval", bulkInterval, [("run_ids", run), ("metric_key", key), ("start_step", "5"), ("end_step", "1")]);
        Get("bulk-interval", bulkInterval, [("run_ids", run), ("metric_key", key), ("start_step", "1")]);
        Get("bulk-interval", bulkInterval, [("run_ids", run), ("metric_key", key), ("end_step", "1")]);
        Get("bulk-interval", bulkInterval, [("metric_key", key)]);
        Get("bulk-interval", bulkInterval, [("run_ids", run)]);
        if (prefix == "/ajax-api/2.0")
        {
            var bulk = prefix + "/mlflow/metrics/get-history-bulk";
            foreach (var maxResults in new[] { "0", "-1", "25001" })
            {
                Get("max-results", bulk, [("run_id", run), ("metric_key", key), ("max_results", maxResults)]);
            }

            Get("bulk", bulk, [.. Enumerable.Range(0, 101).Select(i => ("run_id", $"{run[..^3]}{i:000}")), ("metric_key", key)]);
        }
    }

    private void AddStateCases(string prefix)
    {
        var ids = _ids;
        var api = prefix + "/mlflow";
        var deleted = JsonSerializer.Serialize(ids.DeletedRun);

        // Writes to a deleted run.
        Post("deleted-run", $"{api}/runs/set-tag", $$"""{"run_id": {{deleted}}, "key": "k", "value": "v"}""");
        Post("deleted-run", $"{api}/runs/set-tag", $$"""{"run_uuid": {{deleted}}, "key": "k", "value": "v"}""");
        Post("deleted-run", $"{api}/runs/delete-tag", $$"""{"run_id": {{deleted}}, "key": "{{ids.SeedTagKey}}"}""");
        Post("deleted-run", $"{api}/runs/log-metric", $$"""{"run_id": {{deleted}}, "key": "m", "value": 1, "timestamp": 1}""");
        Post("deleted-run", $"{api}/runs/log-parameter", $$"""{"run_id": {{deleted}}, "key": "p", "value": "v"}""");
        Post("deleted-run", $"{api}/runs/log-batch", $$"""{"run_id": {{deleted}}, "metrics": [{"key": "m", "value": 1, "timestamp": 1}]}""");
        Post("deleted-run", $"{api}/runs/log-batch", $$"""{"run_id": {{deleted}}, "params": [{"key": "p", "value": "v"}]}""");
        Post("deleted-run", $"{api}/runs/log-batch", $$"""{"run_id": {{deleted}}, "tags": [{"key": "t", "value": "v"}]}""");
        Post("deleted-run", $"{api}/runs/log-batch", $$"""{"run_id": {{deleted}}}""");
        Post("deleted-run", $"{api}/runs/update", $$"""{"run_id": {{deleted}}, "status": "FINISHED", "end_time": 9}""");
        Post("deleted-run", $"{api}/runs/update", $$"""{"run_id": {{deleted}}, "run_name": "zombie"}""");
        Post("deleted-run", $"{api}/runs/log-model",
            $$"""{"run_id": {{deleted}}, "model_json": "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"t\", \"run_id\": \"r\"}"}""");
        Post("deleted-run", $"{api}/runs/log-inputs",
            $$$"""{"run_id": {{{deleted}}}, "datasets": [{"dataset": {"name": "n", "digest": "d", "source_type": "t", "source": "s"}}]}""");

        // Deleted and active experiments in the wrong state.
        var deletedExperiment = JsonSerializer.Serialize(ids.DeletedExperiment);
        Post("deleted-experiment", $"{api}/runs/create", $$"""{"experiment_id": {{deletedExperiment}}}""");
        Post("deleted-experiment", $"{api}/experiments/set-experiment-tag", $$"""{"experiment_id": {{deletedExperiment}}, "key": "k", "value": "v"}""");
        Post("deleted-experiment", $"{api}/experiments/delete-experiment-tag", $$"""{"experiment_id": {{deletedExperiment}}, "key": "k"}""");
        Post("deleted-experiment", $"{api}/experiments/update", $$"""{"experiment_id": {{deletedExperiment}}, "new_name": "corpus-zombie-{{Number(Next())}}"}""");
        Post("deleted-experiment", $"{api}/experiments/delete", $$"""{"experiment_id": {{deletedExperiment}}}""");
        Post("active-experiment", $"{api}/experiments/restore", $$"""{"experiment_id": "{{ids.MainExperiment}}"}""");
        Post("duplicate-name", $"{api}/experiments/create", $$"""{"name": {{JsonSerializer.Serialize(ids.MainExperimentName)}}}""");
        Post("duplicate-name", $"{api}/experiments/create", $$"""{"name": {{JsonSerializer.Serialize(ids.DeletedExperimentName)}}}""");
        Post("duplicate-name", $"{api}/experiments/update",
            $$"""{"experiment_id": "{{ids.ScratchExperiment}}", "new_name": {{JsonSerializer.Serialize(ids.MainExperimentName)}}}""");

        // Things that do not exist or may not change.
        Post("missing-tag", $"{api}/runs/delete-tag", $$"""{"run_id": "{{ids.MainRun}}", "key": "corpus.no-such-tag"}""");
        Post("missing-tag", $"{api}/experiments/delete-experiment-tag", $$"""{"experiment_id": "{{ids.MainExperiment}}", "key": "corpus.no-such-tag"}""");
        Post("param-change", $"{api}/runs/log-parameter", $$"""{"run_id": "{{ids.MainRun}}", "key": "{{ids.SeedParamKey}}", "value": "0.6"}""");
        Post("param-change", $"{api}/runs/log-parameter", $$"""{"run_id": "{{ids.MainRun}}", "key": "{{ids.SeedParamKey}}", "value": "{{ids.SeedParamValue}}0"}""");
        Post("param-change", $"{api}/runs/log-batch",
            $$"""{"run_id": "{{ids.MainRun}}", "params": [{"key": "{{ids.SeedParamKey}}", "value": " {{ids.SeedParamValue}}"}]}""");
        Post("param-change", $"{api}/runs/log-batch",
            $$"""{"run_id": "{{ids.MainRun}}", "params": [{"key": "corpus.dup", "value": "a"}, {"key": "corpus.dup", "value": "b"}]}""");
        Post("param-change", $"{api}/runs/log-batch",
            $$"""{"run_id": "{{ids.MainRun}}", "params": [{"key": "corpus.dup", "value": "a"}, {"key": "corpus.dup", "value": "a"}]}""");
        Post("negative-timestamp", $"{api}/runs/log-metric", $$"""{"run_id": "{{ids.MainRun}}", "key": "m", "value": 1, "timestamp": -1}""");
        Post("negative-timestamp", $"{api}/runs/log-batch",
            $$"""{"run_id": "{{ids.MainRun}}", "metrics": [{"key": "m", "value": 1, "timestamp": -5}]}""");
        Post("run-name-conflict", $"{api}/runs/create",
            $$"""{"experiment_id": "{{ids.ScratchExperiment}}", "run_name": "a", "tags": [{"key": "mlflow.runName", "value": "b"}]}""");

        foreach (var location in new[] { "http://host/path#frag", "s3://bucket/p;params", "http://h/p?x=../y", "https://h/p?x=%2E%2E/y" })
        {
            Post("artifact-location", $"{api}/experiments/create",
                $$"""{"name": "corpus-loc-{{Number(Next())}}", "artifact_location": {{JsonSerializer.Serialize(location)}}}""");
        }

        var run = JsonSerializer.Serialize(ids.MainRun);
        foreach (var modelJson in new[]
                 {
                     "not json", "{", "[]", "null", "{}", "\"str\"", "{\"artifact_path\": \"m\"}", "{\"flavors\": {}, \"run_id\": \"r\"}",
                     new string('[', 10_000) + new string(']', 10_000), "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"t\"",
                     "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"t\", \"run_id\": \"r\"} trailing",
                 })
        {
            Post("model-json", $"{api}/runs/log-model", $$"""{"run_id": {{run}}, "model_json": {{JsonSerializer.Serialize(modelJson)}}}""");
        }

        // A run whose model history tag a client overwrote with text that is not JSON: a 4xx or a fresh history, never a 500.
        Add("poisoned-history", HttpMethod.Post, $"{api}/runs/log-model", Utf8(
            $$"""{"run_id": "{{ids.PoisonedRun}}", "model_json": "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"t\", \"run_id\": \"r\"}"}"""),
            "application/json", Expectation.ClientErrorOrSuccess);

        string Dataset(string name, string digest, string extra = "") =>
            $$"""{"run_id": {{run}}, "datasets": [{"dataset": {"name": {{name}}, "digest": {{digest}}, "source_type": "t", "source": "s"}{{extra}}}]}""";
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", JsonSerializer.Serialize(new string('d', 37))));
        Post("dataset", $"{api}/runs/log-inputs", Dataset(JsonSerializer.Serialize(new string('n', 501)), "\"d\""));
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", "\"d\"", ", \"tags\": [{\"key\": \"k\", \"value\": " + JsonSerializer.Serialize(new string('v', 501)) + "}]"));
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", "\"d\"", ", \"tags\": [{\"key\": " + JsonSerializer.Serialize(new string('k', 256)) + ", \"value\": \"v\"}]"));
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", "\"d\"", ", \"tags\": [{\"key\": \"k\"}]"));
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", "\"d\"", ", \"tags\": [{\"value\": \"v\"}]"));
        Post("dataset", $"{api}/runs/log-inputs", $$"""{"run_id": {{run}}, "datasets": [{"tags": []}]}""");
        Post("dataset", $"{api}/runs/log-inputs", $$"""{"run_id": {{run}}}""");
    }

    private void AddLimitCases(string prefix)
    {
        var api = prefix + "/mlflow";
        var run = JsonSerializer.Serialize(_ids.MainRun);
        string Metrics(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"key": "corpus.m", "value": {{Number(i)}}, "timestamp": 1}""")) + "]";
        string Items(int n, string name) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"key": "corpus.{{name}}{{Number(i)}}", "value": "v"}""")) + "]";
        Post("batch-limit", $"{api}/runs/log-batch", $$"""{"run_id": {{run}}, "metrics": {{Metrics(1001)}}}""");
        Post("batch-limit", $"{api}/runs/log-batch", $$"""{"run_id": {{run}}, "params": {{Items(101, "p")}}}""");
        Post("batch-limit", $"{api}/runs/log-batch", $$"""{"run_id": {{run}}, "tags": {{Items(101, "t")}}}""");
        Post("batch-limit", $"{api}/runs/log-batch",
            $$"""{"run_id": {{run}}, "metrics": {{Metrics(900)}}, "params": {{Items(100, "p")}}, "tags": {{Items(1, "t")}}}""");
        Post("batch-limit", $"{api}/runs/log-batch", $$"""{"run_id": {{run}}, "metrics": {{Metrics(50_000)}}}""");

        var main = JsonSerializer.Serialize(_ids.MainExperiment);
        Post("value-limit", $"{api}/experiments/set-experiment-tag", $$"""{"experiment_id": {{main}}, "key": "k", "value": {{JsonSerializer.Serialize(new string('v', 5001))}}}""");
        Post("value-limit", $"{api}/experiments/create",
            $$"""{"name": "corpus-long-{{Number(Next())}}", "tags": [{"key": "k", "value": {{JsonSerializer.Serialize(new string('v', 5001))}}}]}""");
        Post("value-limit", $"{api}/experiments/set-experiment-tag", $$"""{"experiment_id": {{main}}, "key": {{JsonSerializer.Serialize(new string('k', 251))}}, "value": "v"}""");
    }
}
