namespace MlTrack.Cli.Training;

/// <summary>What a run learned from, as its tags and dataset input record it: one file or a folder of files.</summary>
/// <param name="Name">The file name, or a short description of several files.</param>
/// <param name="Path">The file's or folder's full path.</param>
/// <param name="Sha256">The content hash (for several files: of their names and hashes, in order).</param>
/// <param name="RowCount">Data rows.</param>
/// <param name="ColumnNames">The columns, target included.</param>
internal sealed record DataSource(string Name, string Path, string Sha256, int RowCount, IReadOnlyList<string> ColumnNames);
