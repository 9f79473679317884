using MlTrack.Server.Errors;

namespace MlTrack.Server.Artifacts;

/// <summary>One entry of a directory listing; <see cref="FileSize"/> is null for directories.</summary>
internal sealed record ArtifactEntry(string Name, bool IsDir, long? FileSize);

/// <summary>
/// Files under one root directory. Every path is a validated relative path (<see cref="ArtifactPath"/>), and
/// a symlink inside the tree whose target lies outside the root is refused. Uploads stream to a temporary
/// name and are moved into place when complete, so a reader never sees half a file.
/// </summary>
internal sealed class LocalArtifactStore(string root)
{
    private const string UploadPrefix = ".mltrack-upload-";

    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>Entries of a directory, by name; null when the path is a file or does not exist (MLflow answers {}).</summary>
    public IReadOnlyList<ArtifactEntry>? List(string relativePath)
    {
        var directory = new DirectoryInfo(Resolve(relativePath));
        if (!directory.Exists)
        {
            return null;
        }

        return [.. directory.EnumerateFileSystemInfos()
            .Where(e => !e.Name.StartsWith(UploadPrefix, StringComparison.Ordinal))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .Select(e => e is FileInfo file ? new ArtifactEntry(e.Name, false, file.Length) : new ArtifactEntry(e.Name, true, null))];
    }

    /// <summary>The full path of an existing file, or RESOURCE_DOES_NOT_EXIST.</summary>
    public string FilePath(string relativePath)
    {
        var path = Resolve(relativePath);
        return File.Exists(path) ? path : throw MlflowException.NotFound($"No artifact at path '{relativePath}'");
    }

    /// <summary>Writes a file from a request body pipe, straight from its buffers.</summary>
    public async Task WriteAsync(string relativePath, System.IO.Pipelines.PipeReader content, CancellationToken cancellationToken)
    {
        if (relativePath.Length == 0)
        {
            throw MlflowException.InvalidParameter("Invalid path");
        }

        var target = Resolve(relativePath);
        var directory = Path.GetDirectoryName(target)!;
        if (File.Exists(directory))
        {
            throw MlflowException.InvalidParameter($"Cannot write '{relativePath}': a parent of it is a file.");
        }

        if (Directory.Exists(target))
        {
            throw MlflowException.InvalidParameter($"Cannot write '{relativePath}': it is a directory.");
        }

        Directory.CreateDirectory(directory);
        EnsureInsideRoot(directory);
        var temporary = Path.Combine(directory, UploadPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            await WriteFileAsync(temporary, content, cancellationToken);
            File.Move(temporary, target, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Writes the pipe's buffers as they arrive with one gathered write (pwritev) per read: no copy into a file
    /// buffer, and as few system calls as the pipe allows.
    /// </summary>
    private static async Task WriteFileAsync(string path, System.IO.Pipelines.PipeReader content, CancellationToken cancellationToken)
    {
        using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        var segments = new List<ReadOnlyMemory<byte>>();
        long offset = 0;
        while (true)
        {
            var read = await content.ReadAsync(cancellationToken);
            segments.Clear();
            foreach (var segment in read.Buffer)
            {
                segments.Add(segment);
            }

            // A page-cache write is short; doing it inline spares a thread-pool hop per read.
            RandomAccess.Write(file, segments, offset);
            offset += read.Buffer.Length;
            content.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>Deletes a file, or a directory with everything in it; a missing path is RESOURCE_DOES_NOT_EXIST.</summary>
    public void Delete(string relativePath)
    {
        var path = Resolve(relativePath);
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
        else if (File.Exists(path))
        {
            File.Delete(path);
        }
        else
        {
            throw MlflowException.NotFound($"No artifact at path '{relativePath}'");
        }
    }

    private string Resolve(string relativePath)
    {
        var full = relativePath.Length == 0 ? Root : Path.GetFullPath(Path.Combine(Root, relativePath));
        if (full != Root && !full.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw MlflowException.InvalidParameter("Invalid path");
        }

        EnsureInsideRoot(full);
        return full;
    }

    // Follows every symlink on the way from the root down to the path; each must stay inside the root.
    private void EnsureInsideRoot(string full)
    {
        var current = Root;
        foreach (var segment in Path.GetRelativePath(Root, full).Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            current = Path.Combine(current, segment);
            var info = new FileInfo(current);
            if (info.LinkTarget is null)
            {
                continue;
            }

            var target = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? "";
            var realRoot = new DirectoryInfo(Root).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? Root;
            if (target != realRoot && !target.StartsWith(realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                && !target.StartsWith(Root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                throw MlflowException.InvalidParameter("Invalid path");
            }
        }
    }
}
