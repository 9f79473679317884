using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;

using static MlTrack.Server.Storage.RegistryErrors;

namespace MlTrack.Server.Storage.Sqlite;

internal sealed partial class SqliteModelRegistryStore
{
    public Task SetRegisteredModelAliasAsync(string name, string alias, long version, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = LiveVersionModelKey(connection, name, version);
            connection.Execute(
                "INSERT OR REPLACE INTO registered_model_aliases (model_id, alias, version) VALUES (@modelId, @alias, @version)",
                new { modelId, alias, version });
        }, cancellationToken);

    public Task DeleteRegisteredModelAliasAsync(string name, string alias, CancellationToken cancellationToken) =>
        _db.Writer.ExecuteAsync(connection =>
        {
            var modelId = ModelKey(connection, name);
            connection.Execute("DELETE FROM registered_model_aliases WHERE model_id = @modelId AND alias = @alias", new { modelId, alias });
        }, cancellationToken);

    public async Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken)
    {
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var target = await connection.QuerySingleOrDefaultAsync<(long ModelId, long Version)?>(new CommandDefinition(
            """
            SELECT a.model_id, a.version FROM registered_model_aliases a JOIN registered_models m ON m.id = a.model_id
            WHERE m.name = @name AND a.alias = @alias
            """,
            new { name, alias },
            cancellationToken: cancellationToken))
            ?? throw MlflowException.InvalidParameter($"Registered model alias {alias} not found.");
        return ReadVersion(connection, target.ModelId, target.Version) ?? throw VersionNotFound(name, target.Version);
    }
}
