using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using Npgsql;
using NpgsqlTypes;
using static MlTrack.Server.Storage.StoreRules;

namespace MlTrack.Server.Storage.Postgres;

internal sealed partial class PostgresTrackingStore
{
    public Task LogBatchAsync(
        string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<KeyValue> parameters, IReadOnlyList<KeyValue> tags,
        CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var key = await ActiveRunKeyAsync(connection, runId);
            await LogParamsAsync(connection, key, runId, parameters);
            await LogMetricsAsync(connection, key, metrics, cancellationToken);
            await UpsertAsync(connection, "tags", "run_id", key, tags);
            if (tags.LastOrDefault(t => t.Key == RunNameTag) is { } name)
            {
                await connection.ExecuteAsync("UPDATE runs SET name = @Value WHERE id = @key", new { key, name.Value });
            }
        }, cancellationToken);

    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var run = await ActiveRunKeyAsync(connection, runId);
            if (await connection.ExecuteAsync("DELETE FROM tags WHERE run_id = @run AND key = @key", new { run, key }) == 0)
            {
                throw MlflowException.NotFound($"No tag with name: {key} in run with id {runId}");
            }
        }, cancellationToken);

    // The run's row is locked, so that two replicas appending at once both land in the history.
    public Task AppendLoggedModelAsync(string runId, string modelJson, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var key = await ActiveRunKeyAsync(connection, runId, lockRun: true);
            var existing = await connection.ExecuteScalarAsync<string?>(
                "SELECT value FROM tags WHERE run_id = @key AND key = @tag", new { key, tag = LoggedModelHistoryTag });
            await UpsertAsync(connection, "tags", "run_id", key, [new KeyValue(LoggedModelHistoryTag, AppendLoggedModel(existing, modelJson, runId))]);
        }, cancellationToken);

    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> inputs, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var key = await ActiveRunKeyAsync(connection, runId);
            var experimentId = await connection.ExecuteScalarAsync<long>("SELECT experiment_id FROM runs WHERE id = @key", new { key });
            foreach (var input in inputs)
            {
                var dataset = input.Dataset;
                // A dataset is stored once per experiment by (name, digest); later inputs, from any replica, link to it.
                await connection.ExecuteAsync(
                    """
                    INSERT INTO datasets (experiment_id, name, digest, dataset_source_type, dataset_source, dataset_schema, dataset_profile)
                    VALUES (@experimentId, @Name, @Digest, @SourceType, @Source, @Schema, @Profile) ON CONFLICT DO NOTHING
                    """,
                    new { experimentId, dataset.Name, dataset.Digest, dataset.SourceType, dataset.Source, dataset.Schema, dataset.Profile });
                var datasetId = await connection.ExecuteScalarAsync<long>(
                    "SELECT dataset_id FROM datasets WHERE experiment_id = @experimentId AND name = @Name AND digest = @Digest",
                    new { experimentId, dataset.Name, dataset.Digest });
                await connection.ExecuteAsync("INSERT INTO inputs (dataset_id, run_id) VALUES (@datasetId, @key) ON CONFLICT DO NOTHING", new { datasetId, key });
                foreach (var tag in input.Tags)
                {
                    await connection.ExecuteAsync(
                        "INSERT INTO input_tags (dataset_id, run_id, key, value) VALUES (@datasetId, @key, @Key, @Value) ON CONFLICT DO NOTHING",
                        new { datasetId, key, tag.Key, tag.Value });
                }
            }
        }, cancellationToken);

    /// <summary>
    /// Params are immutable across replicas: new keys are inserted (ON CONFLICT DO NOTHING, so a key logged at the
    /// same moment elsewhere is not an error), then every key is compared with what the database holds.
    /// </summary>
    private static async Task LogParamsAsync(NpgsqlConnection connection, long key, string runId, IReadOnlyList<KeyValue> parameters)
    {
        if (parameters.Count == 0)
        {
            return;
        }

        var rows = parameters.GroupBy(p => p.Key, StringComparer.Ordinal).Select(g => g.First()).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var keys = rows.Select(p => p.Key).ToArray();
        await connection.ExecuteAsync(
            """
            INSERT INTO params (run_id, key, value) SELECT @key, k, v FROM unnest(@keys, @values) AS t (k, v)
            ON CONFLICT (run_id, key) DO NOTHING
            """,
            new { key, keys, values = rows.Select(p => p.Value).ToArray() });
        var stored = (await connection.QueryAsync<(string Key, string Value)>(
            "SELECT key, value FROM params WHERE run_id = @key AND key = ANY(@keys)", new { key, keys }))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        CheckParams(runId, parameters, stored);
    }

    /// <summary>
    /// Every point in one multi-row insert from arrays (exact duplicates ignored), then one upsert of metric_steps
    /// (which steps each key has, <see cref="StepBlock"/>) and one of latest_metrics that keeps, per key, the point
    /// with the greatest (step, timestamp, value). Rows go in key order, so that two batches of one run lock alike
    /// rather than deadlock.
    /// </summary>
    private static async Task LogMetricsAsync(NpgsqlConnection connection, long run, IReadOnlyList<Metric> metrics, CancellationToken cancellationToken)
    {
        if (metrics.Count == 0)
        {
            return;
        }

        var sorted = metrics.OrderBy(m => m.Key, StringComparer.Ordinal).ThenBy(m => m.Timestamp).ThenBy(m => m.Step).ThenBy(m => StoredValue(m.Value)).ToList();
        await ExecuteMetricsAsync(connection, """
            INSERT INTO metrics (run_id, key, timestamp, step, value, is_nan)
            SELECT @run, * FROM unnest(@keys, @timestamps, @steps, @values, @nans)
            ON CONFLICT DO NOTHING
            """, run, sorted, cancellationToken);

        await UpsertStepsAsync(connection, run, sorted, cancellationToken);
        var latest = new Dictionary<string, Metric>(StringComparer.Ordinal);
        foreach (var metric in sorted)
        {
            if (!latest.TryGetValue(metric.Key, out var best) || IsLater(metric, best))
            {
                latest[metric.Key] = metric;
            }
        }

        await ExecuteMetricsAsync(connection, """
            INSERT INTO latest_metrics (run_id, key, timestamp, step, value, is_nan)
            SELECT @run, * FROM unnest(@keys, @timestamps, @steps, @values, @nans)
            ON CONFLICT (run_id, key) DO UPDATE SET value = excluded.value, timestamp = excluded.timestamp, step = excluded.step, is_nan = excluded.is_nan
            WHERE (excluded.step, excluded.timestamp, excluded.value) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.value)
            """, run, [.. latest.Values.OrderBy(m => m.Key, StringComparer.Ordinal)], cancellationToken);
    }

    /// <summary>A batch of consecutive steps touches a few blocks per key: a few rows per thousand points.</summary>
    private static async Task UpsertStepsAsync(NpgsqlConnection connection, long run, List<Metric> sorted, CancellationToken cancellationToken)
    {
        // Points are sorted by key, so the blocks go in (key, block) order too.
        var indices = Enumerable.Range(0, sorted.Count).ToArray();
        var blocks = new List<(string Key, StepBlock Block)>();
        var summary = new List<StepBlock>();
        for (var first = 0; first < sorted.Count;)
        {
            var end = first;
            while (end < sorted.Count && string.Equals(sorted[end].Key, sorted[first].Key, StringComparison.Ordinal))
            {
                end++;
            }

            summary.Clear();
            StepBlock.Summarize(sorted, indices.AsSpan(first, end - first), summary);
            blocks.AddRange(summary.Select(block => (sorted[first].Key, block)));
            first = end;
        }

        await using var command = new NpgsqlCommand("""
            INSERT INTO metric_steps (run_id, key, block, bits, min_time, max_time)
            SELECT @run, * FROM unnest(@keys, @blocks, @bits, @mins, @maxs)
            ON CONFLICT (run_id, key, block) DO UPDATE SET bits = metric_steps.bits | excluded.bits,
                min_time = least(metric_steps.min_time, excluded.min_time), max_time = greatest(metric_steps.max_time, excluded.max_time)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("run", NpgsqlDbType.Bigint) { TypedValue = run });
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. blocks.Select(b => b.Key)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("blocks", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. blocks.Select(b => b.Block.Block)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("bits", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. blocks.Select(b => (long)b.Block.Bits)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("mins", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. blocks.Select(b => b.Block.MinTime)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("maxs", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. blocks.Select(b => b.Block.MaxTime)] });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // Typed array parameters, bound directly: the ingest path skips Dapper's reflection.
    private static async Task ExecuteMetricsAsync(
        NpgsqlConnection connection, string sql, long run, List<Metric> metrics, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter<long>("run", NpgsqlDbType.Bigint) { TypedValue = run });
        command.Parameters.Add(new NpgsqlParameter<string[]>("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. metrics.Select(m => m.Key)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("timestamps", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. metrics.Select(m => m.Timestamp)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("steps", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. metrics.Select(m => m.Step)] });
        command.Parameters.Add(new NpgsqlParameter<double[]>("values", NpgsqlDbType.Array | NpgsqlDbType.Double)
        {
            TypedValue = [.. metrics.Select(m => StoredValue(m.Value))],
        });
        command.Parameters.Add(new NpgsqlParameter<int[]>("nans", NpgsqlDbType.Array | NpgsqlDbType.Integer)
        {
            TypedValue = [.. metrics.Select(m => double.IsNaN(m.Value) ? 1 : 0)],
        });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
