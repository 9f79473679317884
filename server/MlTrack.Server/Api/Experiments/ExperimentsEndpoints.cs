using MlTrack.Server.Artifacts;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Api.Experiments;

/// <summary>experiments/* of MLflow's tracking service (handlers.py _create_experiment ... _search_experiments).</summary>
internal static class ExperimentsEndpoints
{
    public const int MaxSearchResults = 50_000;

    public static void Map(MlflowRoutes routes)
    {
        routes.Post("/mlflow/experiments/create", CreateAsync);
        routes.Get("/mlflow/experiments/get", GetAsync);
        routes.Get("/mlflow/experiments/get-by-name", GetByNameAsync);
        routes.GetAndPost("/mlflow/experiments/search", SearchAsync);
        routes.Post("/mlflow/experiments/update", UpdateAsync);
        routes.Post("/mlflow/experiments/delete", DeleteAsync);
        routes.Post("/mlflow/experiments/restore", RestoreAsync);
        routes.Post("/mlflow/experiments/set-experiment-tag", SetTagAsync);
        routes.Post("/mlflow/experiments/delete-experiment-tag", DeleteTagAsync);
    }

    private static async Task<object> CreateAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var artifactLocation = request.String("artifact_location");
        ValidateArtifactLocation(artifactLocation);
        var tags = request.Array("tags").Select(t => Validation.ExperimentTag(MlflowRequest.ItemString(t, "key", "tags"), MlflowRequest.ItemString(t, "value", "tags"))).ToList();
        var id = await call.Tracking.CreateExperimentAsync(name, artifactLocation, tags, call.Cancellation);
        return new { ExperimentId = id };
    }

    private static async Task<object> GetAsync(MlflowCall call) =>
        new { Experiment = await call.Tracking.GetExperimentAsync(call.Request.RequiredId("experiment_id"), call.Cancellation) };

    private static async Task<object> GetByNameAsync(MlflowCall call)
    {
        var name = call.Request.RequiredString("experiment_name");
        var experiment = await call.Tracking.GetExperimentByNameAsync(name, call.Cancellation)
            ?? throw MlflowException.NotFound($"Could not find experiment with name '{name}'");
        return new { Experiment = experiment };
    }

    private static async Task<object> SearchAsync(MlflowCall call)
    {
        var request = call.Request;
        var maxResults = request.Int64("max_results") ?? 0;
        if (maxResults <= 0)
        {
            // MLflow has no default here: a missing max_results is 0, which it refuses.
            throw MlflowException.InvalidParameter($"Invalid value for max_results. It must be a positive integer, but got {maxResults}");
        }

        if (maxResults > MaxSearchResults)
        {
            throw MlflowException.InvalidParameter(
                $"Invalid value for max_results. It must be at most {MaxSearchResults}, but got {maxResults}");
        }

        var query = new ExperimentQuery(
            ExperimentSearchSyntax.ParseFilter(request.String("filter")),
            ExperimentSearchSyntax.ParseOrderBy(request.StringList("order_by")),
            request.Enum<ViewType>("view_type") ?? ViewType.ACTIVE_ONLY,
            (int)maxResults,
            PageToken.Decode(request.String("page_token")),
            call.Readable?.Experiments);
        var page = await call.Tracking.SearchExperimentsAsync(query, call.Cancellation);
        return new { Experiments = page.Items, page.NextPageToken };
    }

    private static async Task<object> UpdateAsync(MlflowCall call)
    {
        var id = call.Request.RequiredId("experiment_id");
        var newName = call.Request.RequiredString("new_name");
        await call.Tracking.RenameExperimentAsync(id, newName, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> DeleteAsync(MlflowCall call)
    {
        await call.Tracking.DeleteExperimentAsync(call.Request.RequiredId("experiment_id"), call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> RestoreAsync(MlflowCall call)
    {
        await call.Tracking.RestoreExperimentAsync(call.Request.RequiredId("experiment_id"), call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> SetTagAsync(MlflowCall call)
    {
        var request = call.Request;
        var id = request.RequiredId("experiment_id");
        var tag = Validation.ExperimentTag(request.RequiredString("key"), request.String("value"));
        await call.Tracking.SetExperimentTagAsync(id, tag, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    // MLflow 3.x route; 2.x clients never call it, but the UI's description editor benefits.
    private static async Task<object> DeleteTagAsync(MlflowCall call)
    {
        var request = call.Request;
        await call.Tracking.DeleteExperimentTagAsync(request.RequiredId("experiment_id"), request.RequiredString("key"), call.Cancellation);
        return MlflowRoutes.Empty;
    }

    // MLflow refuses locations with a URL fragment or ;params, or '..' in the query (CVE-2024-1483 and relatives);
    // a proxied location must also be a safe relative path, or every run under it could escape the artifact root.
    private static void ValidateArtifactLocation(string? location)
    {
        if (string.IsNullOrEmpty(location))
        {
            return;
        }

        if (location.StartsWith("mlflow-artifacts:", StringComparison.OrdinalIgnoreCase))
        {
            ArtifactPath.Validate(location["mlflow-artifacts:".Length..].TrimStart('/'));
            return;
        }

        // Any location with a scheme; some (http:///#/..) do not even parse as a URI.
        if (!location.Contains(":/", StringComparison.Ordinal) || location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var query = location.Contains('?', StringComparison.Ordinal) ? location[location.IndexOf('?', StringComparison.Ordinal)..] : "";
        if (location.Contains('#', StringComparison.Ordinal) || location.Contains(';', StringComparison.Ordinal)
            || Uri.UnescapeDataString(query).Contains("..", StringComparison.Ordinal))
        {
            throw MlflowException.InvalidParameter($"'artifact_location' URL can't include fragments or params: {location}");
        }
    }
}
