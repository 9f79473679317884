using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Trainer.Packaging;

/// <summary>Where a model directory is logged and who made it; written into its <c>MLmodel</c>.</summary>
public sealed record ModelPackageInfo
{
    /// <summary>The directory's path among the run's artifacts (MLflow's <c>artifact_path</c>).</summary>
    public string ArtifactPath { get; init; } = "model";

    /// <summary>The run the model belongs to, if any.</summary>
    public string? RunId { get; init; }

    /// <summary>A unique id of this model (MLflow's <c>model_uuid</c>).</summary>
    public string ModelUuid { get; init; } = Guid.NewGuid().ToString("N");

    /// <summary>When the model was saved.</summary>
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>
/// Saves and loads an <see cref="ElasticNetModel"/> as an MLflow model directory:
/// <list type="bullet">
/// <item><c>MLmodel</c>: flavors <c>mltrack_elasticnet</c> and <c>python_function</c>, signature, run id, uuid, time;</item>
/// <item><c>model.json</c>: target, feature names, coefficients and intercept in the original feature scale;</item>
/// <item><c>input_example.json</c>: a few rows in pandas' split orientation;</item>
/// <item><c>code/mltrack_elasticnet.py</c>, <c>requirements.txt</c>, <c>python_env.yaml</c>, <c>conda.yaml</c>: so that
/// MLflow's own <c>mlflow models serve</c> and <c>mlflow.pyfunc.load_model</c> can load it.</item>
/// </list>
/// </summary>
public static class ModelPackage
{
    /// <summary>The flavor name in <c>MLmodel</c>.</summary>
    public const string FlavorName = "mltrack_elasticnet";

    /// <summary>The model's data file.</summary>
    public const string DataFileName = "model.json";

    private const string InputExampleFileName = "input_example.json";
    private const string LoaderModule = "mltrack_elasticnet";
    private const string PythonVersion = "3.11";

    /// <summary>Writes the model directory (created if missing) and returns its <c>MLmodel</c> descriptor, which is
    /// also the body MLflow's clients send to <c>runs/log-model</c>.</summary>
    public static JsonObject Save(string directory, ElasticNetModel model, ModelPackageInfo info, NumericTable? inputExample = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(info);
        Directory.CreateDirectory(Path.Combine(directory, "code"));
        File.WriteAllText(Path.Combine(directory, DataFileName), JsonSerializer.Serialize(ModelFile.From(model), PackagingJson.Default.ModelFile));
        File.WriteAllText(Path.Combine(directory, "code", LoaderModule + ".py"), LoaderSource());
        File.WriteAllText(Path.Combine(directory, "requirements.txt"), "mlflow\nnumpy\npandas\n");
        File.WriteAllText(Path.Combine(directory, "python_env.yaml"),
            $"python: {PythonVersion}\nbuild_dependencies:\n- pip\ndependencies:\n- -r requirements.txt\n");
        File.WriteAllText(Path.Combine(directory, "conda.yaml"),
            $"channels:\n- conda-forge\ndependencies:\n- python={PythonVersion}\n- pip\n- pip:\n  - mlflow\n  - numpy\n  - pandas\nname: mlflow-env\n");
        if (inputExample is { RowCount: > 0 })
        {
            var rows = Enumerable.Range(0, Math.Min(5, inputExample.RowCount))
                .Select(i => model.FeatureNames.Select(f => inputExample[i, inputExample.IndexOf(f)]).ToArray())
                .ToArray();
            File.WriteAllText(Path.Combine(directory, InputExampleFileName),
                JsonSerializer.Serialize(new InputExampleFile(model.FeatureNames, rows), PackagingJson.Default.InputExampleFile));
        }

        var descriptor = Descriptor(model, info, hasInputExample: inputExample is { RowCount: > 0 });
        File.WriteAllText(Path.Combine(directory, MlModelFile.FileName), MlModelFile.ToYaml(descriptor));
        return descriptor;
    }

    /// <summary>Loads a model directory written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The directory is not an MLflow model with the
    /// <c>mltrack_elasticnet</c> flavor, or its data file is damaged.</exception>
    public static ElasticNetModel Load(string directory)
    {
        var mlmodelPath = Path.Combine(directory, MlModelFile.FileName);
        if (!File.Exists(mlmodelPath))
        {
            throw new InvalidDataException($"{directory} is not an MLflow model directory: it has no {MlModelFile.FileName} file.");
        }
        var descriptor = MlModelFile.Read(mlmodelPath);
        if (descriptor["flavors"]?[FlavorName] is not JsonObject flavor)
        {
            var flavors = descriptor["flavors"] is JsonObject all ? string.Join(", ", all.Select(p => p.Key)) : "none";
            throw new InvalidDataException($"The model in {directory} has no '{FlavorName}' flavor (its flavors: {flavors}).");
        }
        var dataPath = Path.Combine(directory, flavor["data"]?.GetValue<string>() ?? DataFileName);
        try
        {
            var file = JsonSerializer.Deserialize(File.ReadAllText(dataPath), PackagingJson.Default.ModelFile)
                ?? throw new InvalidDataException($"{dataPath} is empty.");
            if (file.Format != ModelFile.CurrentFormat || file.FormatVersion != 1)
            {
                throw new InvalidDataException($"{dataPath} has format '{file.Format}' version {file.FormatVersion}; expected '{ModelFile.CurrentFormat}' version 1.");
            }
            return file.ToModel();
        }
        catch (Exception e) when (e is JsonException or ArgumentException or FileNotFoundException)
        {
            throw new InvalidDataException($"The model data {dataPath} cannot be read: {e.Message}", e);
        }
    }

    private static JsonObject Descriptor(ElasticNetModel model, ModelPackageInfo info, bool hasInputExample)
    {
        var inputs = new JsonArray([.. model.FeatureNames.Select(name =>
            (JsonNode)new JsonObject { ["type"] = "double", ["name"] = name, ["required"] = true })]);
        var outputs = new JsonArray(new JsonObject { ["type"] = "double", ["required"] = true });
        var descriptor = new JsonObject
        {
            ["artifact_path"] = info.ArtifactPath,
            ["flavors"] = new JsonObject
            {
                [FlavorName] = new JsonObject
                {
                    ["data"] = DataFileName,
                    ["format_version"] = 1,
                    ["mltrack_version"] = Version(),
                },
                ["python_function"] = new JsonObject
                {
                    ["code"] = "code",
                    ["data"] = DataFileName,
                    ["env"] = new JsonObject { ["conda"] = "conda.yaml", ["virtualenv"] = "python_env.yaml" },
                    ["loader_module"] = LoaderModule,
                    ["python_version"] = PythonVersion,
                },
            },
            ["model_uuid"] = info.ModelUuid,
        };
        if (info.RunId is not null)
        {
            descriptor["run_id"] = info.RunId;
        }
        if (hasInputExample)
        {
            descriptor["saved_input_example_info"] = new JsonObject
            {
                ["artifact_path"] = InputExampleFileName,
                ["pandas_orient"] = "split",
                ["type"] = "dataframe",
            };
        }
        descriptor["signature"] = new JsonObject
        {
            ["inputs"] = inputs.ToJsonString(),
            ["outputs"] = outputs.ToJsonString(),
            ["params"] = null,
        };
        descriptor["utc_time_created"] = info.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        return descriptor;
    }

    private static string LoaderSource()
    {
        using var stream = typeof(ModelPackage).Assembly.GetManifestResourceStream("MlTrack.Trainer.Packaging.mltrack_elasticnet.py")
            ?? throw new InvalidOperationException("The python loader is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static string Version() =>
        typeof(ModelPackage).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
