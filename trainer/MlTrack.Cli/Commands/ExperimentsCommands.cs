using System.CommandLine;
using MlTrack.Client;
using Spectre.Console;

namespace MlTrack.Cli.Commands;

/// <summary>`mltrack experiments create|search`.</summary>
internal static class ExperimentsCommands
{
    public static Command Create(CliContext context) => new("experiments", "Create and search experiments.")
    {
        CreateExperiment(context),
        Search(context),
    };

    private static Command CreateExperiment(CliContext context)
    {
        var name = new Option<string>("--experiment-name", "-n") { Description = "The new experiment's name.", Required = true };
        var location = new Option<string?>("--artifact-location", "-l") { Description = "Where its runs' artifacts go (the server's default when not given)." };
        var command = new Command("create", "Create an experiment and print its ID.") { name, location };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var id = await client.Experiments.CreateAsync(result.GetValue(name)!, result.GetValue(location), cancellationToken: cancellationToken);
            context.Out.WriteLine($"Created experiment with ID {id}");
            return 0;
        });
        return command;
    }

    private static Command Search(CliContext context)
    {
        var view = CommonOptions.View("experiments");
        var filter = new Option<string?>("--filter") { Description = "A filter such as \"name LIKE 'wine%'\"." };
        var command = new Command("search", "List experiments: ID, name and artifact location.") { view, filter };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var table = new Table().Border(TableBorder.Simple).AddColumns("Experiment Id", "Name", "Artifact Location");
            var options = new SearchExperimentsOptions { ViewType = result.GetValue(view), Filter = result.GetValue(filter) };
            await foreach (var experiment in client.Experiments.SearchAllAsync(options, cancellationToken))
            {
                table.AddRow(Markup.Escape(experiment.ExperimentId), Markup.Escape(experiment.Name), Markup.Escape(experiment.ArtifactLocation ?? ""));
            }
            context.Out.Write(table);
            return 0;
        });
        return command;
    }
}
