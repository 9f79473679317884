using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using Npgsql;

using static MlTrack.Server.Storage.RegistryErrors;

namespace MlTrack.Server.Storage.Postgres;

/// <summary>
/// The model registry on PostgreSQL, in the same database as the tracking data and safe for several replicas: each
/// write is one transaction; a model's row is locked (FOR UPDATE) where its versions are numbered or re-staged, and
/// the unique name constraint settles concurrent creates and renames. Split into partial files; the entity
/// loading is in the .Loading part.
/// </summary>
internal sealed partial class PostgresModelRegistryStore : IModelRegistryStore
{
    private const string DeletedStage = ModelVersionStages.DeletedInternal;

    private readonly PostgresDatabase _db;
    private readonly TimeProvider _time;

    public PostgresModelRegistryStore(PostgresDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The key of a registered model, or RESOURCE_DOES_NOT_EXIST; <paramref name="lockModel"/> holds its row until the commit.</summary>
    private static async Task<long> ModelKeyAsync(NpgsqlConnection connection, string name, bool lockModel = false) =>
        await connection.ExecuteScalarAsync<long?>(
            $"SELECT id FROM registered_models WHERE name = @name{(lockModel ? " FOR UPDATE" : "")}", new { name }) ?? throw ModelNotFound(name);

    /// <summary>The model key of a version that exists and is not deleted; an unknown model gives the version's message, as in MLflow.</summary>
    private static async Task<long> LiveVersionModelKeyAsync(NpgsqlConnection connection, string name, long version) =>
        await connection.ExecuteScalarAsync<long?>(
            """
            SELECT v.model_id FROM model_versions v JOIN registered_models m ON m.id = v.model_id
            WHERE m.name = @name AND v.version = @version AND v.current_stage <> @deleted
            FOR UPDATE OF v
            """,
            new { name, version, deleted = DeletedStage }) ?? throw VersionNotFound(name, version);

    private static Task<int> TouchModelAsync(NpgsqlConnection connection, long modelId, long now) =>
        connection.ExecuteAsync("UPDATE registered_models SET last_updated_time = @now WHERE id = @modelId", new { now, modelId });

    /// <summary>Upserts (owner key..., key) = value rows, one per key, the last value of a repeated key winning.</summary>
    private static Task UpsertTagsAsync(NpgsqlConnection connection, string table, string owner, object ownerKeys, IEnumerable<KeyValue> tags)
    {
        var rows = tags.GroupBy(t => t.Key, StringComparer.Ordinal).Select(g => g.Last()).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        if (rows.Count == 0)
        {
            return Task.CompletedTask;
        }

        var parameters = new DynamicParameters(ownerKeys);
        parameters.Add("keys", rows.Select(r => r.Key).ToArray());
        parameters.Add("values", rows.Select(r => r.Value).ToArray());
        var ownerValues = string.Join(", ", owner.Split(", ").Select(c => "@" + c));
        return connection.ExecuteAsync(
            $"""
            INSERT INTO {table} ({owner}, key, value) SELECT {ownerValues}, k, v FROM unnest(@keys, @values) AS t (k, v)
            ON CONFLICT ({owner}, key) DO UPDATE SET value = excluded.value
            """,
            parameters);
    }

    public async Task<RegisteredModel> CreateRegisteredModelAsync(
        string name, IReadOnlyList<KeyValue> tags, string? description, CancellationToken cancellationToken)
    {
        try
        {
            return await _db.WriteAsync(async connection =>
            {
                if (await connection.ExecuteScalarAsync<long?>("SELECT id FROM registered_models WHERE name = @name", new { name }) is not null)
                {
                    throw ModelExists(name);
                }

                var now = Now;
                var modelId = await connection.ExecuteScalarAsync<long>(
                    """
                    INSERT INTO registered_models (name, creation_time, last_updated_time, description)
                    VALUES (@name, @now, @now, @description) RETURNING id
                    """,
                    new { name, now, description });
                await UpsertTagsAsync(connection, "registered_model_tags", "model_id", new { model_id = modelId }, tags);
                return await ReadModelAsync(connection, modelId);
            }, cancellationToken);
        }
        catch (PostgresException e) when (PostgresDatabase.IsUniqueViolation(e))
        {
            throw ModelExists(name);
        }
    }

    public async Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ModelRow>(new CommandDefinition(
            $"SELECT {StoreColumns.Model} FROM registered_models m WHERE m.name = @name", new { name }, cancellationToken: cancellationToken))).ToList();
        return rows.Count == 0 ? throw ModelNotFound(name) : (await LoadModelsAsync(connection, rows))[0];
    }

    public async Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, CancellationToken cancellationToken)
    {
        try
        {
            return await _db.WriteAsync(async connection =>
            {
                var modelId = await ModelKeyAsync(connection, name, lockModel: true);
                if (await connection.ExecuteScalarAsync<long?>(
                        "SELECT id FROM registered_models WHERE name = @newName AND id <> @modelId", new { newName, modelId }) is not null)
                {
                    throw ModelExists(newName);
                }

                // Versions (deleted ones too) follow the model through its key; MLflow touches each of them.
                var now = Now;
                await connection.ExecuteAsync(
                    "UPDATE registered_models SET name = @newName, last_updated_time = @now WHERE id = @modelId", new { newName, now, modelId });
                await connection.ExecuteAsync("UPDATE model_versions SET last_updated_time = @now WHERE model_id = @modelId", new { now, modelId });
                return await ReadModelAsync(connection, modelId);
            }, cancellationToken);
        }
        catch (PostgresException e) when (PostgresDatabase.IsUniqueViolation(e))
        {
            throw ModelExists(newName);
        }
    }

    public Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await ModelKeyAsync(connection, name);
            await connection.ExecuteAsync(
                "UPDATE registered_models SET description = @description, last_updated_time = @now WHERE id = @modelId",
                new { description, now = Now, modelId });
            return await ReadModelAsync(connection, modelId);
        }, cancellationToken);

    // The foreign keys cascade to versions, tags, version tags and aliases.
    public Task DeleteRegisteredModelAsync(string name, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
            await connection.ExecuteAsync("DELETE FROM registered_models WHERE id = @modelId", new { modelId = await ModelKeyAsync(connection, name, lockModel: true) }),
            cancellationToken);

    public async Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string> stages, CancellationToken cancellationToken)
    {
        var model = await GetRegisteredModelAsync(name, cancellationToken);
        var wanted = stages.Count == 0 ? ModelVersionStages.All : stages;
        return [.. model.LatestVersions.Where(v => wanted.Contains(v.CurrentStage))];
    }

    public Task SetRegisteredModelTagAsync(string name, KeyValue tag, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection => await UpsertTagsAsync(
            connection, "registered_model_tags", "model_id", new { model_id = await ModelKeyAsync(connection, name) }, [tag]), cancellationToken);

    public Task DeleteRegisteredModelTagAsync(string name, string key, CancellationToken cancellationToken) =>
        _db.WriteAsync(async connection =>
        {
            var modelId = await ModelKeyAsync(connection, name);
            await connection.ExecuteAsync("DELETE FROM registered_model_tags WHERE model_id = @modelId AND key = @key", new { modelId, key });
        }, cancellationToken);

    public async Task<Page<RegisteredModel>> SearchRegisteredModelsAsync(RegisteredModelQuery query, CancellationToken cancellationToken)
    {
        var sql = new PostgresFilterSql();
        var text = SearchSql.RegisteredModels(sql, query);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<ModelRow>(new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken))).ToList();
        var models = await LoadModelsAsync(connection, [.. rows.Take(query.MaxResults)]);
        return new Page<RegisteredModel>(models, SearchSql.NextToken(query.Offset, query.MaxResults, rows.Count));
    }

    public async Task<Page<ModelVersion>> SearchModelVersionsAsync(ModelVersionQuery query, CancellationToken cancellationToken)
    {
        var sql = new PostgresFilterSql();
        var text = SearchSql.ModelVersions(sql, query);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var rows = (await connection.QueryAsync<VersionRow>(new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken))).ToList();
        var versions = await LoadVersionsAsync(connection, [.. rows.Take(query.MaxResults)]);
        return new Page<ModelVersion>(versions, SearchSql.NextToken(query.Offset, query.MaxResults, rows.Count));
    }
}
