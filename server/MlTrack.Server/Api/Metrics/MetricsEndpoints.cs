using System.Text.Json;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Api.Metrics;

/// <summary>metrics/get-history and the bulk routes the UI's charts use.</summary>
internal static class MetricsEndpoints
{
    private const int MaxBulkRuns = 100;
    private const int MaxBulkIntervalResults = 2500;
    private const int MaxBulkHistoryResults = 25_000;

    public static void Map(MlflowRoutes routes, IEndpointRouteBuilder app)
    {
        routes.Get("/mlflow/metrics/get-history", GetHistoryAsync);
        routes.Get("/mlflow/metrics/get-history-bulk-interval", GetHistoryBulkIntervalAsync);
        // The ajax-only bulk route of the 2.x UI charts: plain JSON, every point of up to 100 runs.
        app.MapGet("/ajax-api/2.0/mlflow/metrics/get-history-bulk", context => MlflowRoutes.InvokeAsync(context, GetHistoryBulkAsync));
    }

    // Pages of max_results points with a next_page_token while more remain (MLflow's client and UI follow
    // the token); without max_results, every point. Either way streamed, never built in memory.
    private static Task<object> GetHistoryAsync(MlflowCall call)
    {
        var request = call.Request;
        var runId = request.RequiredRunId();
        var key = request.RequiredString("metric_key");
        var maxResults = request.Int64("max_results");
        if (maxResults is < 1 or > int.MaxValue - 1)
        {
            throw MlflowException.InvalidParameter($"max_results must be a positive integer, but got {maxResults}.");
        }

        var offset = PageToken.Decode(request.String("page_token"));
        // One point more than the page tells whether another page exists.
        var points = call.Tracking.GetMetricHistoryAsync(runId, key, offset, (int?)maxResults + 1, call.Cancellation);
        return Task.FromResult<object>(new MetricStreamResult(key, points, offset, (int?)maxResults));
    }

    private static async Task<object> GetHistoryBulkIntervalAsync(MlflowCall call)
    {
        var request = call.Request;
        var runIds = RunIds(request, "run_ids");
        var key = request.RequiredString("metric_key");
        var startStep = request.Int64("start_step");
        var endStep = request.Int64("end_step");
        var maxResults = request.Int64("max_results") ?? MaxBulkIntervalResults;
        if (maxResults is < 1 or > MaxBulkIntervalResults)
        {
            throw MlflowException.InvalidParameter($"max_results must be between 1 and {MaxBulkIntervalResults}.");
        }

        if (startStep is not null && endStep is not null && startStep > endStep)
        {
            throw MlflowException.InvalidParameter(
                $"end_step must be greater than start_step. Found start_step={startStep} and end_step={endStep}.");
        }

        if ((startStep is null) != (endStep is null))
        {
            throw MlflowException.InvalidParameter("If either start step or end step are specified, both must be specified.");
        }

        var metrics = await call.Tracking.GetMetricHistoryBulkIntervalAsync(runIds, key, startStep, endStep, (int)maxResults, call.Cancellation);
        return new { Metrics = metrics };
    }

    private static async Task<object> GetHistoryBulkAsync(MlflowCall call)
    {
        var request = call.Request;
        var runIds = RunIds(request, "run_id");
        var key = request.RequiredString("metric_key");
        var maxResults = request.Int64("max_results") ?? MaxBulkHistoryResults;
        if (maxResults is < 1 or > MaxBulkHistoryResults)
        {
            throw MlflowException.InvalidParameter($"max_results must be between 1 and {MaxBulkHistoryResults}.");
        }

        var metrics = new List<MetricWithRunId>();
        foreach (var runId in runIds.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await foreach (var chunk in call.Tracking.GetMetricHistoryAsync(runId, key, 0, null, call.Cancellation))
            {
                metrics.AddRange(chunk.Select(m => new MetricWithRunId(key, m.Value, m.Timestamp, m.Step, runId)));
            }
        }

        // Ordered by run_id, timestamp, step, value, and cut at max_results, as MLflow's ajax handler.
        return new { Metrics = metrics.Take((int)maxResults).ToList() };
    }

    private static IReadOnlyList<string> RunIds(MlflowRequest request, string name)
    {
        var runIds = request.StringList(name);
        if (runIds.Count == 0)
        {
            throw MlflowRequest.Missing(name);
        }

        return runIds.Count <= MaxBulkRuns
            ? runIds
            : throw MlflowException.InvalidParameter(
                $"GetMetricHistoryBulkInterval request must specify at most {MaxBulkRuns} run_ids. Received {runIds.Count} run_ids.");
    }
}
