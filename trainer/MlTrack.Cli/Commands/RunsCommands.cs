using System.CommandLine;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Client;
using Spectre.Console;

namespace MlTrack.Cli.Commands;

/// <summary>`mltrack runs list|describe|delete|restore`.</summary>
internal static class RunsCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(CliContext context) => new("runs", "List, describe, delete and restore runs.")
    {
        List(context),
        Describe(context),
        Lifecycle(context, "delete", "Delete a run (it can be restored).", (client, id, token) => client.Runs.DeleteAsync(id, token)),
        Lifecycle(context, "restore", "Restore a deleted run.", (client, id, token) => client.Runs.RestoreAsync(id, token)),
    };

    private static Command List(CliContext context)
    {
        var experimentId = new Option<string>("--experiment-id") { Description = "The experiment whose runs to list.", Required = true };
        var view = CommonOptions.View("runs");
        var command = new Command("list", "List an experiment's runs, newest first: Run ID, Status, Start Time, Name.") { experimentId, view };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.CreateClient();
            // runs/search answers an unknown experiment with no runs; a person typing an id wants to hear it is wrong.
            await client.Experiments.GetAsync(result.GetValue(experimentId)!, cancellationToken);
            var table = new Table().Border(TableBorder.Simple).AddColumns("Run ID", "Status", "Start Time", "Name");
            var options = new SearchRunsOptions { RunViewType = result.GetValue(view), MaxResults = 1000 };
            await foreach (var run in client.Runs.SearchAllAsync([result.GetValue(experimentId)!], options, cancellationToken))
            {
                table.AddRow(
                    run.Info.RunId,
                    run.Info.Status.ToString().ToUpperInvariant(),
                    FormatTime(run.Info.StartTime),
                    Markup.Escape(run.Info.RunName ?? ""));
            }
            context.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Describe(CliContext context)
    {
        var runId = CommonOptions.RunId();
        var command = new Command("describe", "Print a run (info, params, metrics, tags, inputs) as JSON.") { runId };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.CreateClient();
            var run = await client.Runs.GetAsync(result.GetValue(runId)!, cancellationToken);
            context.Out.Profile.Out.Writer.WriteLine(ToJson(run).ToJsonString(Indented));
            return 0;
        });
        return command;
    }

    private static Command Lifecycle(CliContext context, string name, string description, Func<MlflowClient, string, CancellationToken, Task> action)
    {
        var runId = CommonOptions.RunId();
        var command = new Command(name, description) { runId };
        command.SetAction(async (result, cancellationToken) =>
        {
            using var client = context.CreateClient();
            await action(client, result.GetValue(runId)!, cancellationToken);
            context.Out.WriteLine($"Run with ID {result.GetValue(runId)} {name}d.");
            return 0;
        });
        return command;
    }

    /// <summary>The shape of MLflow's <c>Run.to_dictionary()</c>, which `mlflow runs describe` prints.</summary>
    internal static JsonObject ToJson(Run run) => new()
    {
        ["info"] = new JsonObject
        {
            ["artifact_uri"] = run.Info.ArtifactUri,
            ["end_time"] = run.Info.EndTime,
            ["experiment_id"] = run.Info.ExperimentId,
            ["lifecycle_stage"] = run.Info.LifecycleStage,
            ["run_id"] = run.Info.RunId,
            ["run_name"] = run.Info.RunName,
            ["run_uuid"] = run.Info.RunId,
            ["start_time"] = run.Info.StartTime,
            ["status"] = run.Info.Status.ToString().ToUpperInvariant(),
            ["user_id"] = run.Info.UserId,
        },
        ["data"] = new JsonObject
        {
            ["metrics"] = new JsonObject(run.Data.Metrics.Select(m => KeyValuePair.Create(m.Key, MetricValue(m.Value)))),
            ["params"] = new JsonObject(run.Data.Params.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)p.Value))),
            ["tags"] = new JsonObject(run.Data.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
        },
        ["inputs"] = new JsonObject
        {
            ["dataset_inputs"] = new JsonArray([.. run.Inputs.DatasetInputs.Select(input => (JsonNode)new JsonObject
            {
                ["dataset"] = new JsonObject
                {
                    ["digest"] = input.Dataset.Digest,
                    ["name"] = input.Dataset.Name,
                    ["source"] = input.Dataset.Source,
                    ["source_type"] = input.Dataset.SourceType,
                },
                ["tags"] = new JsonObject(input.Tags.Select(t => KeyValuePair.Create(t.Key, (JsonNode?)t.Value))),
            })]),
        },
    };

    private static JsonNode? MetricValue(double value) => double.IsFinite(value) ? value : value.ToString(CultureInfo.InvariantCulture);

    private static string FormatTime(long? unixMilliseconds) => unixMilliseconds is { } ms
        ? TimeZoneInfo.ConvertTime(DateTimeOffset.FromUnixTimeMilliseconds(ms), TimeZoneInfo.Local).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
        : "";
}
