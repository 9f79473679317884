using System.Buffers;
using System.Globalization;
using System.Text;

namespace MlTrack.Cli.Serving;

/// <summary>
/// Reads a <c>text/csv</c> scoring request (as pandas' <c>DataFrame.to_csv(index=False)</c> writes it): a header row
/// of column names, then one row per line; fields may be quoted (<c>"a,b"</c>, <c>""</c> for a quote) but not span
/// lines. Columns the model does not use are ignored and may hold anything; its inputs must be finite numbers.
/// </summary>
internal static class CsvInvocationParser
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static FeatureMatrix Parse(ReadOnlySequence<byte> body, FeatureSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        string text;
        try
        {
            text = StrictUtf8.GetString(body);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidInputException("The CSV body is not valid UTF-8.", e);
        }

        int[]? map = null;
        FeatureMatrix? rows = null;
        int lineNumber = 0;
        var fields = new List<string>();
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            if (line.IsWhiteSpace())
            {
                continue;
            }
            Split(lineNumber == 1 ? line.TrimStart('\uFEFF') : line, lineNumber, fields);
            if (map is null)
            {
                map = MapHeader(fields, schema);
                rows = new FeatureMatrix(schema.Count);
                continue;
            }
            if (fields.Count != map.Length)
            {
                throw new InvalidInputException($"Line {lineNumber} of the CSV has {fields.Count} fields; the header has {map.Length}.");
            }
            var row = rows!.AddRow();
            for (int position = 0; position < map.Length; position++)
            {
                int feature = map[position];
                if (feature >= 0)
                {
                    row[feature] = ParseNumber(fields[position], schema.Names[feature], lineNumber);
                }
            }
        }
        return rows ?? throw new InvalidInputException(
            $"The CSV body is empty; expected a header row with the model's inputs {FeatureSchema.Format(schema.Names)}.");
    }

    private static int[] MapHeader(List<string> names, FeatureSchema schema)
    {
        var map = new int[names.Count];
        var seen = new bool[schema.Count];
        for (int position = 0; position < names.Count; position++)
        {
            int feature = schema.IndexOf(names[position].AsSpan().Trim());
            if (feature >= 0)
            {
                if (seen[feature])
                {
                    throw new InvalidInputException($"The column '{schema.Names[feature]}' appears twice in the CSV header.");
                }
                seen[feature] = true;
            }
            map[position] = feature;
        }
        if (Array.IndexOf(seen, false) >= 0)
        {
            throw new InvalidInputException(
                $"Model is missing inputs {FeatureSchema.Format(schema.Names.Where((_, j) => !seen[j]))} in the CSV header. The model's inputs are {FeatureSchema.Format(schema.Names)}.");
        }
        return map;
    }

    private static double ParseNumber(string field, string column, int lineNumber)
    {
        var text = field.AsSpan().Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }
        var shown = text.Length == 0 ? "an empty value" : $"\"{(text.Length <= 40 ? text.ToString() : text[..40].ToString() + "...")}\"";
        throw new InvalidInputException(
            $"Incompatible input types for column '{column}': expected a number (double) but line {lineNumber} of the CSV has {shown}.");
    }

    private static void Split(ReadOnlySpan<char> line, int lineNumber, List<string> fields)
    {
        fields.Clear();
        var field = new StringBuilder();
        int i = 0;
        while (true)
        {
            field.Clear();
            if (i < line.Length && line[i] == '"')
            {
                i++;
                while (true)
                {
                    if (i >= line.Length)
                    {
                        throw new InvalidInputException($"Line {lineNumber} of the CSV has a quoted field without its closing quote.");
                    }
                    if (line[i] == '"')
                    {
                        if (i + 1 < line.Length && line[i + 1] == '"')
                        {
                            field.Append('"');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    field.Append(line[i++]);
                }
                if (i < line.Length && line[i] != ',')
                {
                    throw new InvalidInputException($"Line {lineNumber} of the CSV has text after a quoted field's closing quote.");
                }
            }
            else
            {
                int comma = line[i..].IndexOf(',');
                int end = comma < 0 ? line.Length : i + comma;
                field.Append(line[i..end]);
                i = end;
            }
            fields.Add(field.ToString());
            if (i >= line.Length)
            {
                return;
            }
            i++; // the comma
        }
    }
}
