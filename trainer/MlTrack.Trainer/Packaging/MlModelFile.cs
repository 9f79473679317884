using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlTrack.Trainer.Packaging;

/// <summary>
/// The <c>MLmodel</c> descriptor of an MLflow model directory. One tree is written both as YAML (the file) and as
/// JSON (the body of <c>runs/log-model</c>), with keys in sorted order as MLflow's <c>Model.to_yaml</c> writes them.
/// </summary>
public static class MlModelFile
{
    /// <summary>The file name inside a model directory.</summary>
    public const string FileName = "MLmodel";

    /// <summary>Writes <paramref name="descriptor"/> as YAML. Strings are quoted so that no YAML reader takes a
    /// timestamp or a number-like name for anything but a string.</summary>
    public static string ToYaml(JsonObject descriptor)
    {
        ArgumentNullException.ThrowIfNull(descriptor);
        var stream = new YamlStream(new YamlDocument(ToYamlNode(descriptor)));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        stream.Save(writer, assignAnchors: false);
        var yaml = writer.ToString();
        // YamlDotNet closes the document with "...", which MLflow's files do not have.
        return yaml.EndsWith("...\n", StringComparison.Ordinal) ? yaml[..^4] : yaml;
    }

    /// <summary>Reads an <c>MLmodel</c> file into the same tree <see cref="ToYaml"/> writes.</summary>
    /// <exception cref="InvalidDataException">The file is not a YAML mapping.</exception>
    public static JsonObject Read(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        try
        {
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw new InvalidDataException($"{path} is not valid YAML: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new InvalidDataException($"{path} is not a YAML mapping.");
        }
        return (JsonObject)ToJsonNode(root)!;
    }

    private static YamlNode ToYamlNode(JsonNode? node) => node switch
    {
        JsonObject obj => new YamlMappingNode(obj.Select(p => new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(p.Key), ToYamlNode(p.Value)))),
        JsonArray array => new YamlSequenceNode(array.Select(ToYamlNode)),
        null => new YamlScalarNode("null"),
        JsonValue value when value.GetValueKind() == JsonValueKind.String =>
            new YamlScalarNode(value.GetValue<string>()) { Style = ScalarStyle.SingleQuoted },
        _ => new YamlScalarNode(node.ToJsonString()),
    };

    private static JsonNode? ToJsonNode(YamlNode node) => node switch
    {
        YamlMappingNode mapping => new JsonObject(mapping.Children.Select(p =>
            new KeyValuePair<string, JsonNode?>(((YamlScalarNode)p.Key).Value ?? "", ToJsonNode(p.Value)))),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(ToJsonNode)]),
        YamlScalarNode scalar => ScalarValue(scalar),
        _ => null,
    };

    private static JsonValue? ScalarValue(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
        {
            return JsonValue.Create(text);
        }
        return text switch
        {
            "" or "~" or "null" => null,
            "true" => JsonValue.Create(true),
            "false" => JsonValue.Create(false),
            _ when long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(text),
        };
    }
}
