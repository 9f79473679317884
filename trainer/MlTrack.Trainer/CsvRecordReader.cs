using System.Text;

namespace MlTrack.Trainer;

/// <summary>
/// The CSV syntax shared by the strict <see cref="CsvTableReader"/> and the lenient
/// <see cref="Validation.DataBatch"/>: a header of unique, non-empty names, then records with as many fields.
/// Fields may be quoted (<c>"a,b"</c>, <c>""</c> for a quote) but may not span lines; blank lines are skipped;
/// a UTF-8 byte order mark is accepted. What a field means is left to the caller.
/// </summary>
internal sealed class CsvRecordReader
{
    private readonly TextReader _reader;
    private readonly string _source;
    private int _lineNumber;

    private CsvRecordReader(TextReader reader, string source, IReadOnlyList<string> columnNames, int lineNumber)
    {
        _reader = reader;
        _source = source;
        ColumnNames = columnNames;
        _lineNumber = lineNumber;
    }

    /// <summary>The header's column names, trimmed.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The 1-based line of the record last returned by <see cref="TryReadRecord"/>.</summary>
    public int LineNumber => _lineNumber;

    /// <summary>Reads the header.</summary>
    /// <exception cref="CsvFormatException">The text is empty, or a column name is empty or repeated.</exception>
    public static CsvRecordReader Open(TextReader reader, string source)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(source);
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
            throw new CsvFormatException(source, 0, null, "the file is empty; expected a header row of column names.");
        }

        var names = SplitFields(line.TrimStart('\uFEFF'), source, lineNumber);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int j = 0; j < names.Count; j++)
        {
            names[j] = names[j].Trim();
            if (names[j].Length == 0)
            {
                throw new CsvFormatException(source, lineNumber, null, $"the header's field {j + 1} is an empty column name.");
            }
            if (!seen.Add(names[j]))
            {
                throw new CsvFormatException(source, lineNumber, names[j], "the column name appears twice in the header.");
            }
        }
        return new CsvRecordReader(reader, source, names, lineNumber);
    }

    /// <summary>Reads the next non-blank line's fields, unquoted but not trimmed; false at the end.</summary>
    /// <exception cref="CsvFormatException">The record has a different number of fields than the header, or an
    /// unclosed quote.</exception>
    public bool TryReadRecord(out IReadOnlyList<string> fields)
    {
        string? line;
        while ((line = _reader.ReadLine()) is not null)
        {
            _lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            var split = SplitFields(line, _source, _lineNumber);
            if (split.Count != ColumnNames.Count)
            {
                throw new CsvFormatException(
                    _source, _lineNumber, null, $"expected {ColumnNames.Count} fields as in the header but found {split.Count}.");
            }
            fields = split;
            return true;
        }
        fields = [];
        return false;
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
