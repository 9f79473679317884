using MlTrack.Server.Artifacts;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Api.Artifacts;

/// <summary>
/// The artifact proxy, /mlflow-artifacts/artifacts (handlers._upload_artifact, _download_artifact,
/// _list_artifacts_mlflow_artifacts, _delete_artifact_mlflow_artifacts). Bodies stream both ways.
/// </summary>
internal static class MlflowArtifactsEndpoints
{
    private const string Artifacts = "/mlflow-artifacts/artifacts";

    public static void Map(MlflowRoutes routes)
    {
        routes.MapRaw(Artifacts, ListAsync, HttpMethods.Get);
        routes.MapRaw($"{Artifacts}/{{**path}}", DownloadAsync, HttpMethods.Get);
        routes.MapRaw($"{Artifacts}/{{**path}}", UploadAsync, HttpMethods.Put);
        routes.MapRaw($"{Artifacts}/{{**path}}", DeleteAsync, HttpMethods.Delete);
        // Multipart upload needs a cloud store; on local storage MLflow answers NOT_IMPLEMENTED and the client falls back to PUT.
        foreach (var step in new[] { "create", "complete", "abort" })
        {
            routes.MapRaw($"/mlflow-artifacts/mpu/{step}/{{**path}}", MultipartAsync, HttpMethods.Post);
        }
    }

    private static async Task ListAsync(HttpContext context)
    {
        var store = Proxy(context);
        var path = ArtifactPath.Validate(context.Request.Query["path"]);
        var entries = store.List(path) ?? [];
        // Listed paths are basenames here (run-relative on /mlflow/artifacts/list).
        var files = entries.Select(e => ArtifactResponses.FileInfo(e.Name, e)).ToList();
        await context.Response.WriteAsJsonAsync(files.Count == 0 ? MlflowRoutes.Empty : new { Files = files }, MlflowJson.Options);
    }

    private static Task DownloadAsync(HttpContext context)
    {
        var store = Proxy(context);
        return ArtifactResponses.SendFileAsync(context, store.FilePath(RequiredPath(context)));
    }

    private static async Task UploadAsync(HttpContext context)
    {
        var store = Proxy(context);
        await store.WriteAsync(RequiredPath(context), context.Request.BodyReader, context.RequestAborted);
        await context.Response.WriteAsJsonAsync(MlflowRoutes.Empty, MlflowJson.Options);
    }

    private static async Task DeleteAsync(HttpContext context)
    {
        var store = Proxy(context);
        store.Delete(RequiredPath(context));
        await context.Response.WriteAsJsonAsync(MlflowRoutes.Empty, MlflowJson.Options);
    }

    private static Task MultipartAsync(HttpContext context)
    {
        Proxy(context);
        RequiredPath(context);
        throw new MlflowException(ErrorCode.NOT_IMPLEMENTED, "Multipart upload is not supported by a local artifact store; upload with PUT.");
    }

    private static string RequiredPath(HttpContext context)
    {
        var path = ArtifactPath.Validate(context.Request.RouteValues["path"] as string);
        return path.Length > 0 ? path : throw MlflowException.InvalidParameter("Invalid path");
    }

    private static LocalArtifactStore Proxy(HttpContext context)
    {
        var locations = context.RequestServices.GetRequiredService<ArtifactLocations>();
        return locations.ServeArtifacts ? locations.Proxied : throw new ArtifactsDisabledException(context.Request.Path);
    }
}

/// <summary>MLflow's answer with --no-serve-artifacts: 503 text/plain, not an MLflow error body.</summary>
internal sealed class ArtifactsDisabledException(string path) : Exception(
    $"Endpoint: {path} disabled due to the mlflow server running with `--no-serve-artifacts`. "
    + "To enable artifacts server functionality, run `mlflow server` with `--serve-artifacts`");
