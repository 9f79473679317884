namespace MlTrack.Cli.Serving;

/// <summary>What `models serve -m` names: a local model directory, or a <c>runs:/</c> or <c>models:/</c> URI, which
/// for <c>models:/NAME@ALIAS</c> is followed as the alias moves.</summary>
internal sealed record ModelReference(string Uri, string? LocalDirectory, string? ModelName, string? Alias, string? Version)
{
    public bool FollowsAlias => Alias is not null;

    public static ModelReference Parse(string uri, Func<string, string> fullPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(uri);
        ArgumentNullException.ThrowIfNull(fullPath);
        if (uri.StartsWith("runs:/", StringComparison.Ordinal))
        {
            return new ModelReference(uri, null, null, null, null);
        }
        if (uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            var rest = uri["models:/".Length..].Trim('/');
            int at = rest.LastIndexOf('@');
            if (at > 0 && !rest[at..].Contains('/', StringComparison.Ordinal))
            {
                if (at == rest.Length - 1)
                {
                    throw new CliException($"'{uri}' names no alias after '@': use models:/NAME@ALIAS.");
                }
                return new ModelReference(uri, null, rest[..at], rest[(at + 1)..], null);
            }
            int slash = rest.IndexOf('/', StringComparison.Ordinal);
            if (slash <= 0 || slash == rest.Length - 1)
            {
                throw new CliException($"'{uri}' names no version: use models:/NAME/VERSION or models:/NAME@ALIAS.");
            }
            var selector = rest[(slash + 1)..];
            return new ModelReference(uri, null, rest[..slash], null, selector.All(char.IsAsciiDigit) ? selector : null);
        }
        if (uri.StartsWith("file://", StringComparison.Ordinal))
        {
            return new ModelReference(uri, new Uri(uri).LocalPath, null, null, null);
        }
        if (uri.Contains(":/", StringComparison.Ordinal) && !Path.IsPathRooted(uri))
        {
            throw new CliException($"'{uri}' is not a model this tool can serve: use runs:/RUN_ID/model, models:/NAME/VERSION, models:/NAME@ALIAS or a local directory.");
        }
        return new ModelReference(uri, fullPath(uri), null, null, null);
    }
}
