using MlTrack.Server.Artifacts;

namespace MlTrack.Server.Api.Artifacts;

/// <summary>How artifact files are sent: as attachments, never sniffed (handlers._response_with_file_attachment_headers).</summary>
internal static class ArtifactResponses
{
    public static Task SendFileAsync(HttpContext context, string fullPath)
    {
        var name = Path.GetFileName(fullPath);
        var response = context.Response;
        response.ContentType = ArtifactContentTypes.Guess(name);
        response.ContentLength = new FileInfo(fullPath).Length;
        response.Headers.ContentDisposition = ContentDisposition(name);
        response.Headers.XContentTypeOptions = "nosniff";
        return response.SendFileAsync(fullPath, context.RequestAborted);
    }

    // MLflow's plain "attachment; filename=x"; non-ASCII names also get an RFC 5987 filename* (headers are ASCII).
    private static string ContentDisposition(string name)
    {
        if (name.All(c => c is >= ' ' and < (char)127 and not '"' and not ';'))
        {
            return $"attachment; filename={name}";
        }

        var header = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment");
        header.SetHttpFileName(name);
        return header.ToString();
    }

    /// <summary>FileInfo as MLflow writes it: file_size omitted for directories (and 0 for empty files omitted too).</summary>
    public static object FileInfo(string path, ArtifactEntry entry) =>
        entry.IsDir || entry.FileSize is null or 0
            ? new { Path = path, entry.IsDir }
            : new { Path = path, entry.IsDir, FileSize = entry.FileSize.Value };
}
