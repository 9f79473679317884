using System.Globalization;
using Dapper;
using MlTrack.Server.Domain;
using Npgsql;

namespace MlTrack.Server.Storage.Postgres;

/// <summary>
/// Rows to entities: a model with its tags, aliases and latest version per stage; a version with its tags and
/// aliases. Each list is loaded with one query per table for the whole page, keys bound as arrays.
/// </summary>
internal sealed partial class PostgresModelRegistryStore
{
    private static async Task<RegisteredModel> ReadModelAsync(NpgsqlConnection connection, long modelId) =>
        (await LoadModelsAsync(connection, [.. await connection.QueryAsync<ModelRow>(
            $"SELECT {StoreColumns.Model} FROM registered_models m WHERE m.id = @modelId", new { modelId })])).Single();

    /// <summary>A version that is not deleted, or null.</summary>
    private static async Task<ModelVersion?> ReadVersionAsync(NpgsqlConnection connection, long modelId, long version)
    {
        var rows = (await connection.QueryAsync<VersionRow>(
            $"SELECT {StoreColumns.Version} {StoreColumns.VersionFrom} WHERE v.model_id = @modelId AND v.version = @version AND v.current_stage <> @deleted",
            new { modelId, version, deleted = DeletedStage })).ToList();
        return rows.Count == 0 ? null : (await LoadVersionsAsync(connection, rows))[0];
    }

    private static async Task<List<RegisteredModel>> LoadModelsAsync(NpgsqlConnection connection, List<ModelRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(r => r.Id).ToArray();
        var tags = (await connection.QueryAsync<(long ModelId, string Key, string Value)>(
            "SELECT model_id, key, value FROM registered_model_tags WHERE model_id = ANY(@ids) ORDER BY key",
            new { ids })).ToLookup(t => t.ModelId, t => new KeyValue(t.Key, t.Value));
        var aliases = (await connection.QueryAsync<(long ModelId, string Alias, long Version)>(
            "SELECT model_id, alias, version FROM registered_model_aliases WHERE model_id = ANY(@ids) ORDER BY alias",
            new { ids })).ToLookup(a => a.ModelId, a => new RegisteredModelAlias(a.Alias, a.Version.ToString(CultureInfo.InvariantCulture)));

        // The newest version of each stage, stages in the order of their oldest version (as MLflow's dict of stages).
        var latestRows = (await connection.QueryAsync<VersionRow>(
            $"""
            SELECT {StoreColumns.Version} {StoreColumns.VersionFrom}
            JOIN (SELECT model_id, max(version) AS latest, min(version) AS first FROM model_versions
                  WHERE model_id = ANY(@ids) AND current_stage <> @deleted
                  GROUP BY model_id, current_stage) l ON l.model_id = v.model_id AND l.latest = v.version
            ORDER BY v.model_id, l.first
            """,
            new { ids, deleted = DeletedStage })).ToList();
        var latest = (await LoadVersionsAsync(connection, latestRows)).Zip(latestRows).ToLookup(p => p.Second.ModelId, p => p.First);
        return [.. rows.Select(r => r.ToModel(latest, tags, aliases))];
    }

    private static async Task<List<ModelVersion>> LoadVersionsAsync(NpgsqlConnection connection, List<VersionRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var keys = new { models = rows.Select(r => r.ModelId).ToArray(), versions = rows.Select(r => r.Version).ToArray() };
        const string ForKeys = "(model_id, version) IN (SELECT * FROM unnest(@models, @versions))";
        var tags = (await connection.QueryAsync<(long ModelId, long Version, string Key, string Value)>(
            $"SELECT model_id, version, key, value FROM model_version_tags WHERE {ForKeys} ORDER BY key", keys))
            .ToLookup(t => (t.ModelId, t.Version), t => new KeyValue(t.Key, t.Value));
        var aliases = (await connection.QueryAsync<(long ModelId, long Version, string Alias)>(
            $"SELECT model_id, version, alias FROM registered_model_aliases WHERE {ForKeys} ORDER BY alias", keys))
            .ToLookup(a => (a.ModelId, a.Version), a => a.Alias);
        return [.. rows.Select(r => r.ToVersion(tags, aliases))];
    }
}
