namespace MlTrack.Client;

/// <summary>An entry of an artifact listing: a file or a directory.</summary>
/// <param name="Path">
/// Relative to the run's artifact root in <see cref="ArtifactsClient.ListAsync"/> (<c>model/MLmodel</c>); a plain
/// name in <see cref="ArtifactsClient.ListFromUriAsync"/>.
/// </param>
/// <param name="IsDir">Whether the entry is a directory.</param>
/// <param name="FileSize">The size in bytes; <see langword="null"/> for directories (and, as MLflow sends it, for empty files).</param>
public sealed record ArtifactInfo(string Path, bool IsDir, long? FileSize = null);

/// <summary>One directory level of a run's artifacts (artifacts/list).</summary>
/// <param name="RootUri">The run's artifact root URI.</param>
/// <param name="Files">The entries of the listed directory; empty for a file or a missing path.</param>
public sealed record ArtifactListing(string? RootUri, IReadOnlyList<ArtifactInfo> Files);
