using System.Text.RegularExpressions;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Api.ModelRegistry;

/// <summary>
/// Checks a model version's <c>source</c> (handlers._validate_source) and works out where its files are:
/// <c>runs:/&lt;run_id&gt;/&lt;path&gt;</c> through the run's artifact_uri, <c>models:/...</c> through the registry,
/// anything else as given.
/// </summary>
internal static partial class ModelVersionSources
{
    private const int MaxDecodingRounds = 16;

    public static async Task<string> StorageLocationAsync(MlflowCall call, string source, string runId)
    {
        var uri = SourceUri.Parse(source);
        CheckNormalized(source);
        if (uri.IsLocal)
        {
            await CheckLocalSourceAsync(call, source, uri, runId);
            return source;
        }

        return uri.Scheme switch
        {
            "runs" => await FromRunAsync(call, source, uri),
            "models" => await FromModelAsync(call, source, uri),
            _ => source,
        };
    }

    /// <summary>
    /// Refuses a source whose path (fully URL-decoded) is not absolute or changes under normalisation:
    /// '..' or '.' segments, also encoded, and NUL (handlers._validate_non_local_source_contains_relative_paths).
    /// </summary>
    private static void CheckNormalized(string source)
    {
        var decoded = source;
        for (var round = 0; round < MaxDecodingRounds; round++)
        {
            var next = Uri.UnescapeDataString(decoded.Replace('+', ' '));
            if (next == decoded)
            {
                break;
            }

            decoded = next;
        }

        var path = RepeatedSlashes().Replace(SourceUri.Parse(decoded).Path.TrimEnd('/'), "/");
        if (path.Contains('\0', StringComparison.Ordinal) || !path.StartsWith('/') || PosixPath.Normalize(path) != path)
        {
            throw MlflowException.InvalidParameter(
                $"Invalid model version source: '{decoded}'. If supplying a source as an http, https, local file path, ftp, objectstore, "
                + "or mlflow-artifacts uri, an absolute path must be provided without relative path references present. "
                + "Please provide an absolute path.");
        }
    }

    // A local path is accepted only inside the local artifact directory of the run named by run_id.
    private static async Task CheckLocalSourceAsync(MlflowCall call, string source, SourceUri uri, string runId)
    {
        if (!string.IsNullOrEmpty(runId) && !uri.IsRemoteFile)
        {
            var run = await call.Tracking.GetRunAsync(runId, call.Cancellation);
            var artifactUri = SourceUri.Parse(run.Info.ArtifactUri);
            if (artifactUri.IsLocal)
            {
                var runDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(artifactUri.LocalPath));
                var sourcePath = Path.TrimEndingDirectorySeparator(Path.GetFullPath(uri.LocalPath));
                if (sourcePath == runDirectory || sourcePath.StartsWith(runDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    return;
                }
            }
        }

        throw MlflowException.InvalidParameter(
            $"Invalid model version source: '{source}'. To use a local path as a model version source, the run_id request parameter "
            + "has to be specified and the local path has to be contained within the artifact directory of the run specified by the run_id.");
    }

    // runs:/<run_id>/<path> (RunsArtifactRepository.parse_runs_uri).
    private static async Task<string> FromRunAsync(MlflowCall call, string source, SourceUri uri)
    {
        var parts = uri.Path.Length > 1 ? uri.Path[1..].Split('/', 2) : [""];
        if (parts[0].Length == 0)
        {
            throw MlflowException.InvalidParameter(
                $"Not a proper runs:/ URI: {source}. Runs URIs must be of the form 'runs:/<run_id>/run-relative/path/to/artifact'");
        }

        var run = await call.Tracking.GetRunAsync(parts[0], call.Cancellation);
        var artifactPath = parts.Length > 1 ? parts[1].Trim('/') : "";
        return artifactPath.Length == 0 ? run.Info.ArtifactUri : ArtifactUris.Append(run.Info.ArtifactUri, artifactPath);
    }

    // models:/<name>/<version|stage|latest> or models:/<name>@<alias> (store/artifact/utils/models._parse_model_uri).
    private static async Task<string> FromModelAsync(MlflowCall call, string source, SourceUri uri)
    {
        var (name, suffix, alias) = ParseModelUri(source, uri);
        var registry = call.Service<IModelRegistryStore>();
        try
        {
            if (alias is not null)
            {
                var aliased = await registry.GetModelVersionByAliasAsync(name, alias, call.Cancellation);
                return await registry.GetModelVersionDownloadUriAsync(name, RegistryValidation.Version(aliased.Version), call.Cancellation);
            }

            var text = suffix ?? "";
            if (text.All(char.IsAsciiDigit))
            {
                return await registry.GetModelVersionDownloadUriAsync(name, RegistryValidation.Version(text), call.Cancellation);
            }

            IReadOnlyList<string> stages = text.Equals("latest", StringComparison.OrdinalIgnoreCase) ? [] : [RegistryValidation.Stage(text)];
            var latest = (await registry.GetLatestVersionsAsync(name, stages, call.Cancellation))
                .Select(v => RegistryValidation.Version(v.Version)).DefaultIfEmpty().Max();
            return latest > 0
                ? await registry.GetModelVersionDownloadUriAsync(name, latest, call.Cancellation)
                : throw MlflowException.NotFound($"No versions of model with name '{name}' and stage '{text}' found");
        }
        catch (MlflowException e)
        {
            throw MlflowException.InvalidParameter($"Unable to fetch model from model URI source artifact location '{source}'.Error: {e.Message}");
        }
    }

    /// <summary>(name, suffix, null) for models:/name/suffix, (name, null, alias) for models:/name@alias.</summary>
    private static (string Name, string? Suffix, string? Alias) ParseModelUri(string source, SourceUri uri)
    {
        var parts = uri.Path.StartsWith('/') && uri.Path.Length > 1 ? uri.Path[1..].Split('/') : [];
        if (parts.Length is 0 or > 2 || string.IsNullOrWhiteSpace(parts[0]))
        {
            throw ImproperModelUri(source);
        }

        if (parts.Length == 2)
        {
            return string.IsNullOrWhiteSpace(parts[1]) ? throw ImproperModelUri(source) : (parts[0], parts[1], null);
        }

        var at = parts[0].LastIndexOf('@');
        return at < 0 || string.IsNullOrWhiteSpace(parts[0][(at + 1)..])
            ? throw ImproperModelUri(source)
            : (parts[0][..at], null, parts[0][(at + 1)..]);
    }

    private static MlflowException ImproperModelUri(string uri) => MlflowException.InvalidParameter(
        $"Not a proper models:/ URI: {uri}. Models URIs must be of the form 'models:/model_name/suffix' or "
        + "'models:/model_name@alias' where suffix is a model version, stage, or the string 'latest' and where alias is a registered "
        + "model alias. Only one of suffix or alias can be defined at a time.");

    [GeneratedRegex("/+")]
    private static partial Regex RepeatedSlashes();

    /// <summary>The parts of a URI as Python's urlparse splits them (scheme lower-cased; no scheme means a local path).</summary>
    private readonly record struct SourceUri(string Scheme, string NetLoc, string Path)
    {
        public bool IsLocal => Scheme is "" or "file";

        /// <summary>A file: URI naming another machine (MLflow refuses these; the local-source rule does here).</summary>
        public bool IsRemoteFile => Scheme == "file" && NetLoc.Length > 0 && NetLoc != "."
            && !NetLoc.StartsWith("localhost", StringComparison.OrdinalIgnoreCase) && !NetLoc.StartsWith("127.0.0.1", StringComparison.Ordinal);

        /// <summary>The file-system path of a local source (a file: URI's path, percent-decoded).</summary>
        public string LocalPath => Scheme == "file" ? Uri.UnescapeDataString(Path) : Path;

        public static SourceUri Parse(string uri)
        {
            var scheme = "";
            var rest = uri;
            var colon = uri.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && char.IsAsciiLetter(uri[0]) && uri[..colon].All(c => char.IsAsciiLetterOrDigit(c) || c is '+' or '-' or '.'))
            {
                scheme = uri[..colon].ToLowerInvariant();
                rest = uri[(colon + 1)..];
            }

            var netLoc = "";
            if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                var end = rest.IndexOfAny(['/', '?', '#'], 2);
                netLoc = end < 0 ? rest[2..] : rest[2..end];
                rest = end < 0 ? "" : rest[end..];
            }

            var query = rest.IndexOfAny(['?', '#']);
            return new SourceUri(scheme, netLoc, query < 0 ? rest : rest[..query]);
        }
    }
}
