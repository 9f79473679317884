using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteTrackingStore
{
    private const string LoggedModelHistoryTag = StoreRules.LoggedModelHistoryTag;
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
            SetTag(connection, key, new KeyValue(LoggedModelHistoryTag, StoreRules.AppendLoggedModel(existing, modelJson, runId)));
        }, cancellationToken);

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
                    "INSERT OR IGNORE INTO input_tags (dataset_id, run_id, key, value) VALUES (@datasetId, @runKey, @Key, @Value)",
                    input.Tags.Select(t => new { datasetId, runKey = key, t.Key, t.Value }));
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
        StoreRules.CheckParams(runId, parameters, existing);

        connection.Execute(
            "INSERT INTO params (run_id, key, value) VALUES (@runKey, @Key, @Value)",
            parameters.Where(p => !existing.ContainsKey(p.Key)).Select(p => new { runKey = key, p.Key, p.Value }));
    }

    private static void SetTag(SqliteConnection connection, long key, KeyValue tag)
    {
        connection.Execute("INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (@runKey, @Key, @Value)", new { runKey = key, tag.Key, tag.Value });
        if (tag.Key == RunNameTag)
        {
            connection.Execute("UPDATE runs SET name = @Value WHERE id = @key", new { key, tag.Value });
        }
    }
}
