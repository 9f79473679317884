namespace MlTrack.Server.Storage;

/// <summary>URI helpers for artifact locations (mlflow/utils/uri.py append_to_uri_path).</summary>
internal static class ArtifactUris
{
    /// <summary>Appends path segments: ("mlflow-artifacts:/", "1") -> "mlflow-artifacts:/1"; ("/data/art", "1") -> "/data/art/1".</summary>
    public static string Append(string root, params string[] segments) =>
        root.TrimEnd('/') + "/" + string.Join('/', segments.Select(s => s.Trim('/')));
}
