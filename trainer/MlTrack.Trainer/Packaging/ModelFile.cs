using System.Text.Json.Serialization;

namespace MlTrack.Trainer.Packaging;

/// <summary>The content of <c>model.json</c>: everything needed to predict, in the original feature scale.</summary>
internal sealed record ModelFile
{
    public const string CurrentFormat = "mltrack-elasticnet";

    [JsonPropertyName("format")]
    public string Format { get; init; } = CurrentFormat;

    [JsonPropertyName("format_version")]
    public int FormatVersion { get; init; } = 1;

    [JsonPropertyName("target")]
    public string Target { get; init; } = "";

    [JsonPropertyName("features")]
    public IReadOnlyList<string> Features { get; init; } = [];

    [JsonPropertyName("coefficients")]
    public IReadOnlyList<double> Coefficients { get; init; } = [];

    [JsonPropertyName("intercept")]
    public double Intercept { get; init; }

    [JsonPropertyName("alpha")]
    public double Alpha { get; init; }

    [JsonPropertyName("l1_ratio")]
    public double L1Ratio { get; init; }

    [JsonPropertyName("standardize")]
    public bool Standardize { get; init; }

    public static ModelFile From(ElasticNetModel model) => new()
    {
        Target = model.TargetName,
        Features = model.FeatureNames,
        Coefficients = model.Coefficients,
        Intercept = model.Intercept,
        Alpha = model.Options.Alpha,
        L1Ratio = model.Options.L1Ratio,
        Standardize = model.Options.Standardize,
    };

    public ElasticNetModel ToModel() => new(
        Target, Features, Coefficients, Intercept,
        new ElasticNetOptions { Alpha = Alpha, L1Ratio = L1Ratio, Standardize = Standardize });
}

[JsonSourceGenerationOptions(WriteIndented = true)]
[JsonSerializable(typeof(ModelFile))]
[JsonSerializable(typeof(InputExampleFile))]
internal sealed partial class PackagingJson : JsonSerializerContext;

/// <summary><c>input_example.json</c> in pandas' "split" orientation, as MLflow 2.x writes it.</summary>
internal sealed record InputExampleFile(
    [property: JsonPropertyName("columns")] IReadOnlyList<string> Columns,
    [property: JsonPropertyName("data")] IReadOnlyList<double[]> Data);
