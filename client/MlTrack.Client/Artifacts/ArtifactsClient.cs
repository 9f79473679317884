using System.Collections.Concurrent;
using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>
/// Run artifacts: listing (artifacts/list), and streamed uploads and downloads of files and whole directories through
/// the tracking server's artifact proxy (/mlflow-artifacts/artifacts), as MLflow's client does for
/// <c>mlflow-artifacts:</c> locations. Downloads are in ArtifactsClient.Download.cs.
/// </summary>
public sealed partial class ArtifactsClient
{
    private readonly MlflowHttp _http;
    private readonly RunsClient _runs;
    private readonly RegisteredModelsClient _models;
    private readonly ModelVersionsClient _versions;
    private readonly ConcurrentDictionary<string, string> _runRoots = new(StringComparer.Ordinal);

    internal ArtifactsClient(MlflowHttp http, RunsClient runs, RegisteredModelsClient models, ModelVersionsClient versions)
    {
        _http = http;
        _runs = runs;
        _models = models;
        _versions = versions;
    }

    /// <summary>Lists one directory level of a run's artifacts (GET artifacts/list).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="path">The directory, relative to the run's artifact root; the root when not given.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The root URI and the entries, whose paths are relative to the root (<c>model/MLmodel</c>).</returns>
    /// <exception cref="MlflowApiException">The run is unknown, or the path is refused.</exception>
    public async Task<ArtifactListing> ListAsync(string runId, string? path = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        var query = new Query().Add("run_id", runId).Add("path", path);
        var response = await _http.GetAsync(Routes.ListRunArtifacts, query, ClientJson.Default.ListArtifactsResponse, cancellationToken)
            .ConfigureAwait(false);
        return new ArtifactListing(response.RootUri, response.Files ?? []);
    }

    /// <summary>Lists one directory level of an artifact location through the proxy (GET mlflow-artifacts/artifacts?path=).</summary>
    /// <param name="artifactUri">An <c>mlflow-artifacts:</c>, <c>runs:/</c> or <c>models:/</c> URI.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The entries, by plain name; empty for a file or a missing path (which is how MLflow tells files from directories).</returns>
    /// <exception cref="MlflowApiException">The server refused the call.</exception>
    public async Task<IReadOnlyList<ArtifactInfo>> ListFromUriAsync(string artifactUri, CancellationToken cancellationToken = default)
    {
        var proxyPath = ArtifactPaths.ProxyPath(await ResolveUriAsync(artifactUri, cancellationToken).ConfigureAwait(false));
        return await ListProxyAsync(proxyPath, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads a local file into a run's artifacts, streamed (PUT mlflow-artifacts/artifacts/...), like <c>log_artifact</c>.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="localFile">The file to upload; it keeps its name.</param>
    /// <param name="artifactPath">The directory under the run's artifact root to put it in; the root when not given.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The artifact's path relative to the run's artifact root.</returns>
    /// <exception cref="FileNotFoundException">The local file does not exist.</exception>
    /// <exception cref="MlflowApiException">The server refused the upload.</exception>
    public async Task<string> UploadFileAsync(string runId, string localFile, string? artifactPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localFile);
        if (!File.Exists(localFile))
        {
            throw new FileNotFoundException($"No file to upload at '{localFile}'.", localFile);
        }

        var relative = ArtifactPaths.Join(ArtifactPaths.Relative(artifactPath, nameof(artifactPath)), Path.GetFileName(localFile));
        var root = await RunRootAsync(runId, cancellationToken).ConfigureAwait(false);
        await PutAsync(ArtifactPaths.Join(root, relative), () => ArtifactContent.FromFile(localFile), idempotent: true, cancellationToken)
            .ConfigureAwait(false);
        return relative;
    }

    /// <summary>Uploads the content of a stream as one artifact file, streamed (PUT mlflow-artifacts/artifacts/...).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="artifactFilePath">The file's path under the run's artifact root, such as <c>reports/summary.json</c>.</param>
    /// <param name="content">The bytes to upload, read from its current position; not disposed. Retried only when it can seek.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>A task that completes when the server has stored the file.</returns>
    /// <exception cref="MlflowApiException">The server refused the upload.</exception>
    public async Task UploadAsync(string runId, string artifactFilePath, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var relative = ArtifactPaths.Relative(artifactFilePath, nameof(artifactFilePath));
        ArgumentException.ThrowIfNullOrEmpty(relative, nameof(artifactFilePath));
        var root = await RunRootAsync(runId, cancellationToken).ConfigureAwait(false);
        var start = content.CanSeek ? content.Position : 0;
        await PutAsync(
            ArtifactPaths.Join(root, relative),
            () =>
            {
                if (content.CanSeek)
                {
                    content.Position = start;
                }

                return new ArtifactContent(content, ownsSource: false);
            },
            idempotent: content.CanSeek,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Uploads every file under a local directory, keeping the tree, like <c>log_artifacts</c> (empty directories are
    /// skipped, as MLflow does). Files are streamed, several at once.
    /// </summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="localDirectory">The directory whose content is uploaded.</param>
    /// <param name="artifactPath">The directory under the run's artifact root to upload into; the root when not given.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The uploaded files' paths relative to the run's artifact root.</returns>
    /// <exception cref="DirectoryNotFoundException">The local directory does not exist.</exception>
    /// <exception cref="MlflowApiException">The server refused an upload.</exception>
    public async Task<IReadOnlyList<string>> UploadDirectoryAsync(
        string runId, string localDirectory, string? artifactPath = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(localDirectory);
        if (!Directory.Exists(localDirectory))
        {
            throw new DirectoryNotFoundException($"No directory to upload at '{localDirectory}'.");
        }

        var target = ArtifactPaths.Relative(artifactPath, nameof(artifactPath));
        var root = await RunRootAsync(runId, cancellationToken).ConfigureAwait(false);
        var files = Directory.EnumerateFiles(localDirectory, "*", SearchOption.AllDirectories)
            .Select(file => (Local: file, Relative: ArtifactPaths.Join(target, Path.GetRelativePath(localDirectory, file).Replace('\\', '/'))))
            .OrderBy(file => file.Relative, StringComparer.Ordinal)
            .ToList();
        await Parallel.ForEachAsync(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = _http.Options.ArtifactTransferConcurrency, CancellationToken = cancellationToken },
            async (file, token) => await PutAsync(
                ArtifactPaths.Join(root, file.Relative), () => ArtifactContent.FromFile(file.Local), idempotent: true, token).ConfigureAwait(false))
            .ConfigureAwait(false);
        return [.. files.Select(f => f.Relative)];
    }

    /// <summary>Deletes an artifact directory of a run (DELETE mlflow-artifacts/artifacts/...). Not retried.</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="artifactPath">The directory, relative to the run's artifact root.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task that completes when the server has deleted it.</returns>
    /// <exception cref="MlflowApiException">The server refused the call.</exception>
    public async Task DeleteAsync(string runId, string artifactPath, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPaths.Relative(artifactPath, nameof(artifactPath));
        ArgumentException.ThrowIfNullOrEmpty(relative, nameof(artifactPath));
        var uri = ProxyUri(ArtifactPaths.Join(await RunRootAsync(runId, cancellationToken).ConfigureAwait(false), relative));
        using var response = await _http.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Delete, uri), idempotent: false, HttpCompletionOption.ResponseContentRead, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The proxy path of a run's artifact root (from runs/get, once per run).</summary>
    private async Task<string> RunRootAsync(string runId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        if (!_runRoots.TryGetValue(runId, out var root))
        {
            var run = await _runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
            root = ArtifactPaths.ProxyPath(run.Info.ArtifactUri ?? throw new InvalidOperationException($"Run {runId} has no artifact URI."));
            _runRoots[runId] = root;
        }

        return root;
    }

    private Uri ProxyUri(string proxyPath) => _http.Api($"{Routes.ProxyArtifacts}/{ArtifactPaths.Escape(proxyPath)}");

    private async Task PutAsync(string proxyPath, Func<HttpContent> content, bool idempotent, CancellationToken cancellationToken)
    {
        var uri = ProxyUri(proxyPath);
        using var response = await _http.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Put, uri) { Content = content() }, idempotent, HttpCompletionOption.ResponseContentRead,
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ArtifactInfo>> ListProxyAsync(string proxyPath, CancellationToken cancellationToken)
    {
        var query = new Query().Add("path", proxyPath.Length == 0 ? null : proxyPath);
        var response = await _http.GetAsync(Routes.ProxyArtifacts, query, ClientJson.Default.ListArtifactsResponse, cancellationToken)
            .ConfigureAwait(false);
        return response.Files ?? [];
    }
}
