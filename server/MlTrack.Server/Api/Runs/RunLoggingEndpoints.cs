using System.Text.Json;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Api.Runs;

/// <summary>runs/log-* (handlers.py _log_metric, _log_param, _log_batch, _log_inputs, _log_model).</summary>
internal static class RunLoggingEndpoints
{
    public static void Map(MlflowRoutes routes)
    {
        routes.Post("/mlflow/runs/log-metric", LogMetricAsync);
        routes.Post("/mlflow/runs/log-parameter", LogParamAsync);
        routes.Post("/mlflow/runs/log-batch", LogBatchAsync);
        routes.Post("/mlflow/runs/log-inputs", LogInputsAsync);
        routes.Post("/mlflow/runs/log-model", LogModelAsync);
    }

    private static async Task<object> LogMetricAsync(MlflowCall call)
    {
        var request = call.Request;
        var runId = request.RequiredRunId();
        var key = request.RequiredString("key");
        var value = request.Double("value") ?? throw MlflowRequest.Missing("value");
        var metric = Validation.Metric(key, value, request.RequiredInt64("timestamp"), request.Int64("step") ?? 0);
        await call.Tracking.LogBatchAsync(runId, [metric], [], [], call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> LogParamAsync(MlflowCall call)
    {
        var request = call.Request;
        var runId = request.RequiredRunId();
        var param = Validation.Param(request.RequiredString("key"), request.String("value"));
        await call.Tracking.LogBatchAsync(runId, [], [param], [], call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> LogBatchAsync(MlflowCall call)
    {
        var request = call.Request;
        var runId = request.RequiredRunId();
        var metrics = request.Array("metrics");
        var parameters = request.Array("params");
        var tags = request.Array("tags");
        Validation.BatchLimits(metrics.Count, parameters.Count, tags.Count);
        Validation.RunId(runId);

        var parsedParams = parameters.Select(p => Validation.Param(RequiredKey(p, "params"), MlflowRequest.ItemString(p, "value", "params"))).ToList();
        Validation.UniqueParamKeys(parsedParams);
        var keys = new MetricKeys();
        var parsedMetrics = new List<Metric>(metrics.Count);
        foreach (var metric in metrics)
        {
            parsedMetrics.Add(ParseMetric(metric, keys));
        }

        var parsedTags = tags.Select(t => Validation.Tag(RequiredKey(t, "tags"), MlflowRequest.ItemString(t, "value", "tags"))).ToList();
        await call.Tracking.LogBatchAsync(runId, parsedMetrics, parsedParams, parsedTags, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> LogInputsAsync(MlflowCall call)
    {
        var request = call.Request;
        var runId = request.RequiredRunId();
        if (!request.Has("datasets"))
        {
            throw MlflowRequest.Missing("datasets");
        }

        var inputs = request.Array("datasets").Select(DatasetInputs.Parse).ToList();
        await call.Tracking.LogInputsAsync(runId, inputs, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> LogModelAsync(MlflowCall call)
    {
        var request = call.Request;
        var runId = request.RequiredRunId();
        var modelJson = request.RequiredString("model_json");
        JsonElement model;
        try
        {
            model = JsonDocument.Parse(modelJson).RootElement;
        }
        catch (JsonException)
        {
            throw MlflowException.InvalidParameter($"Malformed model info. \n {modelJson} \n is not a valid JSON.");
        }

        string[] required = ["artifact_path", "flavors", "utc_time_created", "run_id"];
        var missing = required.Where(field => model.ValueKind != JsonValueKind.Object || !model.TryGetProperty(field, out _)).ToList();
        if (missing.Count > 0)
        {
            throw MlflowException.InvalidParameter($"Model json is missing mandatory fields: [{string.Join(", ", missing.Select(f => $"'{f}'"))}]");
        }

        await call.Tracking.AppendLoggedModelAsync(runId, modelJson, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static Metric ParseMetric(JsonElement item, MetricKeys keys)
    {
        var key = MlflowRequest.ItemField(item, "key"u8, "metrics") is { } k
            ? k.ValueKind == JsonValueKind.String ? keys.Get(k) : throw MlflowRequest.InvalidType("key", k)
            : null;
        if (string.IsNullOrEmpty(key))
        {
            throw MlflowException.InvalidParameter($"Invalid value {item.GetRawText()} for parameter 'metrics' supplied: every item needs a key.");
        }

        var value = MlflowRequest.ItemField(item, "value"u8, "metrics") is { } v ? MlflowRequest.ReadDouble(v, "value") : null;
        var timestamp = MlflowRequest.ItemField(item, "timestamp"u8, "metrics") is { } t ? MlflowRequest.ReadInt64(t, "timestamp") : null;
        var step = MlflowRequest.ItemField(item, "step"u8, "metrics") is { } s ? MlflowRequest.ReadInt64(s, "step") : null;
        if (value is null || timestamp is null)
        {
            throw MlflowException.InvalidParameter(
                $"Invalid value {item.GetRawText()} for parameter 'metrics' supplied: a metric needs key, value and timestamp.");
        }

        return Validation.Metric(key, value.Value, timestamp.Value, step ?? 0, keys.Valid);
    }

    private static string RequiredKey(JsonElement item, string listName)
    {
        var key = MlflowRequest.ItemString(item, "key", listName);
        return string.IsNullOrEmpty(key)
            ? throw MlflowException.InvalidParameter($"Invalid value {item.GetRawText()} for parameter '{listName}' supplied: every item needs a key.")
            : key;
    }

    /// <summary>
    /// The keys of one batch: a batch repeats a few keys hundreds of times, so each distinct key is read into a
    /// string once and validated once (<see cref="Valid"/>), and later items that spell it the same reuse that string.
    /// </summary>
    private sealed class MetricKeys
    {
        private const int MaxRemembered = 16;
        private readonly List<(byte[] Utf8, string Key)> _seen = [];

        public HashSet<string> Valid { get; } = new(StringComparer.Ordinal);

        public string Get(JsonElement key)
        {
            foreach (var (utf8, text) in _seen)
            {
                if (key.ValueEquals(utf8))
                {
                    return text;
                }
            }

            var value = key.GetString()!;
            if (_seen.Count < MaxRemembered)
            {
                _seen.Add((System.Text.Encoding.UTF8.GetBytes(value), value));
            }

            return value;
        }
    }
}
