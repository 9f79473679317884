using System.Text.Json;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Api.Runs;

/// <summary>Reads and checks log-inputs datasets (mlflow/utils/validation.py _validate_dataset_inputs).</summary>
internal static class DatasetInputs
{
    private const int MaxNameLength = 500;
    private const int MaxDigestLength = 36;
    private const int MaxSourceLength = 65_535;
    private const int MaxSchemaLength = 65_535;
    private const int MaxProfileLength = 16_777_215;
    private const int MaxTagKeyLength = 255;
    private const int MaxTagValueLength = 500;

    public static DatasetInput Parse(JsonElement item)
    {
        var dataset = MlflowRequest.ItemField(item, "dataset", "datasets")
            ?? throw MlflowException.InvalidParameter("Dataset input must have a dataset associated with it.");
        var name = Required(dataset, "name", MaxNameLength);
        var digest = Required(dataset, "digest", MaxDigestLength);
        var sourceType = Required(dataset, "source_type", int.MaxValue);
        var source = Required(dataset, "source", MaxSourceLength);
        var schema = Optional(dataset, "schema", MaxSchemaLength);
        var profile = Optional(dataset, "profile", MaxProfileLength);

        var tags = MlflowRequest.ItemField(item, "tags", "datasets") is { ValueKind: JsonValueKind.Array } array
            ? array.EnumerateArray().Select(ParseTag).ToList()
            : [];
        return new DatasetInput(tags, new Dataset(name, digest, sourceType, source, schema, profile));
    }

    private static KeyValue ParseTag(JsonElement tag)
    {
        var key = MlflowRequest.ItemString(tag, "key", "tags");
        var value = MlflowRequest.ItemString(tag, "value", "tags");
        if (string.IsNullOrEmpty(key) || value is null)
        {
            throw MlflowException.InvalidParameter("Input tag must have a key and a value.");
        }

        Limit("Input tag key", key, MaxTagKeyLength);
        Limit("Input tag value", value, MaxTagValueLength);
        return new KeyValue(key, value);
    }

    private static string Required(JsonElement dataset, string field, int limit) =>
        Optional(dataset, field, limit) is { Length: > 0 } value
            ? value
            : throw MlflowException.InvalidParameter($"Dataset {field} must be specified.");

    private static string? Optional(JsonElement dataset, string field, int limit)
    {
        var value = MlflowRequest.ItemString(dataset, field, "dataset");
        if (value is not null)
        {
            Limit($"Dataset {field}", value, limit);
        }

        return value;
    }

    private static void Limit(string what, string value, int limit)
    {
        if (value.Length > limit)
        {
            throw MlflowException.InvalidParameter($"{what} exceeds the maximum length of {limit}");
        }
    }
}
