using System.Globalization;

namespace MlTrack.Client;

/// <summary>Resolution of <c>runs:/</c> and <c>models:/</c> URIs (mlflow/store/artifact/runs_artifact_repo.py, models_artifact_repo.py).</summary>
public sealed partial class ArtifactsClient
{
    /// <summary>
    /// Resolves a <c>runs:/&lt;run id&gt;/path</c> or <c>models:/...</c> URI to the storage location it stands for (through
    /// runs/get, model-versions/get-download-uri, registered-models/alias or get-latest-versions); other URIs are returned as given.
    /// </summary>
    /// <param name="uri">
    /// The URI: <c>runs:/ID/model</c>, <c>models:/name/3</c>, <c>models:/name@champion</c>, <c>models:/name/Production</c>
    /// or <c>models:/name/latest</c>.
    /// </param>
    /// <param name="cancellationToken">Cancels the calls.</param>
    /// <returns>The storage location, such as <c>mlflow-artifacts:/1/&lt;run id&gt;/artifacts/model</c>.</returns>
    /// <exception cref="MlflowApiException">The run, model, version or alias does not exist.</exception>
    /// <exception cref="FormatException">A <c>runs:/</c> or <c>models:/</c> URI of the wrong form.</exception>
    public async Task<string> ResolveUriAsync(string uri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(uri);
        // A model version's source may itself be a runs:/ or models:/ URI; a few rounds settle it.
        for (var round = 0; round < 4; round++)
        {
            if (uri.StartsWith("runs:/", StringComparison.Ordinal))
            {
                var rest = uri["runs:/".Length..].Trim('/');
                var (runId, path) = rest.Contains('/', StringComparison.Ordinal) ? Split(rest, uri) : (rest, "");
                var run = await _runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
                var root = run.Info.ArtifactUri ?? throw new InvalidOperationException($"Run {runId} has no artifact URI.");
                uri = path.Length == 0 ? root : $"{root.TrimEnd('/')}/{path}";
            }
            else if (uri.StartsWith("models:/", StringComparison.Ordinal))
            {
                uri = await ResolveModelUriAsync(uri, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                return uri;
            }
        }

        throw new FormatException($"'{uri}' does not resolve to a storage location.");
    }

    private async Task<string> ResolveModelUriAsync(string uri, CancellationToken cancellationToken)
    {
        var rest = uri["models:/".Length..].TrimStart('/');
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var at = rest.LastIndexOf('@');
        string location;
        string subPath;
        if (at > 0 && (slash < 0 || at < slash))
        {
            // models:/name@alias[/path]
            var end = slash < 0 ? rest.Length : slash;
            var version = await _models.GetVersionByAliasAsync(rest[..at], rest[(at + 1)..end], cancellationToken).ConfigureAwait(false);
            location = await _versions.GetDownloadUriAsync(version.Name, version.Version, cancellationToken).ConfigureAwait(false);
            subPath = slash < 0 ? "" : rest[(slash + 1)..];
        }
        else
        {
            // models:/name/version-or-stage[/path]
            var (name, tail) = Split(rest, uri);
            var (selector, path) = tail.Contains('/', StringComparison.Ordinal) ? Split(tail, uri) : (tail, "");
            if (selector.Length == 0)
            {
                throw new FormatException($"'{uri}' names no version, stage or alias: use models:/name/1, models:/name/Production or models:/name@alias.");
            }

            var version = long.TryParse(selector, NumberStyles.None, CultureInfo.InvariantCulture, out _)
                ? selector
                : await LatestVersionAsync(name, selector, cancellationToken).ConfigureAwait(false);
            location = await _versions.GetDownloadUriAsync(name, version, cancellationToken).ConfigureAwait(false);
            subPath = path;
        }

        return subPath.Length == 0 ? location : $"{location.TrimEnd('/')}/{subPath}";
    }

    // models:/name/latest is the highest version in any stage; models:/name/Stage the highest in that stage.
    private async Task<string> LatestVersionAsync(string name, string stage, CancellationToken cancellationToken)
    {
        var stages = stage.Equals("latest", StringComparison.OrdinalIgnoreCase) ? null : new[] { stage };
        var versions = await _models.GetLatestVersionsAsync(name, stages, cancellationToken).ConfigureAwait(false);
        return versions.Count == 0
            ? throw new MlflowApiException(
                System.Net.HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"No versions of model '{name}' in stage '{stage}'.", "")
            : versions.MaxBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture))!.Version;
    }

    private static (string Head, string Tail) Split(string text, string uri)
    {
        var slash = text.IndexOf('/', StringComparison.Ordinal);
        return slash <= 0 ? throw new FormatException($"'{uri}' is not a valid artifact URI.") : (text[..slash], text[(slash + 1)..]);
    }
}
