using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MlTrack.Cli.Projects;

/// <summary>A parameter of an entry point: a type (string, float, int, path, uri) and an optional default.</summary>
internal sealed record ProjectParameter(string Name, string Type, string? Default);

/// <summary>An entry point: its parameters in file order and its command template.</summary>
internal sealed record EntryPoint(string Name, IReadOnlyList<ProjectParameter> Parameters, string Command);

/// <summary>
/// An MLflow project directory: its <c>MLproject</c> file (mlflow/projects/_project_spec.py), or, without one, a
/// project whose entry points are its <c>.py</c> and <c>.sh</c> files, as MLflow treats such a directory.
/// </summary>
internal sealed class MlProject
{
    public const string FileName = "MLproject";

    private static readonly string[] ParameterTypes = ["string", "float", "int", "path", "uri"];

    private readonly Dictionary<string, EntryPoint> _entryPoints;

    private MlProject(string directory, string? name, Dictionary<string, EntryPoint> entryPoints)
    {
        Directory = directory;
        Name = name;
        _entryPoints = entryPoints;
    }

    public string Directory { get; }

    public string? Name { get; }

    public IReadOnlyCollection<EntryPoint> EntryPoints => _entryPoints.Values;

    /// <exception cref="CliException">The directory is missing, or its MLproject file is malformed.</exception>
    public static MlProject Load(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            throw new CliException($"Project directory not found: {directory}");
        }
        var file = System.IO.Directory.EnumerateFiles(directory).FirstOrDefault(f => Path.GetFileName(f).Equals(FileName, StringComparison.OrdinalIgnoreCase));
        return file is null ? new MlProject(directory, null, []) : Parse(directory, File.ReadAllText(file), file);
    }

    /// <summary>The entry point by name; a <c>.py</c> or <c>.sh</c> file of the project also serves as one.</summary>
    /// <exception cref="CliException">There is no such entry point.</exception>
    public EntryPoint EntryPoint(string name)
    {
        if (_entryPoints.TryGetValue(name, out var entryPoint))
        {
            return entryPoint;
        }
        var script = Path.Combine(Directory, name);
        if (File.Exists(script) && Path.GetExtension(name) is ".py" or ".sh")
        {
            return new EntryPoint(name, [], $"{(name.EndsWith(".py", StringComparison.Ordinal) ? "python" : "bash")} {CommandTemplate.Quote(name)}");
        }
        var known = _entryPoints.Count == 0 ? "the project has no MLproject file" : "its entry points: " + string.Join(", ", _entryPoints.Keys);
        throw new CliException($"Could not find entry point '{name}' in {Directory} ({known}); a .py or .sh file of the project also works.");
    }

    internal static MlProject Parse(string directory, string yaml, string source)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw new CliException($"{source} is not valid YAML: {e.Message}", e);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new CliException($"{source} must be a YAML mapping with 'name' and 'entry_points'.");
        }
        var entryPoints = new Dictionary<string, EntryPoint>(StringComparer.Ordinal);
        if (Child(root, "entry_points") is { } points)
        {
            if (points is not YamlMappingNode mapping)
            {
                throw new CliException($"{source}: 'entry_points' must be a mapping of entry point names.");
            }
            foreach (var (key, value) in mapping.Children)
            {
                var name = Scalar(key, source, "an entry point name");
                entryPoints[name] = ParseEntryPoint(name, value, source);
            }
        }
        return new MlProject(directory, Child(root, "name") is YamlScalarNode n ? n.Value : null, entryPoints);
    }

    private static EntryPoint ParseEntryPoint(string name, YamlNode node, string source)
    {
        if (node is not YamlMappingNode mapping || Child(mapping, "command") is not YamlScalarNode { Value: { Length: > 0 } command })
        {
            throw new CliException($"{source}: entry point '{name}' needs a 'command'.");
        }
        var parameters = new List<ProjectParameter>();
        if (Child(mapping, "parameters") is YamlMappingNode parameterNodes)
        {
            foreach (var (key, value) in parameterNodes.Children)
            {
                parameters.Add(ParseParameter(Scalar(key, source, "a parameter name"), value, $"{source}: parameter '{key}' of '{name}'"));
            }
        }
        return new EntryPoint(name, parameters, command);
    }

    private static ProjectParameter ParseParameter(string name, YamlNode node, string where)
    {
        // "alpha: float" is a type without a default; "alpha: {type: float, default: 0.5}" has both.
        var (type, defaultValue) = node switch
        {
            YamlScalarNode scalar => (scalar.Value ?? "string", null),
            YamlMappingNode mapping => (
                Child(mapping, "type") is YamlScalarNode t ? t.Value ?? "string" : "string",
                Child(mapping, "default") is YamlScalarNode { Value: not null } d && !(d.Style == ScalarStyle.Plain && d.Value is "" or "~" or "null") ? d.Value : null),
            _ => throw new CliException($"{where} must be a type name or a mapping with 'type' and 'default'."),
        };
        if (!ParameterTypes.Contains(type))
        {
            throw new CliException($"{where} has type '{type}'; the types are {string.Join(", ", ParameterTypes)}.");
        }
        return new ProjectParameter(name, type, defaultValue);
    }

    private static YamlNode? Child(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static string Scalar(YamlNode node, string source, string what) =>
        node is YamlScalarNode { Value: { Length: > 0 } value } ? value : throw new CliException($"{source}: expected {what}.");
}
