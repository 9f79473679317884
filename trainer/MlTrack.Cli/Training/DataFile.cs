using System.Security.Cryptography;
using MlTrack.Trainer;

namespace MlTrack.Cli.Training;

/// <summary>A CSV file read for training, with the fingerprint that ties a run to the exact bytes it learned from.</summary>
internal sealed record DataFile(string FullPath, string Sha256, NumericTable Table)
{
    public string Name => Path.GetFileName(FullPath);

    public DataSource Source => new(Name, FullPath, Sha256, Table.RowCount, Table.ColumnNames);

    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CsvFormatException">The file is not a numeric CSV table.</exception>
    public static DataFile Load(string fullPath)
    {
        var table = CsvTableReader.Load(fullPath);
        using var stream = File.OpenRead(fullPath);
        return new DataFile(fullPath, Convert.ToHexStringLower(SHA256.HashData(stream)), table);
    }

    /// <summary>The table's target column, or a clear error naming the columns there are.</summary>
    /// <exception cref="ColumnNotFoundException">The table has no such column.</exception>
    public void RequireTarget(string target)
    {
        if (Table.IndexOf(target) < 0)
        {
            throw new ColumnNotFoundException(target, Table.ColumnNames);
        }
        if (Table.ColumnCount < 2)
        {
            throw new TrainerDataException($"{Name} has no feature columns besides the target '{target}'.");
        }
    }
}
