using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// Rows to entities: a model with its tags, aliases and latest version per stage; a version with its tags and
/// aliases. Each list is loaded with one query per table for the whole page. These run synchronously so that the
/// writer can read its answer inside its transaction (Microsoft.Data.Sqlite runs its async calls synchronously anyway).
/// </summary>
internal sealed partial class SqliteModelRegistryStore
{
    private const string ModelColumns = StoreColumns.Model;

    private const string VersionColumns = StoreColumns.Version;

    private const string VersionFrom = StoreColumns.VersionFrom;

    private static RegisteredModel ReadModel(SqliteConnection connection, long modelId) =>
        LoadModels(connection, connection.Query<ModelRow>($"SELECT {ModelColumns} FROM registered_models m WHERE m.id = @modelId", new { modelId })
            .ToList()).Single();

    /// <summary>A version that is not deleted, or null.</summary>
    private static ModelVersion? ReadVersion(SqliteConnection connection, long modelId, long version)
    {
        var rows = connection.Query<VersionRow>(
            $"SELECT {VersionColumns} {VersionFrom} WHERE v.model_id = @modelId AND v.version = @version AND v.current_stage <> @deleted",
            new { modelId, version, deleted = DeletedStage }).ToList();
        return rows.Count == 0 ? null : LoadVersions(connection, rows)[0];
    }

    private static List<RegisteredModel> LoadModels(SqliteConnection connection, List<ModelRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = JsonSerializer.Serialize(rows.Select(r => r.Id));
        var tags = connection.Query<(long ModelId, string Key, string Value)>(
            "SELECT model_id, key, value FROM registered_model_tags WHERE model_id IN (SELECT value FROM json_each(@ids)) ORDER BY key",
            new { ids }).ToLookup(t => t.ModelId, t => new KeyValue(t.Key, t.Value));
        var aliases = connection.Query<(long ModelId, string Alias, long Version)>(
            "SELECT model_id, alias, version FROM registered_model_aliases WHERE model_id IN (SELECT value FROM json_each(@ids)) ORDER BY alias",
            new { ids }).ToLookup(a => a.ModelId, a => new RegisteredModelAlias(a.Alias, FormatVersion(a.Version)));

        // The newest version of each stage, stages in the order of their oldest version (MLflow builds a dict
        // while walking the versions in order, so a stage keeps the place where it first appeared).
        var latestRows = connection.Query<VersionRow>(
            $"""
            SELECT {VersionColumns} {VersionFrom}
            JOIN (SELECT model_id, max(version) AS latest, min(version) AS first FROM model_versions
                  WHERE model_id IN (SELECT value FROM json_each(@ids)) AND current_stage <> @deleted
                  GROUP BY model_id, current_stage) l ON l.model_id = v.model_id AND l.latest = v.version
            ORDER BY v.model_id, l.first
            """,
            new { ids, deleted = DeletedStage }).ToList();
        var latest = LoadVersions(connection, latestRows).Zip(latestRows).ToLookup(p => p.Second.ModelId, p => p.First);

        return [.. rows.Select(r => r.ToModel(latest, tags, aliases))];
    }

    private static List<ModelVersion> LoadVersions(SqliteConnection connection, List<VersionRow> rows)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var keys = JsonSerializer.Serialize(rows.Select(r => new[] { r.ModelId, r.Version }));
        const string ForKeys = "(model_id, version) IN (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(@keys))";
        var tags = connection.Query<(long ModelId, long Version, string Key, string Value)>(
            $"SELECT model_id, version, key, value FROM model_version_tags WHERE {ForKeys} ORDER BY key", new { keys })
            .ToLookup(t => (t.ModelId, t.Version), t => new KeyValue(t.Key, t.Value));
        var aliases = connection.Query<(long ModelId, long Version, string Alias)>(
            $"SELECT model_id, version, alias FROM registered_model_aliases WHERE {ForKeys} ORDER BY alias", new { keys })
            .ToLookup(a => (a.ModelId, a.Version), a => a.Alias);

        return [.. rows.Select(r => r.ToVersion(tags, aliases))];
    }

    private static string FormatVersion(long version) => version.ToString(CultureInfo.InvariantCulture);

}
