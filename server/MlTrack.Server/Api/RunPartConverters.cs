using System.Text.Json;
using System.Text.Json.Serialization;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Api;

// A page of 1,000 runs holds some 40,000 params, tags and metrics. Written by hand, each is a plain run of writer
// calls; the reflection-based serializer pushes and pops a frame of its state for every one of them.

/// <summary>Writes only: requests are read by <see cref="RequestReader"/>.</summary>
internal abstract class WriteOnlyConverter<T> : JsonConverter<T>
{
    protected static readonly JsonEncodedText Key = JsonEncodedText.Encode("key");
    protected static readonly JsonEncodedText Value = JsonEncodedText.Encode("value");

    public sealed override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException($"{typeof(T).Name} is never read from JSON.");
}

/// <summary>A param or tag as <c>{"key","value"}</c>.</summary>
internal sealed class KeyValueConverter : WriteOnlyConverter<KeyValue>
{
    public override void Write(Utf8JsonWriter writer, KeyValue item, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(Key, item.Key);
        writer.WriteString(Value, item.Value);
        writer.WriteEndObject();
    }
}

/// <summary>A metric as <c>{"key","value","timestamp","step"}</c>, NaN and the infinities as MLflow's strings.</summary>
internal sealed class MetricConverter : WriteOnlyConverter<Metric>
{
    private static readonly JsonEncodedText Timestamp = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText Step = JsonEncodedText.Encode("step");

    public override void Write(Utf8JsonWriter writer, Metric metric, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString(Key, metric.Key);
        WriteDouble(writer, Value, metric.Value);
        writer.WriteNumber(Timestamp, metric.Timestamp);
        writer.WriteNumber(Step, metric.Step);
        writer.WriteEndObject();
    }

    /// <summary>A number, or "NaN", "Infinity", "-Infinity" as <see cref="JsonNumberHandling.AllowNamedFloatingPointLiterals"/> writes them.</summary>
    private static void WriteDouble(Utf8JsonWriter writer, JsonEncodedText name, double value)
    {
        if (double.IsFinite(value))
        {
            writer.WriteNumber(name, value);
        }
        else
        {
            writer.WriteString(name, double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
        }
    }
}
