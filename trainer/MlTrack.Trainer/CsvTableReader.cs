using System.Globalization;
using System.Text;

namespace MlTrack.Trainer;

/// <summary>
/// Reads a comma-separated file with a header row into a <see cref="NumericTable"/>. Fields may be quoted
/// (<c>"a,b"</c>, <c>""</c> for a quote), but may not span lines; numbers use the invariant culture
/// (<c>1.5</c>, <c>-2e-3</c>); blank lines are skipped; a UTF-8 byte order mark and CRLF line ends are accepted.
/// </summary>
public static class CsvTableReader
{
    /// <summary>Reads a CSV file.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="CsvFormatException">The file is empty, has no data rows, a row with the wrong number of
    /// fields, an empty or repeated column name, or a value that is not a finite number; the message names the
    /// line and column.</exception>
    public static NumericTable Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"Data file not found: {path}", path);
        }
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, path);
    }

    /// <summary>Reads CSV text; <paramref name="sourceName"/> is used in error messages.</summary>
    /// <exception cref="CsvFormatException">See <see cref="Load"/>.</exception>
    public static NumericTable Read(TextReader reader, string sourceName)
    {
        var records = CsvRecordReader.Open(reader, sourceName);
        var names = records.ColumnNames;
        var columns = names.Select(_ => new List<double>()).ToArray();
        while (records.TryReadRecord(out var fields))
        {
            for (int j = 0; j < fields.Count; j++)
            {
                columns[j].Add(ParseValue(fields[j], sourceName, records.LineNumber, names[j]));
            }
        }
        if (columns[0].Count == 0)
        {
            throw new CsvFormatException(sourceName, 0, null, "the file has a header but no data rows.");
        }
        return new NumericTable(names, columns.Select(c => c.ToArray()).ToArray());
    }

    private static double ParseValue(string field, string source, int lineNumber, string column)
    {
        var text = field.AsSpan().Trim();
        if (text.IsEmpty)
        {
            throw new CsvFormatException(source, lineNumber, column, "the value is empty; every value must be a number.");
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new CsvFormatException(source, lineNumber, column, $"'{field.Trim()}' is not a number.");
        }
        if (!double.IsFinite(value))
        {
            throw new CsvFormatException(source, lineNumber, column, $"'{field.Trim()}' is not a finite number.");
        }
        return value;
    }
}
