using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>Streamed downloads of artifact files and directories (mlflow/store/artifact/artifact_repo.py download_artifacts).</summary>
public sealed partial class ArtifactsClient
{
    /// <summary>
    /// Downloads a run's artifact file or directory. As MLflow's client, it first lists the path: an empty listing
    /// means a file, anything else a directory, which is walked level by level. Files are streamed to disk.
    /// </summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="artifactPath">The file or directory, relative to the run's artifact root; <c>""</c> downloads all of them.</param>
    /// <param name="destinationDirectory">The local directory; the artifact lands at <c>destinationDirectory/artifactPath</c>.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The local path of the downloaded file or directory.</returns>
    /// <exception cref="MlflowApiException">The server refused a call (a missing path fails as a file download).</exception>
    public async Task<string> DownloadAsync(string runId, string artifactPath, string destinationDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationDirectory);
        var relative = ArtifactPaths.Relative(artifactPath, nameof(artifactPath));
        var root = await RunRootAsync(runId, cancellationToken).ConfigureAwait(false);
        var local = relative.Length == 0 ? Path.GetFullPath(destinationDirectory) : Path.GetFullPath(Path.Combine(destinationDirectory, relative));
        return await DownloadTreeAsync(ArtifactPaths.Join(root, relative), local, isRoot: relative.Length == 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Downloads the file or directory an artifact URI names: <c>mlflow-artifacts:/...</c>, <c>runs:/&lt;run id&gt;/path</c>,
    /// <c>models:/name/1</c>, <c>models:/name@alias</c>, <c>models:/name/Production</c> or <c>models:/name/latest</c>.
    /// </summary>
    /// <param name="artifactUri">The URI.</param>
    /// <param name="destinationDirectory">The local directory; the artifact lands at <c>destinationDirectory/&lt;last segment&gt;</c>.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    /// <returns>The local path of the downloaded file or directory.</returns>
    /// <exception cref="MlflowApiException">The server refused a call.</exception>
    /// <exception cref="NotSupportedException">The location is not served by the tracking server's artifact proxy.</exception>
    public async Task<string> DownloadFromUriAsync(string artifactUri, string destinationDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(destinationDirectory);
        var proxyPath = ArtifactPaths.ProxyPath(await ResolveUriAsync(artifactUri, cancellationToken).ConfigureAwait(false));
        var name = ArtifactPaths.Name(proxyPath);
        var local = Path.GetFullPath(name.Length == 0 ? destinationDirectory : Path.Combine(destinationDirectory, ArtifactPaths.SafeName(name)));
        return await DownloadTreeAsync(proxyPath, local, isRoot: name.Length == 0, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens a run's artifact file for reading, streamed from the server (GET mlflow-artifacts/artifacts/...).</summary>
    /// <param name="runId">The run's id.</param>
    /// <param name="artifactFilePath">The file, relative to the run's artifact root.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The body as a stream; dispose it to release the connection.</returns>
    /// <exception cref="MlflowApiException">The server refused the call (MLflow answers 500 for a missing file).</exception>
    public async Task<Stream> OpenReadAsync(string runId, string artifactFilePath, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPaths.Relative(artifactFilePath, nameof(artifactFilePath));
        ArgumentException.ThrowIfNullOrEmpty(relative, nameof(artifactFilePath));
        var root = await RunRootAsync(runId, cancellationToken).ConfigureAwait(false);
        return await OpenProxyAsync(ArtifactPaths.Join(root, relative), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Opens the artifact file an artifact URI names for reading, streamed from the server.</summary>
    /// <param name="artifactUri">An <c>mlflow-artifacts:</c>, <c>runs:/</c> or <c>models:/</c> URI naming a file.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The body as a stream; dispose it to release the connection.</returns>
    /// <exception cref="MlflowApiException">The server refused the call.</exception>
    public async Task<Stream> OpenReadFromUriAsync(string artifactUri, CancellationToken cancellationToken = default)
    {
        var proxyPath = ArtifactPaths.ProxyPath(await ResolveUriAsync(artifactUri, cancellationToken).ConfigureAwait(false));
        return await OpenProxyAsync(proxyPath, cancellationToken).ConfigureAwait(false);
    }

    // An empty listing means a file (or nothing, which then fails as a download), as MLflow's client decides.
    private async Task<string> DownloadTreeAsync(string proxyPath, string localPath, bool isRoot, CancellationToken cancellationToken)
    {
        var entries = await ListProxyAsync(proxyPath, cancellationToken).ConfigureAwait(false);
        if (entries.Count == 0 && !isRoot)
        {
            await DownloadFileAsync(proxyPath, localPath, cancellationToken).ConfigureAwait(false);
            return localPath;
        }

        // Walk the tree one listing per directory, then fetch the files several at once.
        var files = new List<(string Remote, string Local)>();
        var pending = new Queue<(string Remote, string Local, IReadOnlyList<ArtifactInfo> Entries)>();
        pending.Enqueue((proxyPath, localPath, entries));
        while (pending.TryDequeue(out var directory))
        {
            Directory.CreateDirectory(directory.Local);
            foreach (var entry in directory.Entries)
            {
                var name = ArtifactPaths.SafeName(ArtifactPaths.Name(entry.Path));
                var remote = ArtifactPaths.Join(directory.Remote, name);
                var local = Path.Combine(directory.Local, name);
                if (entry.IsDir)
                {
                    pending.Enqueue((remote, local, await ListProxyAsync(remote, cancellationToken).ConfigureAwait(false)));
                }
                else
                {
                    files.Add((remote, local));
                }
            }
        }

        await Parallel.ForEachAsync(
            files,
            new ParallelOptions { MaxDegreeOfParallelism = _http.Options.ArtifactTransferConcurrency, CancellationToken = cancellationToken },
            async (file, token) => await DownloadFileAsync(file.Remote, file.Local, token).ConfigureAwait(false)).ConfigureAwait(false);
        return localPath;
    }

    private async Task DownloadFileAsync(string proxyPath, string localPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(localPath)!);
        await using var body = await OpenProxyAsync(proxyPath, cancellationToken).ConfigureAwait(false);
        var completed = false;
        var file = new FileStream(localPath, FileMode.Create, FileAccess.Write, FileShare.None, 81_920, FileOptions.Asynchronous);
        try
        {
            await using (file.ConfigureAwait(false))
            {
                await body.CopyToAsync(file, 81_920, cancellationToken).ConfigureAwait(false);
            }

            completed = true;
        }
        finally
        {
            if (!completed)
            {
                // No half-written file is left behind for the next reader to trust.
                File.Delete(localPath);
            }
        }
    }

    private async Task<Stream> OpenProxyAsync(string proxyPath, CancellationToken cancellationToken)
    {
        var uri = ProxyUri(proxyPath);
        var response = await _http.SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, uri), idempotent: true, HttpCompletionOption.ResponseHeadersRead, cancellationToken)
            .ConfigureAwait(false);
        // Disposing the content stream releases the connection and the response with it.
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }
}
