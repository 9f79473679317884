using System.Buffers;
using System.Text.Json;

namespace MlTrack.Cli.Serving;

/// <summary>
/// Reads the JSON bodies of MLflow's scoring protocol (mlflow/pyfunc/scoring_server at v2.12.2) into rows in the
/// model's feature order, enforcing its signature on the way:
/// <list type="bullet">
/// <item><c>dataframe_split</c>: <c>{"columns": [...], "data": [[...], ...]}</c> (pandas' split orientation; without
/// <c>columns</c> the values are taken in the model's feature order);</item>
/// <item><c>dataframe_records</c>: <c>[{"column": value, ...}, ...]</c>;</item>
/// <item><c>instances</c> or <c>inputs</c>: a list of records, a list of rows in feature order, a dictionary of
/// columns (<c>{"a": [1, 2]}</c>) or of one row's values (<c>{"a": 1}</c>).</item>
/// </list>
/// Columns the model does not use are ignored; a missing input or a value that is not a finite number is an
/// <see cref="InvalidInputException"/> naming it; integers are read as doubles. Other top-level keys (<c>params</c>)
/// are ignored, as MLflow's server ignores them for a model without parameters.
/// </summary>
internal static class InvocationParser
{
    public const string RequiredInputFormat =
        "The input must be a JSON dictionary with exactly one of the input fields {'dataframe_split', 'dataframe_records', 'instances', 'inputs'}";

    private const int MaxDepth = 64;

    public static FeatureMatrix Parse(ReadOnlySequence<byte> body, FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth });
        try
        {
            return ReadDocument(ref reader, schema) ?? throw new InvalidInputException(
                $"{RequiredInputFormat}. Received dictionary with input fields: {FeatureSchema.Format(TopLevelKeys(body))}.");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: a string that is not valid UTF-8 cannot be transcoded.
            throw new InvalidInputException($"Ensure that input is a valid JSON formatted string. Error: '{e.Message}'", e);
        }
    }

    private static FeatureMatrix? ReadDocument(ref Utf8JsonReader reader, FeatureSchema schema)
    {
        // An empty body makes the reader throw.
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidInputException($"{RequiredInputFormat}. Received {Describe(ref reader)}.");
        }
        FeatureMatrix? rows = null;
        string? format = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = FormatKey(ref reader);
            reader.Read();
            if (key is null)
            {
                reader.Skip();
                continue;
            }
            if (format is not null)
            {
                throw new InvalidInputException($"{RequiredInputFormat}. Received both '{format}' and '{key}'.");
            }
            format = key;
            rows = key switch
            {
                "dataframe_split" => ReadSplit(ref reader, schema),
                "dataframe_records" => ReadRecords(ref reader, schema, key),
                _ => ReadTensorInput(ref reader, schema, key),
            };
        }
        // Past the root object: trailing content makes the reader throw.
        reader.Read();
        return rows;
    }

    private static string? FormatKey(ref Utf8JsonReader reader) =>
        reader.ValueTextEquals("dataframe_split"u8) ? "dataframe_split"
        : reader.ValueTextEquals("dataframe_records"u8) ? "dataframe_records"
        : reader.ValueTextEquals("instances"u8) ? "instances"
        : reader.ValueTextEquals("inputs"u8) ? "inputs"
        : null;

    private static FeatureMatrix ReadSplit(ref Utf8JsonReader reader, FeatureSchema schema)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidInputException($"'dataframe_split' must be a dictionary with 'columns' and 'data'; received {Describe(ref reader)}.");
        }
        int[]? map = null;
        FeatureMatrix? rows = null;
        var pendingData = default(Utf8JsonReader);
        var dataBeforeColumns = false;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("columns"u8))
            {
                reader.Read();
                map = ReadColumnNames(ref reader, schema);
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (map is null)
                {
                    // The rows can only be mapped once the columns are known: come back to them (a reader is a struct).
                    pendingData = reader;
                    dataBeforeColumns = true;
                    reader.Skip();
                }
                else
                {
                    rows = ReadRows(ref reader, schema, map, "data");
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        map ??= FeatureOrder(schema);
        if (dataBeforeColumns)
        {
            rows = ReadRows(ref pendingData, schema, map, "data");
        }
        return rows ?? new FeatureMatrix(schema.Count, 0);
    }

    /// <summary>Maps each column position to the model's feature index (-1: ignored), checking that every input is there.</summary>
    private static int[] ReadColumnNames(ref Utf8JsonReader reader, FeatureSchema schema)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidInputException($"'columns' must be a list of column names; received {Describe(ref reader)}.");
        }
        var map = new List<int>(schema.Count);
        var seen = new bool[schema.Count];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int index = reader.TokenType == JsonTokenType.String ? schema.IndexOf(ref reader) : -1;
            reader.Skip();
            if (index >= 0 && !Mark(seen, index))
            {
                throw new InvalidInputException($"The column '{schema.Names[index]}' appears twice in 'columns'.");
            }
            map.Add(index);
        }
        ThrowIfMissing(schema, seen, where: null);
        return [.. map];
    }

    private static int[] FeatureOrder(FeatureSchema schema) => [.. Enumerable.Range(0, schema.Count)];

    /// <summary>A list of rows, each a list of values in the order of <paramref name="map"/>.</summary>
    private static FeatureMatrix ReadRows(ref Utf8JsonReader reader, FeatureSchema schema, int[] map, string what)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidInputException($"'{what}' must be a list of rows; received {Describe(ref reader)}.");
        }
        var rows = new FeatureMatrix(schema.Count);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int r = rows.RowCount;
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new InvalidInputException($"Row {r} of '{what}' must be a list of values; received {Describe(ref reader)}.");
            }
            var row = rows.AddRow();
            int position = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (position == map.Length)
                {
                    throw new InvalidInputException($"Row {r} of '{what}' has more than the {map.Length} values expected.");
                }
                int feature = map[position++];
                if (feature >= 0)
                {
                    row[feature] = ReadDouble(ref reader, schema, feature, r);
                }
                else
                {
                    reader.Skip();
                }
            }
            if (position != map.Length)
            {
                throw new InvalidInputException($"Row {r} of '{what}' has {position} values; expected {map.Length}.");
            }
        }
        return rows;
    }

    /// <summary>A list of records: <c>[{"column": value, ...}, ...]</c>.</summary>
    private static FeatureMatrix ReadRecords(ref Utf8JsonReader reader, FeatureSchema schema, string what)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidInputException($"'{what}' must be a list of records; received {Describe(ref reader)}.");
        }
        var rows = new FeatureMatrix(schema.Count);
        var seen = new bool[schema.Count];
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int r = rows.RowCount;
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new InvalidInputException($"Record {r} of '{what}' must be a dictionary of column names to values; received {Describe(ref reader)}.");
            }
            var row = rows.AddRow();
            Array.Clear(seen);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                int feature = schema.IndexOf(ref reader);
                reader.Read();
                if (feature >= 0)
                {
                    row[feature] = ReadDouble(ref reader, schema, feature, r);
                    seen[feature] = true;
                }
                else
                {
                    reader.Skip();
                }
            }
            ThrowIfMissing(schema, seen, where: $"record {r}");
        }
        return rows;
    }

    /// <summary>TensorFlow serving's <c>instances</c> and <c>inputs</c>, as MLflow reads them for a model with named columns.</summary>
    private static FeatureMatrix ReadTensorInput(ref Utf8JsonReader reader, FeatureSchema schema, string what)
    {
        if (reader.TokenType == JsonTokenType.StartObject)
        {
            return ReadColumns(ref reader, schema);
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidInputException($"'{what}' must be a list of records, a list of rows or a dictionary of columns; received {Describe(ref reader)}.");
        }
        var peek = reader;
        peek.Read();
        switch (peek.TokenType)
        {
            case JsonTokenType.StartObject:
            case JsonTokenType.EndArray:
                return ReadRecords(ref reader, schema, what);
            case JsonTokenType.StartArray:
                return ReadRows(ref reader, schema, FeatureOrder(schema), what);
            case JsonTokenType.Number when schema.Count == 1:
                return ReadSingleColumn(ref reader, schema);
            default:
                throw new InvalidInputException(
                    $"'{what}' must be a list of records, a list of rows or a dictionary of columns; received a list of {Describe(ref peek)}.");
        }
    }

    private static FeatureMatrix ReadSingleColumn(ref Utf8JsonReader reader, FeatureSchema schema)
    {
        var rows = new FeatureMatrix(1);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            int r = rows.RowCount;
            rows.AddRow()[0] = ReadDouble(ref reader, schema, 0, r);
        }
        return rows;
    }

    /// <summary><c>{"a": [1, 2], "b": [3, 4]}</c>, or one row as <c>{"a": 1, "b": 3}</c>.</summary>
    private static FeatureMatrix ReadColumns(ref Utf8JsonReader reader, FeatureSchema schema)
    {
        var columns = new List<double>?[schema.Count];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int feature = schema.IndexOf(ref reader);
            reader.Read();
            if (feature < 0)
            {
                reader.Skip();
                continue;
            }
            var values = new List<double>();
            if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    values.Add(ReadDouble(ref reader, schema, feature, values.Count));
                }
            }
            else
            {
                values.Add(ReadDouble(ref reader, schema, feature, 0));
            }
            columns[feature] = values;
        }
        ThrowIfMissing(schema, [.. columns.Select(c => c is not null)], where: null);
        int rowCount = schema.Count == 0 ? 0 : columns[0]!.Count;
        for (int j = 1; j < columns.Length; j++)
        {
            if (columns[j]!.Count != rowCount)
            {
                throw new InvalidInputException(
                    $"The column '{schema.Names[j]}' has {columns[j]!.Count} values but '{schema.Names[0]}' has {rowCount}; every column needs one value per row.");
            }
        }
        var rows = new FeatureMatrix(schema.Count, rowCount);
        for (int i = 0; i < rowCount; i++)
        {
            var row = rows.AddRow();
            for (int j = 0; j < columns.Length; j++)
            {
                row[j] = columns[j]![i];
            }
        }
        return rows;
    }

    private static double ReadDouble(ref Utf8JsonReader reader, FeatureSchema schema, int feature, int row)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out var value) && double.IsFinite(value))
        {
            return value;
        }
        throw new InvalidInputException(
            $"Incompatible input types for column '{schema.Names[feature]}': expected a number (double) but row {row} has {Describe(ref reader)}.");
    }

    private static bool Mark(bool[] seen, int index)
    {
        if (seen[index])
        {
            return false;
        }
        seen[index] = true;
        return true;
    }

    private static void ThrowIfMissing(FeatureSchema schema, bool[] seen, string? where)
    {
        if (Array.IndexOf(seen, false) < 0)
        {
            return;
        }
        var missing = schema.Names.Where((_, j) => !seen[j]);
        throw new InvalidInputException(
            $"Model is missing inputs {FeatureSchema.Format(missing)}{(where is null ? "" : $" in {where}")}. The model's inputs are {FeatureSchema.Format(schema.Names)}.");
    }

    /// <summary>What a value is, for messages: a value's kind, and a short string quoted.</summary>
    private static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"the string \"{Shorten(reader.GetString() ?? "")}\"",
        JsonTokenType.Number => "a number outside the range of a double",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "a dictionary",
        JsonTokenType.StartArray => "a list",
        var other => other.ToString(),
    };

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    // Only on the error path: the keys the body had, for MLflow's message.
    private static IEnumerable<string> TopLevelKeys(ReadOnlySequence<byte> body)
    {
        using var document = JsonDocument.Parse(body);
        return [.. document.RootElement.EnumerateObject().Select(p => p.Name)];
    }
}
