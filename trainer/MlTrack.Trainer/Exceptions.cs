namespace MlTrack.Trainer;

/// <summary>The base of the errors in the training data: a malformed CSV or a missing column. Its message is one line
/// that names the file, line and column where they are known, fit to show a user as it is.</summary>
public class TrainerDataException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainerDataException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public TrainerDataException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the error that caused it.</summary>
    public TrainerDataException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A CSV file that cannot be read as a numeric table: empty, no data rows, a row with the wrong number of
/// fields, a duplicate or empty column name, or a value that is not a finite number.</summary>
public sealed class CsvFormatException : TrainerDataException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="path">The file.</param>
    /// <param name="lineNumber">The 1-based line of the file (the header is line 1), or 0 for the whole file.</param>
    /// <param name="columnName">The column, where one is at fault.</param>
    /// <param name="problem">What is wrong, without the location.</param>
    public CsvFormatException(string path, int lineNumber, string? columnName, string problem)
        : base(Describe(path, lineNumber, columnName, problem))
    {
        Path = path;
        LineNumber = lineNumber;
        ColumnName = columnName;
    }

    /// <summary>The file.</summary>
    public string Path { get; }

    /// <summary>The 1-based line of the file (the header is line 1), or 0 when the problem is the whole file.</summary>
    public int LineNumber { get; }

    /// <summary>The column at fault, if any.</summary>
    public string? ColumnName { get; }

    private static string Describe(string path, int lineNumber, string? columnName, string problem)
    {
        var where = lineNumber > 0 ? $"{path}, line {lineNumber}" : path;
        if (columnName is not null)
        {
            where += $", column '{columnName}'";
        }
        return $"{where}: {problem}";
    }
}

/// <summary>A column (for example the target) that the table does not have.</summary>
public sealed class ColumnNotFoundException : TrainerDataException
{
    /// <summary>Creates the exception; the message lists the columns there are.</summary>
    public ColumnNotFoundException(string columnName, IEnumerable<string> availableColumns)
        : base($"There is no column '{columnName}'; the columns are {string.Join(", ", availableColumns.Select(c => $"'{c}'"))}.")
    {
        ColumnName = columnName;
    }

    /// <summary>The missing column.</summary>
    public string ColumnName { get; }
}
