using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    private const string LoggedModelHistoryTag = "mlflow.log-model.history";
    private MetricWriter? _metricWriter;

    public Task LogBatchAsync(
        string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<KeyValue> parameters, IReadOnlyList<KeyValue> tags,
        CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var key = ActiveRunKey(connection, runId);
            LogParams(connection, key, runId, parameters);
            if (metrics.Count > 0)
            {
                // Only the writer thread gets here, so one set of prepared statements serves every batch.
                _metricWriter ??= new MetricWriter(connection);
                _metricWriter.Write(key, metrics);
            }

            foreach (var tag in tags)
            {
                SetTag(connection, key, tag);
            }
        }, cancellationToken);

    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var run = ActiveRunKey(connection, runId);
            if (connection.Execute("DELETE FROM tags WHERE run_id = @run AND key = @key", new { run, key }) == 0)
            {
                throw MlflowException.NotFound($"No tag with name: {key} in run with id {runId}");
            }
        }, cancellationToken);

    public Task AppendLoggedModelAsync(string runId, string modelJson, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var key = ActiveRunKey(connection, runId);
            var existing = connection.ExecuteScalar<string?>(
                "SELECT value FROM tags WHERE run_id = @key AND key = @tag", new { key, tag = LoggedModelHistoryTag });
            var history = existing is null ? [] : ParseHistory(existing, runId);
            history.Add(JsonNode.Parse(modelJson));
            SetTag(connection, key, new KeyValue(LoggedModelHistoryTag, history.ToJsonString()));
        }, cancellationToken);

    // The tag is writable through set-tag too; refuse rather than overwrite what is not a JSON list.
    private static JsonArray ParseHistory(string existing, string runId)
    {
        try
        {
            return JsonNode.Parse(existing) as JsonArray
                ?? throw new JsonException();
        }
        catch (JsonException)
        {
            throw MlflowException.InvalidParameter(
                $"The tag '{LoggedModelHistoryTag}' of run {runId} is not a JSON list, so a logged model cannot be added to it.");
        }
    }

    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> inputs, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var key = ActiveRunKey(connection, runId);
            var experimentId = connection.ExecuteScalar<long>("SELECT experiment_id FROM runs WHERE id = @key", new { key });
            foreach (var input in inputs)
            {
                var dataset = input.Dataset;
                // A dataset is stored once per experiment by (name, digest); later inputs link to it.
                connection.Execute(
                    """
                    INSERT OR IGNORE INTO datasets (experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile)
                    VALUES (@experimentId, @Name, @Digest, @SourceType, @Source, @Schema, @Profile)
                    """,
                    new { experimentId, dataset.Name, dataset.Digest, dataset.SourceType, dataset.Source, dataset.Schema, dataset.Profile });
                var datasetId = connection.ExecuteScalar<long>(
                    "SELECT dataset_id FROM datasets WHERE experiment_id = @experimentId AND name = @Name AND digest = @Digest",
                    new { experimentId, dataset.Name, dataset.Digest });
                connection.Execute("INSERT OR IGNORE INTO inputs (dataset_id, run_id) VALUES (@datasetId, @key)", new { datasetId, key });
                connection.Execute(
                    "INSERT OR IGNORE INTO input_tags (dataset_id, run_id, key, value) VALUES (@datasetId, @key, @Key, @Value)",
                    input.Tags.Select(t => new { datasetId, key, t.Key, t.Value }));
            }
        }, cancellationToken);

    private static void LogParams(SqliteConnection connection, long key, string runId, IReadOnlyList<KeyValue> parameters)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        var existing = connection.Query<(string Key, string Value)>(
            "SELECT key, value FROM params WHERE run_id = @key AND key IN (SELECT value FROM json_each(@keys))",
            new { key, keys = JsonSerializer.Serialize(parameters.Select(p => p.Key)) })
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        var conflicts = parameters.Where(p => existing.TryGetValue(p.Key, out var old) && old != p.Value).ToList();
        if (conflicts.Count > 0)
        {
            var described = string.Join(", ", conflicts.Select(p =>
                $"{{'key': '{p.Key}', 'old_value': '{existing[p.Key]}', 'new_value': '{p.Value}'}}"));
            throw MlflowException.InvalidParameter(
                $"Changing param values is not allowed. Params were already logged='[{described}]' for run ID='{runId}'.");
        }

        connection.Execute(
            "INSERT INTO params (run_id, key, value) VALUES (@key, @Key, @Value)",
            parameters.Where(p => !existing.ContainsKey(p.Key)).Select(p => new { key, p.Key, p.Value }));
    }

    private static void SetTag(SqliteConnection connection, long key, KeyValue tag)
    {
        connection.Execute("INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (@key, @Key, @Value)", new { key, tag.Key, tag.Value });
        if (tag.Key == RunNameTag)
        {
            connection.Execute("UPDATE runs SET name = @Value WHERE id = @key", new { key, tag.Value });
        }
    }

    private static async Task<ILookup<long, DatasetInput>> LoadInputsAsync(SqliteConnection connection, object ids, CancellationToken cancellationToken)
    {
        var rows = (await connection.QueryAsync<(long RunId, long DatasetId, string Name, string Digest, string SourceType, string Source, string? Schema,
            string? Profile)>(new CommandDefinition(
            """
            SELECT i.run_id, d.dataset_id, d.name, d.digest, d.dataset_source_type, d.dataset_source, d.dataset_schema, d.dataset_profile
            FROM inputs i JOIN datasets d ON d.dataset_id = i.dataset_id
            WHERE i.run_id IN (SELECT value FROM json_each(@ids)) ORDER BY i.run_id, d.dataset_id
            """, ids, cancellationToken: cancellationToken))).ToList();
        if (rows.Count == 0)
        {
            return Array.Empty<DatasetInput>().ToLookup(_ => 0L);
        }

        var tags = (await connection.QueryAsync<(long RunId, long DatasetId, string Key, string Value)>(new CommandDefinition(
            "SELECT run_id, dataset_id, key, value FROM input_tags WHERE run_id IN (SELECT value FROM json_each(@ids)) ORDER BY key",
            ids, cancellationToken: cancellationToken)))
            .ToLookup(t => (t.RunId, t.DatasetId), t => new KeyValue(t.Key, t.Value));
        return rows.ToLookup(r => r.RunId, r => new DatasetInput(
            [.. tags[(r.RunId, r.DatasetId)]], new Dataset(r.Name, r.Digest, r.SourceType, r.Source, r.Schema, r.Profile)));
    }
}
