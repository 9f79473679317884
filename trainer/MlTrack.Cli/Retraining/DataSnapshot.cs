using System.Security.Cryptography;
using System.Text;

namespace MlTrack.Cli.Retraining;

/// <summary>One CSV file of the data folder as it was when the snapshot was taken.</summary>
internal sealed record SnapshotFile(string Path, long Length, DateTime LastWriteUtc, string Sha256)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>
/// The CSV files a cycle trains on, and one hash of them all: a new file, a grown file or a changed byte gives a new
/// hash, so "has the data changed" and "did we already train on this" are one comparison.
/// </summary>
internal sealed record DataSnapshot(string Directory, IReadOnlyList<SnapshotFile> Files, string Sha256)
{
    public bool IsEmpty => Files.Count == 0;

    public string Description => Files.Count switch
    {
        0 => "no files",
        1 => Files[0].Name,
        <= 4 => $"{Files.Count} files: {string.Join(", ", Files.Select(f => f.Name))}",
        _ => $"{Files.Count} files: {Files[0].Name} … {Files[^1].Name}",
    };
}

/// <summary>Takes snapshots of a data folder, hashing only files whose size or modification time changed.</summary>
internal sealed class DataFolder(string directory, int? recentFiles)
{
    private readonly Dictionary<string, SnapshotFile> _hashed = new(StringComparer.Ordinal);

    public string Directory { get; } = directory;

    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public DataSnapshot Take()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            throw new DirectoryNotFoundException($"Data folder not found: {Directory}");
        }
        var files = new DirectoryInfo(Directory).EnumerateFiles("*.csv")
            .OrderByDescending(f => f.LastWriteTimeUtc).ThenByDescending(f => f.Name, StringComparer.Ordinal)
            .Take(recentFiles ?? int.MaxValue)
            .OrderBy(f => f.Name, StringComparer.Ordinal)
            .Select(Hash)
            .ToList();
        var combined = new StringBuilder();
        foreach (var file in files)
        {
            combined.Append(file.Name).Append('\t').Append(file.Sha256).Append('\n');
        }
        var sha = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(combined.ToString())));
        return new DataSnapshot(Directory, files, sha);
    }

    private SnapshotFile Hash(FileInfo file)
    {
        if (_hashed.TryGetValue(file.FullName, out var known) && known.Length == file.Length && known.LastWriteUtc == file.LastWriteTimeUtc)
        {
            return known;
        }
        using var stream = file.OpenRead();
        var hashed = new SnapshotFile(file.FullName, file.Length, file.LastWriteTimeUtc, Convert.ToHexStringLower(SHA256.HashData(stream)));
        _hashed[file.FullName] = hashed;
        return hashed;
    }
}
