using MlTrack.Server.Errors;
using MlTrack.Server.Hosting;

namespace MlTrack.Server.Artifacts;

/// <summary>Where an artifact URI's files are on this machine: the proxied store, or a local directory.</summary>
internal sealed class ArtifactLocations(ServerOptions options)
{
    private const string ProxyScheme = "mlflow-artifacts:";
    private const string ProxyRoute = "/api/2.0/mlflow-artifacts/artifacts/";

    /// <summary>The store behind /mlflow-artifacts (--artifacts-destination).</summary>
    public LocalArtifactStore Proxied { get; } = new(options.ArtifactsDestination);

    public bool ServeArtifacts => options.ServeArtifacts;

    /// <summary>
    /// The store and the relative directory in it of an artifact URI: mlflow-artifacts:/a/b (or an http URL of the
    /// proxy route) is a/b in the proxied store; a local path or file: URI is that directory.
    /// </summary>
    public (LocalArtifactStore Store, string BasePath) Resolve(string artifactUri)
    {
        if (artifactUri.StartsWith(ProxyScheme, StringComparison.OrdinalIgnoreCase))
        {
            var path = artifactUri[ProxyScheme.Length..];
            // mlflow-artifacts://host:port/path carries a netloc before the path.
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                var slash = path.IndexOf('/', 2);
                path = slash < 0 ? "" : path[slash..];
            }

            return (Proxied, ArtifactPath.Validate(path.TrimStart('/')));
        }

        if (Uri.TryCreate(artifactUri, UriKind.Absolute, out var uri))
        {
            if (uri.Scheme is "http" or "https" && uri.AbsolutePath.Contains(ProxyRoute, StringComparison.Ordinal))
            {
                var path = uri.AbsolutePath[(uri.AbsolutePath.IndexOf(ProxyRoute, StringComparison.Ordinal) + ProxyRoute.Length)..];
                return (Proxied, ArtifactPath.Validate(Uri.UnescapeDataString(path)));
            }

            if (uri.IsFile)
            {
                return (new LocalArtifactStore(uri.LocalPath), "");
            }

            if (!Path.IsPathRooted(artifactUri))
            {
                throw new MlflowException(
                    ErrorCode.NOT_IMPLEMENTED, $"Artifacts at '{artifactUri}' ({uri.Scheme}) cannot be served by this server.");
            }
        }

        return (new LocalArtifactStore(artifactUri), "");
    }
}
