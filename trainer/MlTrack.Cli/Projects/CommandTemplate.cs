using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace MlTrack.Cli.Projects;

/// <summary>
/// Turns an entry point and the user's -P values into the shell command MLflow would run: values checked against
/// their types, paths made absolute, each value shell-quoted (Python's shlex.quote) into the {name} placeholders
/// (Python's str.format), and extra parameters appended as --name value.
/// </summary>
internal static partial class CommandTemplate
{
    /// <summary>The final values: the entry point's parameters in file order, then the extra ones the user gave.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ResolveParameters(EntryPoint entryPoint, IReadOnlyDictionary<string, string> given, string workingDirectory)
    {
        var missing = entryPoint.Parameters.Where(p => p.Default is null && !given.ContainsKey(p.Name)).Select(p => $"'{p.Name}'").ToList();
        if (missing.Count > 0)
        {
            throw new CliException($"No value given for missing parameters: {string.Join(", ", missing)}");
        }
        var values = new List<KeyValuePair<string, string>>();
        foreach (var parameter in entryPoint.Parameters)
        {
            var value = given.TryGetValue(parameter.Name, out var v) ? v : parameter.Default!;
            values.Add(KeyValuePair.Create(parameter.Name, Check(parameter, value, workingDirectory)));
        }
        var declared = entryPoint.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        values.AddRange(given.Where(p => !declared.Contains(p.Key)));
        return values;
    }

    /// <summary>The command line with every placeholder filled in.</summary>
    public static string Render(EntryPoint entryPoint, IReadOnlyList<KeyValuePair<string, string>> values)
    {
        var byName = values.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var command = new StringBuilder();
        var template = entryPoint.Command;
        for (int i = 0; i < template.Length; i++)
        {
            char c = template[i];
            if ((c == '{' || c == '}') && i + 1 < template.Length && template[i + 1] == c)
            {
                command.Append(c);
                i++;
            }
            else if (c == '{')
            {
                int end = template.IndexOf('}', i);
                var name = end < 0 ? null : template[(i + 1)..end];
                if (name is null || !byName.TryGetValue(name, out var value))
                {
                    throw new CliException($"The command of entry point '{entryPoint.Name}' uses {(name is null ? "an unclosed '{'" : $"{{{name}}}, which is not one of its parameters")}.");
                }
                command.Append(Quote(value));
                i = end;
            }
            else if (c == '}')
            {
                throw new CliException($"The command of entry point '{entryPoint.Name}' has a single '}}'; write '}}}}' for a literal brace.");
            }
            else
            {
                command.Append(c);
            }
        }
        var declared = entryPoint.Parameters.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (key, value) in values.Where(p => !declared.Contains(p.Key)))
        {
            command.Append(CultureInfo.InvariantCulture, $" --{key} {Quote(value)}");
        }
        return command.ToString();
    }

    /// <summary>Python's shlex.quote: safe text as is, anything else in single quotes.</summary>
    public static string Quote(string value) =>
        value.Length == 0 ? "''" : SafeText().IsMatch(value) ? value : "'" + value.Replace("'", "'\"'\"'", StringComparison.Ordinal) + "'";

    private static string Check(ProjectParameter parameter, string value, string workingDirectory)
    {
        switch (parameter.Type)
        {
            case "float" when !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _):
            case "int" when !long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _):
                throw new CliException($"Parameter '{parameter.Name}' must be a number ({parameter.Type}), but is '{value}'.");
            case "uri" when !value.Contains(':', StringComparison.Ordinal) && !Path.IsPathRooted(value):
                throw new CliException($"Expected URI for parameter {parameter.Name} but got {value}");
            case "path" when !value.Contains("://", StringComparison.Ordinal):
                // As MLflow: a local path must exist, and the command gets it absolute (relative to where mltrack runs).
                var full = Path.GetFullPath(value, workingDirectory);
                return File.Exists(full) || Directory.Exists(full)
                    ? full
                    : throw new CliException($"Got value {value} for parameter {parameter.Name}, but no such file or directory was found.");
            default:
                return value;
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_@%+=:,./-]+$")]
    private static partial Regex SafeText();
}
