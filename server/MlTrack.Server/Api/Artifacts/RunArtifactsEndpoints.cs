using MlTrack.Server.Artifacts;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Api.Artifacts;

/// <summary>A run's artifacts through the tracking API: artifacts/list and the UI's /get-artifact.</summary>
internal static class RunArtifactsEndpoints
{
    public static void Map(MlflowRoutes routes, IEndpointRouteBuilder app)
    {
        routes.Get("/mlflow/artifacts/list", ListAsync);
        app.MapGet("/get-artifact", context => MlflowRoutes.InvokeAsync(context, GetArtifactAsync));
    }

    // Paths are relative to the run's artifact root (model/MLflow), one directory level at a time, no paging.
    private static async Task<object> ListAsync(MlflowCall call)
    {
        var request = call.Request;
        var run = await call.Tracking.GetRunAsync(request.RequiredRunId(), call.Cancellation);
        var path = ArtifactPath.Validate(request.String("path"));
        var (store, basePath) = call.Service<ArtifactLocations>().Resolve(run.Info.ArtifactUri);
        var entries = store.List(ArtifactPath.Combine(basePath, path)) ?? [];
        var files = entries.Select(e => ArtifactResponses.FileInfo(ArtifactPath.Combine(path, e.Name), e)).ToList();
        return files.Count == 0 ? new { RootUri = run.Info.ArtifactUri } : new { RootUri = run.Info.ArtifactUri, Files = files };
    }

    private static async Task<object> GetArtifactAsync(MlflowCall call)
    {
        var request = call.Request;
        var run = await call.Tracking.GetRunAsync(request.RequiredRunId(), call.Cancellation);
        var path = ArtifactPath.Validate(request.RequiredString("path"));
        var (store, basePath) = call.Service<ArtifactLocations>().Resolve(run.Info.ArtifactUri);
        var file = store.FilePath(ArtifactPath.Combine(basePath, path));
        return new FileResult(file);
    }

    private sealed class FileResult(string fullPath) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => ArtifactResponses.SendFileAsync(httpContext, fullPath);
    }
}
