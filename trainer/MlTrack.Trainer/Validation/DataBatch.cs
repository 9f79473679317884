using System.Collections.ObjectModel;
using System.Globalization;
using System.Text;

namespace MlTrack.Trainer.Validation;

/// <summary>
/// New training data as it arrived: one or more CSV files with the same header, read leniently so that
/// <see cref="DataValidationGate"/> can report what is wrong with it instead of failing at the first bad cell.
/// Empty cells and missing-value markers become <see cref="double.NaN"/> and are counted as missing; other text is
/// counted as non-numeric. The CSV syntax itself (quoting, field counts, header) is still strict.
/// </summary>
public sealed class DataBatch
{
    // pandas' usual markers, compared case-insensitively; an empty cell is missing too.
    private static readonly HashSet<string> MissingMarkers = new(StringComparer.OrdinalIgnoreCase)
    {
        "NA", "N/A", "#N/A", "NaN", "-NaN", "null", "None", "<NA>",
    };

    private readonly Dictionary<string, BatchColumn> _columnsByName;

    private DataBatch(IReadOnlyList<string> files, IReadOnlyList<BatchColumn> columns, int rowCount, int duplicateRowCount)
    {
        Files = files;
        Columns = columns;
        ColumnNames = new ReadOnlyCollection<string>(columns.Select(c => c.Name).ToArray());
        RowCount = rowCount;
        DuplicateRowCount = duplicateRowCount;
        _columnsByName = columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    /// <summary>The files (or source names) the rows came from, in order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The column names, in header order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The columns, in header order.</summary>
    public IReadOnlyList<BatchColumn> Columns { get; }

    /// <summary>The number of data rows over all files.</summary>
    public int RowCount { get; }

    /// <summary>Rows equal, cell for cell, to an earlier row (in any file); numbers compare by value.</summary>
    public int DuplicateRowCount { get; }

    /// <summary>Missing cells over all columns.</summary>
    public int MissingCount => Columns.Sum(c => c.MissingCount);

    /// <summary>Non-numeric cells over all columns.</summary>
    public int NonNumericCount => Columns.Sum(c => c.NonNumericCount);

    /// <summary>The column of that name, or null.</summary>
    public BatchColumn? FindColumn(string name) => _columnsByName.GetValueOrDefault(name);

    /// <summary>Reads one or more CSV files that share a header.</summary>
    /// <exception cref="ArgumentException">No paths were given.</exception>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="CsvFormatException">A file is empty, malformed (see <see cref="CsvTableReader.Load"/>), or its
    /// header differs from the first file's; the message names the file.</exception>
    public static DataBatch Load(IReadOnlyList<string> csvPaths)
    {
        ArgumentNullException.ThrowIfNull(csvPaths);
        if (csvPaths.Count == 0)
        {
            throw new ArgumentException("At least one data file is needed.", nameof(csvPaths));
        }
        var builder = new Builder();
        foreach (var path in csvPaths)
        {
            ArgumentException.ThrowIfNullOrEmpty(path);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Data file not found: {path}", path);
            }
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            builder.Add(reader, path);
        }
        return builder.Build();
    }

    /// <summary>Reads CSV text from one or more sources that share a header; the names are used in messages.</summary>
    /// <exception cref="CsvFormatException">See <see cref="Load"/>.</exception>
    public static DataBatch Read(params IReadOnlyList<(TextReader Reader, string SourceName)> sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0)
        {
            throw new ArgumentException("At least one source is needed.", nameof(sources));
        }
        var builder = new Builder();
        foreach (var (reader, name) in sources)
        {
            builder.Add(reader, name);
        }
        return builder.Build();
    }

    /// <summary>A batch of a table that is already numeric (nothing missing), for example data built in code.</summary>
    public static DataBatch FromTable(NumericTable table, string sourceName = "table")
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = table.ColumnNames
            .Select((name, j) => new BatchColumn(name, table.Column(j).ToArray(), 0, 0, []))
            .ToArray();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int duplicates = 0;
        for (int i = 0; i < table.RowCount; i++)
        {
            var key = string.Join('\u001F', columns.Select(c => RowKeyPart(c.Values[i], null)));
            if (!seen.Add(key))
            {
                duplicates++;
            }
        }
        return new DataBatch([sourceName], columns, table.RowCount, duplicates);
    }

    /// <summary>The batch as a table for training; call it only after <see cref="DataValidationGate"/> passed.</summary>
    /// <exception cref="TrainerDataException">A cell is missing or not a number; the message names the columns.</exception>
    public NumericTable ToTable()
    {
        var bad = Columns.Where(c => c.MissingCount + c.NonNumericCount > 0)
            .Select(c => $"'{c.Name}' ({c.MissingCount} missing, {c.NonNumericCount} non-numeric)")
            .ToArray();
        if (bad.Length > 0)
        {
            throw new TrainerDataException(
                $"The data has cells that are not numbers in {string.Join(", ", bad)}; validate it with the data validation gate first.");
        }
        return new NumericTable(ColumnNames, Columns.Select(c => c.Values.ToArray()).ToArray());
    }

    // Numbers by their round-trip text so that 1, 1.0 and 1e0 are one value; text as it is; missing as nothing.
    private static string RowKeyPart(double value, string? text) =>
        double.IsFinite(value) ? value.ToString("R", CultureInfo.InvariantCulture) : text ?? string.Empty;

    /// <summary>Accumulates the rows of several sources and checks that their headers agree.</summary>
    private sealed class Builder
    {
        private readonly List<string> _files = [];
        private readonly HashSet<string> _rowKeys = new(StringComparer.Ordinal);
        private IReadOnlyList<string>? _names;
        private List<double>[] _values = [];
        private int[] _missing = [];
        private int[] _nonNumeric = [];
        private List<string>[] _examples = [];
        private int _duplicates;

        public void Add(TextReader reader, string source)
        {
            var records = CsvRecordReader.Open(reader, source);
            if (_names is null)
            {
                _names = records.ColumnNames;
                _values = _names.Select(_ => new List<double>()).ToArray();
                _missing = new int[_names.Count];
                _nonNumeric = new int[_names.Count];
                _examples = _names.Select(_ => new List<string>()).ToArray();
            }
            else if (!_names.SequenceEqual(records.ColumnNames, StringComparer.Ordinal))
            {
                throw new CsvFormatException(
                    source, records.LineNumber, null,
                    $"the header ({Quote(records.ColumnNames)}) differs from that of {_files[0]} ({Quote(_names)}); every file needs the same columns in the same order.");
            }
            _files.Add(source);

            var key = new StringBuilder();
            while (records.TryReadRecord(out var fields))
            {
                key.Clear();
                for (int j = 0; j < fields.Count; j++)
                {
                    var text = fields[j].Trim();
                    double value = Parse(text, j);
                    _values[j].Add(value);
                    key.Append(RowKeyPart(value, double.IsFinite(value) || text.Length == 0 || MissingMarkers.Contains(text) ? null : text)).Append('\u001F');
                }
                if (!_rowKeys.Add(key.ToString()))
                {
                    _duplicates++;
                }
            }
        }

        public DataBatch Build()
        {
            var names = _names ?? throw new InvalidOperationException("No source was added.");
            var columns = names.Select((name, j) => new BatchColumn(name, [.. _values[j]], _missing[j], _nonNumeric[j], _examples[j])).ToArray();
            return new DataBatch(_files, columns, columns.Length == 0 ? 0 : _values[0].Count, _duplicates);
        }

        private double Parse(string text, int column)
        {
            if (text.Length == 0 || MissingMarkers.Contains(text))
            {
                _missing[column]++;
                return double.NaN;
            }
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && double.IsFinite(value))
            {
                return value;
            }
            _nonNumeric[column]++;
            if (_examples[column].Count < 3 && !_examples[column].Contains(text))
            {
                _examples[column].Add(text);
            }
            return double.NaN;
        }

        private static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
    }
}
