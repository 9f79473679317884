using Microsoft.AspNetCore.StaticFiles;

namespace MlTrack.Server.Artifacts;

/// <summary>
/// Download content types as MLflow's _guess_mime_type: text-like files (including JSON, YAML, CSV, MLmodel) as
/// text/plain so a browser never runs them, others by extension, else application/octet-stream.
/// </summary>
internal static class ArtifactContentTypes
{
    private static readonly HashSet<string> TextExtensions = new(StringComparer.Ordinal)
    {
        "txt", "log", "err", "cfg", "conf", "cnf", "cf", "ini", "properties", "prop", "hocon", "toml", "yaml", "yml",
        "xml", "json", "js", "py", "py3", "csv", "tsv", "md", "rst", "MLmodel", "MLproject",
    };

    private static readonly FileExtensionContentTypeProvider ByExtension = new();

    public static string Guess(string fileName)
    {
        var extension = Path.GetExtension(fileName).TrimStart('.');
        // MLmodel and MLproject have no extension; the whole name is checked instead.
        if (TextExtensions.Contains(extension.Length == 0 ? fileName : extension))
        {
            return "text/plain";
        }

        return ByExtension.TryGetContentType(fileName, out var type) ? type : "application/octet-stream";
    }
}
