using Dapper;
using Microsoft.Data.Sqlite;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

using static MlTrack.Server.Storage.RegistryErrors;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// The model registry on SQLite, in the same database as the tracking data. Every write goes through the
/// database's single writer, where the existence checks and the change run in one transaction and the answer is
/// read back inside it. Reads use pooled connections. Split by area into partial files; the entity loading
/// shared by all of them is in the .Loading part.
/// </summary>
internal sealed partial class SqliteModelRegistryStore : IModelRegistryStore
{
    private const string DeletedStage = ModelVersionStages.DeletedInternal;

    private readonly SqliteDatabase _db;
    private readonly TimeProvider _time;

    public SqliteModelRegistryStore(SqliteDatabase db, TimeProvider time)
    {
        _db = db;
        _time = time;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The key of a registered model, or RESOURCE_DOES_NOT_EXIST.</summary>
    private static long ModelKey(SqliteConnection connection, string name) =>
        connection.ExecuteScalar<long?>("SELECT id FROM registered_models WHERE name = @name", new { name }) ?? throw ModelNotFound(name);

    /// <summary>
    /// The model key of a version that exists and is not deleted. An unknown model gives the version's message,
    /// as MLflow looks the version up by name and number alone.
    /// </summary>
    private static long LiveVersionModelKey(SqliteConnection connection, string name, long version) =>
        connection.ExecuteScalar<long?>(
            """
            SELECT v.model_id FROM model_versions v JOIN registered_models m ON m.id = v.model_id
            WHERE m.name = @name AND v.version = @version AND v.current_stage <> @deleted
            """,
            new { name, version, deleted = DeletedStage }) ?? throw VersionNotFound(name, version);

    private static void TouchModel(SqliteConnection connection, long modelId, long now) =>
        connection.Execute("UPDATE registered_models SET last_updated_time = @now WHERE id = @modelId", new { now, modelId });

    /// <summary>Tags as MLflow stores a request's list: one row per key, the last value of a repeated key winning.</summary>
    private static IEnumerable<KeyValue> DistinctTags(IReadOnlyList<KeyValue> tags) => tags.GroupBy(t => t.Key).Select(g => g.Last());
}
