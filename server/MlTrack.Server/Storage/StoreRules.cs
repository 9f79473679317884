using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage;

/// <summary>MLflow's rules that every store applies the same way, whatever holds the data.</summary>
internal static class StoreRules
{
    public const string RunNameTag = "mlflow.runName";

    public const string LoggedModelHistoryTag = "mlflow.log-model.history";

    public static MlflowException ExperimentNotFound(string experimentId) => MlflowException.NotFound($"No Experiment with id={experimentId} exists");

    public static MlflowException RunNotFound(string runId) => MlflowException.NotFound($"Run with id={runId} not found");

    public static MlflowException ExperimentNotActive(string experimentId, string stage) => MlflowException.InvalidParameter(
        $"The experiment {experimentId} must be in the 'active' state. Current state is {stage}.");

    public static MlflowException RunNotActive(string runId, string stage) => MlflowException.InvalidParameter(
        $"The run {runId} must be in the 'active' state. Current state is {stage}.");

    /// <summary>
    /// A new run's name (run_name, else the mlflow.runName tag, else generated) and its tags, the name tag added
    /// when missing and a repeated key keeping its last value.
    /// </summary>
    public static (string Name, List<KeyValue> Tags) NameRun(NewRun run)
    {
        var tags = run.Tags.ToList();
        var nameTag = tags.LastOrDefault(t => t.Key == RunNameTag)?.Value;
        if (!string.IsNullOrEmpty(run.RunName) && !string.IsNullOrEmpty(nameTag) && run.RunName != nameTag)
        {
            throw MlflowException.InvalidParameter(
                "Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values "
                + $"(run_name='{run.RunName}', mlflow.runName='{nameTag}').");
        }

        var name = !string.IsNullOrEmpty(run.RunName) ? run.RunName : !string.IsNullOrEmpty(nameTag) ? nameTag : RunNames.Generate();
        if (string.IsNullOrEmpty(nameTag))
        {
            tags.Add(new KeyValue(RunNameTag, name));
        }

        return (name, [.. tags.GroupBy(t => t.Key).Select(g => g.Last())]);
    }

    /// <summary>Params are immutable: a logged key with another value than the stored one is INVALID_PARAMETER_VALUE.</summary>
    public static void CheckParams(string runId, IReadOnlyList<KeyValue> parameters, IReadOnlyDictionary<string, string> existing)
    {
        var conflicts = parameters.Where(p => existing.TryGetValue(p.Key, out var old) && old != p.Value).ToList();
        if (conflicts.Count > 0)
        {
            var described = string.Join(", ", conflicts.Select(p =>
                $"{{'key': '{p.Key}', 'old_value': '{existing[p.Key]}', 'new_value': '{p.Value}'}}"));
            throw MlflowException.InvalidParameter(
                $"Changing param values is not allowed. Params were already logged='[{described}]' for run ID='{runId}'.");
        }
    }

    /// <summary>The logged-model history tag with one more model; the tag is writable through set-tag too, so refuse what is not a JSON list.</summary>
    public static string AppendLoggedModel(string? existing, string modelJson, string runId)
    {
        JsonArray history;
        try
        {
            history = existing is null ? [] : JsonNode.Parse(existing) as JsonArray ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw MlflowException.InvalidParameter(
                $"The tag '{LoggedModelHistoryTag}' of run {runId} is not a JSON list, so a logged model cannot be added to it.");
        }

        history.Add(JsonNode.Parse(modelJson));
        return history.ToJsonString();
    }

    /// <summary>MLflow stores NaN as 0 with is_nan set, and clamps infinities to the largest finite doubles.</summary>
    public static double StoredValue(double value) => double.IsNaN(value) ? 0 : Math.Clamp(value, double.MinValue, double.MaxValue);

    /// <summary>True when <paramref name="a"/> replaces <paramref name="b"/> as the latest point: greater (step, timestamp, value).</summary>
    public static bool IsLater(Metric a, Metric b) =>
        (a.Step, a.Timestamp, StoredValue(a.Value)).CompareTo((b.Step, b.Timestamp, StoredValue(b.Value))) > 0;
}
