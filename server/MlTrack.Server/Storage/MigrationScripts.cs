using System.Globalization;

namespace MlTrack.Server.Storage;

/// <summary>The embedded migration scripts of one store (resources named PREFIX.NNNN_name.sql), in version order.</summary>
internal static class MigrationScripts
{
    public static IEnumerable<(long Version, string Name, string Sql)> Read(string resourcePrefix)
    {
        var assembly = typeof(MigrationScripts).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(resourcePrefix, StringComparison.Ordinal)).Order())
        {
            var name = resource[resourcePrefix.Length..^".sql".Length];
            var version = long.Parse(name[..name.IndexOf('_', StringComparison.Ordinal)], CultureInfo.InvariantCulture);
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            yield return (version, name, reader.ReadToEnd());
        }
    }
}
