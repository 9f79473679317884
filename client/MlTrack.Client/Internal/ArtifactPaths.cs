namespace MlTrack.Client.Internal;

/// <summary>
/// Paths in the artifact proxy: from <c>mlflow-artifacts:/1/&lt;run&gt;/artifacts</c> to <c>1/&lt;run&gt;/artifacts</c>, joined with
/// '/', and escaped segment by segment for the URL (mlflow/store/artifact/mlflow_artifacts_repo.py).
/// </summary>
internal static class ArtifactPaths
{
    private const string ProxyScheme = "mlflow-artifacts:";
    private const string ProxyRoute = "/api/2.0/mlflow-artifacts/artifacts";

    /// <summary>The path inside the proxy of an artifact URI this client can reach through the tracking server.</summary>
    /// <exception cref="NotSupportedException">A local path, file: URI or cloud store, which only the server can reach.</exception>
    public static string ProxyPath(string artifactUri)
    {
        if (artifactUri.StartsWith(ProxyScheme, StringComparison.OrdinalIgnoreCase))
        {
            var path = artifactUri[ProxyScheme.Length..];
            // mlflow-artifacts://host:port/path names a host; this client always goes through its tracking server.
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                var slash = path.IndexOf('/', 2);
                path = slash < 0 ? "" : path[slash..];
            }

            return path.Trim('/');
        }

        if (Uri.TryCreate(artifactUri, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            && uri.AbsolutePath.IndexOf(ProxyRoute, StringComparison.Ordinal) is var at and >= 0)
        {
            return Uri.UnescapeDataString(uri.AbsolutePath[(at + ProxyRoute.Length)..]).Trim('/');
        }

        throw new NotSupportedException(
            $"The artifact location '{artifactUri}' is not served by the tracking server's artifact proxy (mlflow-artifacts:). "
            + "Start the server with artifact serving on (the default of mlflow server and MlTrack).");
    }

    /// <summary>Joins path pieces with '/', skipping empty ones.</summary>
    public static string Join(params string?[] parts) =>
        string.Join('/', parts.Select(p => p?.Trim('/')).Where(p => !string.IsNullOrEmpty(p)));

    /// <summary>The last segment of a path ("" for the root).</summary>
    public static string Name(string path) => path.TrimEnd('/') is var trimmed && trimmed.LastIndexOf('/') is var slash and >= 0
        ? trimmed[(slash + 1)..]
        : path.TrimEnd('/');

    /// <summary>The URL form of a proxy path: each segment escaped.</summary>
    public static string Escape(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));

    /// <summary>A relative artifact path given by the caller: '/'-separated, no '..' segment, not rooted.</summary>
    public static string Relative(string? path, string parameterName)
    {
        var normalized = (path ?? "").Replace('\\', '/').Trim('/');
        if (normalized.Split('/').Any(segment => segment is ".." or ".") || Path.IsPathRooted(path ?? ""))
        {
            throw new ArgumentException($"'{path}' is not a relative artifact path.", parameterName);
        }

        return normalized;
    }

    /// <summary>A name from a server listing, checked before it becomes part of a local path.</summary>
    public static string SafeName(string name) =>
        name.Length == 0 || name is "." or ".." || name.Contains('/', StringComparison.Ordinal) || name.Contains('\\', StringComparison.Ordinal)
            ? throw new InvalidOperationException($"The server listed an artifact with an unsafe name: '{name}'.")
            : name;
}
