using MlTrack.Server.Api.Artifacts;
using MlTrack.Server.Artifacts;
using MlTrack.Server.Search;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Api.ModelRegistry;

/// <summary>
/// model-versions/* of MLflow's model registry (handlers.py _create_model_version ... _delete_model_version_tag), and
/// the UI's /model-versions/get-artifact (handlers.get_model_version_artifact_handler).
/// </summary>
internal static class ModelVersionsEndpoints
{
    public const int MaxSearchResults = 200_000;

    private const string Path = "/mlflow/model-versions";

    public static void Map(MlflowRoutes routes, IEndpointRouteBuilder app)
    {
        routes.Post($"{Path}/create", CreateAsync);
        routes.Get($"{Path}/get", GetAsync);
        routes.Patch($"{Path}/update", UpdateAsync);
        routes.Delete($"{Path}/delete", DeleteAsync);
        routes.Get($"{Path}/search", SearchAsync);
        routes.Get($"{Path}/get-download-uri", GetDownloadUriAsync);
        routes.Post($"{Path}/transition-stage", TransitionStageAsync);
        routes.Post($"{Path}/set-tag", SetTagAsync);
        routes.Delete($"{Path}/delete-tag", DeleteTagAsync);
        app.MapGet("/model-versions/get-artifact", context => MlflowRoutes.InvokeAsync(context, GetArtifactAsync));
    }

    // Absent run_id, run_link and description are stored as "", which MLflow's answer shows.
    private static async Task<object> CreateAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var source = request.RequiredString("source");
        var runId = request.String("run_id") ?? "";
        var storageLocation = await ModelVersionSources.StorageLocationAsync(call, source, runId);
        var tags = request.Array("tags").Select(t => RegistryValidation.ModelVersionTag(
            MlflowRequest.ItemString(t, "key", "tags"), MlflowRequest.ItemString(t, "value", "tags"))).ToList();
        var version = new NewModelVersion(
            name, source, storageLocation, runId, request.String("run_link") ?? "", request.String("description") ?? "", tags);
        return new { ModelVersion = await Registry(call).CreateModelVersionAsync(version, call.Cancellation) };
    }

    private static async Task<object> GetAsync(MlflowCall call)
    {
        var (name, version) = NameAndVersion(call.Request);
        return new { ModelVersion = await Registry(call).GetModelVersionAsync(name, version, call.Cancellation) };
    }

    // An absent description clears it, as MLflow's store is handed None then.
    private static async Task<object> UpdateAsync(MlflowCall call)
    {
        var (name, version) = NameAndVersion(call.Request);
        var description = call.Request.String("description");
        return new { ModelVersion = await Registry(call).UpdateModelVersionAsync(name, version, description, call.Cancellation) };
    }

    private static async Task<object> DeleteAsync(MlflowCall call)
    {
        var (name, version) = NameAndVersion(call.Request);
        await Registry(call).DeleteModelVersionAsync(name, version, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> SearchAsync(MlflowCall call)
    {
        var request = call.Request;
        var maxResults = RegistryValidation.MaxResults(request.Int64("max_results") ?? MaxSearchResults, MaxSearchResults);
        var query = new ModelVersionQuery(
            ModelVersionSearchSyntax.ParseFilter(request.String("filter")),
            ModelVersionSearchSyntax.ParseOrderBy(request.StringList("order_by")),
            maxResults,
            PageToken.Decode(request.String("page_token")),
            call.Readable?.Models);
        var page = await Registry(call).SearchModelVersionsAsync(query, call.Cancellation);
        return new { ModelVersions = page.Items, page.NextPageToken };
    }

    private static async Task<object> GetDownloadUriAsync(MlflowCall call)
    {
        var (name, version) = NameAndVersion(call.Request);
        return new { ArtifactUri = await Registry(call).GetModelVersionDownloadUriAsync(name, version, call.Cancellation) };
    }

    private static async Task<object> TransitionStageAsync(MlflowCall call)
    {
        var request = call.Request;
        var (name, version) = NameAndVersion(request);
        var requestedStage = request.RequiredString("stage");
        var stage = RegistryValidation.Stage(requestedStage);
        var archive = request.Bool("archive_existing_versions") ?? false;
        RegistryValidation.ArchiveExistingVersions(requestedStage, stage, archive);
        return new { ModelVersion = await Registry(call).TransitionModelVersionStageAsync(name, version, stage, archive, call.Cancellation) };
    }

    private static async Task<object> SetTagAsync(MlflowCall call)
    {
        var request = call.Request;
        var (name, version) = NameAndVersion(request);
        var tag = RegistryValidation.ModelVersionTag(request.RequiredString("key"), request.String("value"));
        await Registry(call).SetModelVersionTagAsync(name, version, tag, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> DeleteTagAsync(MlflowCall call)
    {
        var request = call.Request;
        var (name, version) = NameAndVersion(request);
        var key = RegistryValidation.TagName(request.RequiredString("key"));
        await Registry(call).DeleteModelVersionTagAsync(name, version, key, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    // A file of the version, relative to its storage location, sent as an attachment (the UI's model page).
    private static async Task<object> GetArtifactAsync(MlflowCall call)
    {
        var request = call.Request;
        var (name, version) = NameAndVersion(request);
        var path = ArtifactPath.Validate(request.RequiredString("path"));
        var location = await Registry(call).GetModelVersionDownloadUriAsync(name, version, call.Cancellation);
        var (store, basePath) = call.Service<ArtifactLocations>().Resolve(location);
        return new FileResult(store.FilePath(ArtifactPath.Combine(basePath, path)));
    }

    private static (string Name, long Version) NameAndVersion(MlflowRequest request)
    {
        var name = request.RequiredString("name");
        return (name, RegistryValidation.RequiredVersion(request));
    }

    private static IModelRegistryStore Registry(MlflowCall call) => RegisteredModelsEndpoints.Registry(call);

    private sealed class FileResult(string fullPath) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => ArtifactResponses.SendFileAsync(httpContext, fullPath);
    }
}
