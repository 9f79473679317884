namespace MlTrack.Client.Internal;

/// <summary>
/// The system tags MLflow's client puts on a run it creates (mlflow/tracking/context/default_context.py and
/// git_context.py): the user, the program as source, source type LOCAL, and the git commit when the program
/// lies in a git work tree.
/// </summary>
internal static class RunContext
{
    public const string User = "mlflow.user";
    public const string SourceName = "mlflow.source.name";
    public const string SourceType = "mlflow.source.type";
    public const string GitCommit = "mlflow.source.git.commit";
    public const string RunName = "mlflow.runName";
    public const string ParentRunId = "mlflow.parentRunId";

    public static string UserName => Environment.UserName;

    public static Dictionary<string, string> SystemTags()
    {
        var source = SourcePath();
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [User] = UserName,
            [SourceName] = source,
            [SourceType] = "LOCAL",
        };
        if (GitHead(Path.GetDirectoryName(source)) is { } commit)
        {
            tags[GitCommit] = commit;
        }

        return tags;
    }

    // sys.argv[0] in Python; the entry program here (the .dll that `dotnet` runs, or the app host).
    private static string SourcePath()
    {
        var args = Environment.GetCommandLineArgs();
        var program = args.Length > 0 && args[0].Length > 0 ? args[0] : Environment.ProcessPath ?? "";
        return program.Length == 0 ? "" : Path.GetFullPath(program);
    }

    /// <summary>The commit HEAD points at, for the git work tree holding <paramref name="directory"/>, if any.</summary>
    internal static string? GitHead(string? directory)
    {
        try
        {
            for (var dir = directory is null ? null : new DirectoryInfo(directory); dir is not null; dir = dir.Parent)
            {
                var git = Path.Combine(dir.FullName, ".git");
                if (File.Exists(Path.Combine(git, "HEAD")))
                {
                    return ResolveHead(git);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A git directory we cannot read: MLflow also leaves the tag out then.
        }

        return null;
    }

    private static string? ResolveHead(string git)
    {
        var head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
        if (!head.StartsWith("ref: ", StringComparison.Ordinal))
        {
            return IsCommit(head) ? head : null;
        }

        var reference = head["ref: ".Length..];
        var loose = Path.Combine(git, reference.Replace('/', Path.DirectorySeparatorChar));
        if (File.Exists(loose))
        {
            var commit = File.ReadAllText(loose).Trim();
            return IsCommit(commit) ? commit : null;
        }

        var packed = Path.Combine(git, "packed-refs");
        return File.Exists(packed)
            ? File.ReadLines(packed).Select(line => line.Split(' ', 2)).FirstOrDefault(p => p.Length == 2 && p[1] == reference && IsCommit(p[0]))?[0]
            : null;
    }

    private static bool IsCommit(string text) => text.Length == 40 && text.All(char.IsAsciiHexDigitLower);
}
