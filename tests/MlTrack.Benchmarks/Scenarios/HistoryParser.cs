using System.Text;
using System.Text.Json;

namespace MlTrack.Benchmarks.Scenarios;

/// <summary>The points of a get-history answer, column by column.</summary>
internal sealed class HistoryColumns
{
    public List<double> Values { get; } = [];

    public List<long> Timestamps { get; } = [];

    public List<long> Steps { get; } = [];

    /// <summary>Points whose key was not the one asked for.</summary>
    public int OtherKeys { get; set; }

    public int Count => Steps.Count;
}

/// <summary>
/// Parses {"metrics": [{"key", "value", "timestamp", "step"}, ...]} as it streams in: a Utf8JsonReader over
/// 64 KiB reads, every number decoded into columns and every key compared, without an object or a string per
/// point. Deserializing into one object per point costs this VM's client about 1.7 s per million points on its
/// own (measured), which would hide the server's share; a lean client like this one costs a fraction of that.
/// </summary>
internal static class HistoryParser
{
    private enum Field
    {
        None,
        Key,
        Value,
        Timestamp,
        Step,
    }

    public static async Task<HistoryColumns> ParseAsync(Stream stream, string key, CancellationToken cancellationToken)
    {
        var expectedKey = Encoding.UTF8.GetBytes(key);
        var columns = new HistoryColumns();
        var buffer = new byte[64 * 1024];
        var filled = 0;
        var state = new JsonReaderState();
        var field = Field.None;
        while (true)
        {
            if (filled == buffer.Length)
            {
                // One token longer than the buffer: grow it.
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken);
            filled += read;
            var consumed = Consume(buffer.AsSpan(0, filled), read == 0, ref state, ref field, columns, expectedKey);
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            filled -= consumed;
            if (read == 0)
            {
                return columns;
            }
        }
    }

    private static int Consume(
        ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ref Field field, HistoryColumns columns, byte[] expectedKey)
    {
        var reader = new Utf8JsonReader(data, final, state);
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.PropertyName when reader.CurrentDepth == 3:
                    field = reader.ValueTextEquals("key"u8) ? Field.Key
                        : reader.ValueTextEquals("value"u8) ? Field.Value
                        : reader.ValueTextEquals("timestamp"u8) ? Field.Timestamp
                        : reader.ValueTextEquals("step"u8) ? Field.Step
                        : Field.None;
                    break;
                case JsonTokenType.String when field == Field.Key:
                    if (!reader.ValueTextEquals(expectedKey))
                    {
                        columns.OtherKeys++;
                    }

                    break;
                case JsonTokenType.String when field == Field.Value:
                    // NaN and infinities travel as strings.
                    columns.Values.Add(double.Parse(reader.GetString()!, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case JsonTokenType.Number when field == Field.Value:
                    columns.Values.Add(reader.GetDouble());
                    break;
                case JsonTokenType.Number when field == Field.Timestamp:
                    columns.Timestamps.Add(reader.GetInt64());
                    break;
                case JsonTokenType.Number when field == Field.Step:
                    columns.Steps.Add(reader.GetInt64());
                    break;
                default:
                    break;
            }
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }
}
