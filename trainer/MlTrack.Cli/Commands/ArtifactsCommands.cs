using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace MlTrack.Cli.Commands;

/// <summary>`mltrack artifacts list|download`, as `mlflow artifacts`.</summary>
internal static class ArtifactsCommands
{
    public static Command Create(CliContext context) => new("artifacts", "List and download a run's artifacts.")
    {
        List(context),
        Download(context),
    };

    private static Command List(CliContext context)
    {
        var runId = CommonOptions.RunId();
        var path = new Option<string?>("--artifact-path", "-a") { Description = "A directory among the run's artifacts (the root when not given)." };
        var command = new Command("list", "List the files and directories at one level of a run's artifacts.") { runId, path };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var listing = await client.Artifacts.ListAsync(result.GetValue(runId)!, result.GetValue(path), cancellationToken);
            var table = new Table().Border(TableBorder.Simple).AddColumns("Path", "Size");
            table.Columns[1].RightAligned();
            foreach (var file in listing.Files)
            {
                table.AddRow(
                    Markup.Escape(file.IsDir ? file.Path + "/" : file.Path),
                    file.IsDir ? "" : (file.FileSize ?? 0).ToString("N0", CultureInfo.InvariantCulture));
            }
            context.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Download(CliContext context)
    {
        var runId = new Option<string?>("--run-id", "-r") { Description = "The run whose artifacts to download." };
        var path = new Option<string?>("--artifact-path", "-a") { Description = "A file or directory among the run's artifacts (all of them when not given)." };
        var uri = new Option<string?>("--artifact-uri", "-u") { Description = "Instead of --run-id: a URI such as runs:/ID/model or models:/NAME@ALIAS." };
        var destination = new Option<string?>("--dst-path", "-d") { Description = "The local directory to download into (a new temporary directory when not given)." };
        var command = new Command("download", "Download a run's artifact file or directory and print its local path.") { runId, path, uri, destination };
        command.SetAction(async (result, cancellationToken) =>
        {
            var (id, artifactUri) = (result.GetValue(runId), result.GetValue(uri));
            if ((id is null) == (artifactUri is null))
            {
                throw new CliException("Give either --run-id (with an optional --artifact-path) or --artifact-uri.");
            }
            var target = result.GetValue(destination) is { } d
                ? context.FullPath(d)
                : Directory.CreateTempSubdirectory("mltrack-artifacts-").FullName;
            Directory.CreateDirectory(target);
            using var client = context.CreateClient();
            var local = artifactUri is not null
                ? await client.Artifacts.DownloadFromUriAsync(artifactUri, target, cancellationToken)
                : await client.Artifacts.DownloadAsync(id!, result.GetValue(path) ?? "", target, cancellationToken);
            context.Out.Profile.Out.Writer.WriteLine(local);
            return 0;
        });
        return command;
    }
}
