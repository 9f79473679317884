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
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(sourceName);
        int lineNumber = 0;
        string? line;
        do
        {
            line = reader.ReadLine();
            lineNumber++;
        }
        while (line is not null && string.IsNullOrWhiteSpace(line));
        if (line is null)
        {
            throw new CsvFormatException(sourceName, 0, null, "the file is empty; expected a header row of column names.");
        }

        var names = SplitFields(line.TrimStart('\uFEFF'), sourceName, lineNumber);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < names.Count; j++)
        {
            names[j] = names[j].Trim();
            if (names[j].Length == 0)
            {
                throw new CsvFormatException(sourceName, lineNumber, null, $"the header's field {j + 1} is an empty column name.");
            }
            if (!seen.Add(names[j]))
            {
                throw new CsvFormatException(sourceName, lineNumber, names[j], "the column name appears twice in the header.");
            }
        }

        var columns = names.Select(_ => new List<double>()).ToArray();
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var fields = SplitFields(line, sourceName, lineNumber);
            if (fields.Count != names.Count)
            {
                throw new CsvFormatException(
                    sourceName, lineNumber, null, $"expected {names.Count} fields as in the header but found {fields.Count}.");
            }
            for (int j = 0; j < fields.Count; j++)
            {
                columns[j].Add(ParseValue(fields[j], sourceName, lineNumber, names[j]));
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

    /// <summary>Splits one line at commas outside double quotes and removes the quoting.</summary>
    private static List<string> SplitFields(string line, string source, int lineNumber)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"')
                {
                    field.Append(c);
                }
                else if (i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else
                {
                    quoted = false;
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }
        if (quoted)
        {
            throw new CsvFormatException(source, lineNumber, null, "a quoted field is not closed on this line.");
        }
        fields.Add(field.ToString());
        return fields;
    }
}
