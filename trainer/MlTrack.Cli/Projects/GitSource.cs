using System.ComponentModel;
using System.Diagnostics;

namespace MlTrack.Cli.Projects;

/// <summary>
/// The git commit, branch and origin of a project directory, which `mlflow run` records as mlflow.source.git.* tags
/// so that a run can be traced to the code that produced it.
/// </summary>
internal sealed record GitSource(string Commit, string? Branch, string? RepoUrl)
{
    /// <summary>Null when git is not installed or the directory is not in a repository, as MLflow then sets no tags.</summary>
    public static async Task<GitSource?> ReadAsync(string directory, CancellationToken cancellationToken)
    {
        if (await GitAsync(directory, cancellationToken, "rev-parse", "HEAD") is not { } commit)
        {
            return null;
        }

        // A detached HEAD names no branch.
        var branch = await GitAsync(directory, cancellationToken, "rev-parse", "--abbrev-ref", "HEAD");
        var url = await GitAsync(directory, cancellationToken, "remote", "get-url", "origin");
        return new GitSource(commit, branch is "HEAD" ? null : branch, url);
    }

    /// <summary>MLflow's tags, with the legacy names its older UI reads.</summary>
    public void AddTagsTo(IDictionary<string, string> tags)
    {
        tags["mlflow.source.git.commit"] = Commit;
        if (Branch is not null)
        {
            tags["mlflow.source.git.branch"] = Branch;
            tags["mlflow.gitBranchName"] = Branch;
        }

        if (RepoUrl is not null)
        {
            tags["mlflow.source.git.repoURL"] = RepoUrl;
            tags["mlflow.gitRepoURL"] = RepoUrl;
        }
    }

    private static async Task<string?> GitAsync(string directory, CancellationToken cancellationToken, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Win32Exception)
        {
            return null;
        }

        using (process)
        {
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            _ = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken);
            var text = (await output).Trim();
            return process.ExitCode == 0 && text.Length > 0 ? text : null;
        }
    }
}
