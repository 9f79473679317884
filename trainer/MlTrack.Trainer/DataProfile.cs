using System.Text.Json;
using System.Text.Json.Serialization;

namespace MlTrack.Trainer;

/// <summary>The schema and value statistics of one numeric column.</summary>
public sealed record ColumnProfile(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("min")] double Min,
    [property: JsonPropertyName("max")] double Max,
    [property: JsonPropertyName("mean")] double Mean,
    [property: JsonPropertyName("std")] double StdDev,
    [property: JsonPropertyName("deciles")] IReadOnlyList<double> Deciles);

/// <summary>
/// A data set's schema and per-column statistics (range, mean, standard deviation, deciles): logged with a run as
/// <c>data_schema.json</c>, so that later data can be checked against the data a model was trained on.
/// </summary>
public sealed record DataProfile(
    [property: JsonPropertyName("target")] string Target,
    [property: JsonPropertyName("row_count")] int RowCount,
    [property: JsonPropertyName("columns")] IReadOnlyList<ColumnProfile> Columns)
{
    /// <summary>Profiles every column of a table.</summary>
    public static DataProfile Of(NumericTable table, string target)
    {
        ArgumentNullException.ThrowIfNull(table);
        var columns = table.ColumnNames.Select((name, j) => Profile(name, table.Column(j))).ToArray();
        return new DataProfile(target, table.RowCount, columns);
    }

    /// <summary>The profile as indented JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, DataProfileJson.Default.DataProfile);

    /// <summary>Reads a profile written by <see cref="ToJson"/>.</summary>
    /// <exception cref="InvalidDataException">The text is not such a profile.</exception>
    public static DataProfile FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, DataProfileJson.Default.DataProfile) ?? throw new InvalidDataException("The data profile is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The data profile cannot be read: {e.Message}", e);
        }
    }

    private static ColumnProfile Profile(string name, ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return new ColumnProfile(name, "double", double.NaN, double.NaN, double.NaN, double.NaN, []);
        }
        var sorted = values.ToArray();
        Array.Sort(sorted);
        double mean = 0;
        foreach (var v in sorted)
        {
            mean += v;
        }
        mean /= sorted.Length;
        double squares = 0;
        foreach (var v in sorted)
        {
            squares += (v - mean) * (v - mean);
        }
        var deciles = Enumerable.Range(0, 11).Select(k => Quantile(sorted, k / 10.0)).ToArray();
        return new ColumnProfile(name, "double", sorted[0], sorted[^1], mean, Math.Sqrt(squares / sorted.Length), deciles);
    }

    /// <summary>The linearly interpolated quantile (numpy's default) of sorted values.</summary>
    private static double Quantile(double[] sorted, double q)
    {
        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}

[JsonSourceGenerationOptions(WriteIndented = true, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(DataProfile))]
internal sealed partial class DataProfileJson : JsonSerializerContext;
