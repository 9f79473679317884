using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Api.Runs;

/// <summary>runs/* lifecycle and search (handlers.py _create_run ... _search_runs).</summary>
internal static class RunsEndpoints
{
    public const int MaxSearchResults = 50_000;
    private const int DefaultSearchResults = 1000;

    public static void Map(MlflowRoutes routes)
    {
        routes.Post("/mlflow/runs/create", CreateAsync);
        routes.Get("/mlflow/runs/get", GetAsync);
        routes.Post("/mlflow/runs/update", UpdateAsync);
        routes.Post("/mlflow/runs/delete", DeleteAsync);
        routes.Post("/mlflow/runs/restore", RestoreAsync);
        routes.Post("/mlflow/runs/search", SearchAsync);
        routes.Post("/mlflow/runs/set-tag", SetTagAsync);
        routes.Post("/mlflow/runs/delete-tag", DeleteTagAsync);
    }

    private static async Task<object> CreateAsync(MlflowCall call)
    {
        var request = call.Request;
        var tags = request.Array("tags").Select(t => Validation.Tag(MlflowRequest.ItemString(t, "key", "tags"), MlflowRequest.ItemString(t, "value", "tags")));
        var run = new NewRun(
            request.RequiredId("experiment_id"),
            request.String("user_id") ?? "",
            request.String("run_name"),
            request.Int64("start_time") ?? 0,
            [.. tags]);
        return new { Run = await call.Tracking.CreateRunAsync(run, call.Cancellation) };
    }

    private static async Task<object> GetAsync(MlflowCall call) =>
        new { Run = await call.Tracking.GetRunAsync(call.Request.RequiredRunId(), call.Cancellation) };

    private static async Task<object> UpdateAsync(MlflowCall call)
    {
        var request = call.Request;
        var runId = request.RequiredRunId();
        var status = request.Enum<RunStatus>("status");
        var info = await call.Tracking.UpdateRunAsync(runId, status, request.Int64("end_time"), request.String("run_name"), call.Cancellation);
        return new { RunInfo = info };
    }

    private static async Task<object> DeleteAsync(MlflowCall call)
    {
        await call.Tracking.DeleteRunAsync(call.Request.RequiredRunId(), call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> RestoreAsync(MlflowCall call)
    {
        await call.Tracking.RestoreRunAsync(call.Request.RequiredRunId(), call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> SearchAsync(MlflowCall call)
    {
        var request = call.Request;
        var maxResults = request.Int64("max_results") ?? DefaultSearchResults;
        if (maxResults <= 0 || maxResults > MaxSearchResults)
        {
            throw MlflowException.InvalidParameter(
                $"Invalid value for request parameter max_results. It must be at most {MaxSearchResults}, but got value {maxResults}");
        }

        var query = new RunQuery(
            request.StringList("experiment_ids"),
            RunSearchSyntax.ParseFilter(request.String("filter")),
            RunSearchSyntax.ParseOrderBy(request.StringList("order_by")),
            request.Enum<ViewType>("run_view_type") ?? ViewType.ACTIVE_ONLY,
            (int)maxResults,
            PageToken.DecodeCursor(request.String("page_token")));
        var page = await call.Tracking.SearchRunsAsync(query, call.Cancellation);
        return new { Runs = page.Items, page.NextPageToken };
    }

    private static async Task<object> SetTagAsync(MlflowCall call)
    {
        var request = call.Request;
        var runId = request.RequiredRunId();
        var tag = Validation.Tag(request.RequiredString("key"), request.String("value"));
        await call.Tracking.LogBatchAsync(runId, [], [], [tag], call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> DeleteTagAsync(MlflowCall call)
    {
        var request = call.Request;
        await call.Tracking.DeleteTagAsync(request.RequiredRunId(), request.RequiredString("key"), call.Cancellation);
        return MlflowRoutes.Empty;
    }
}
