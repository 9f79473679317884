using Dapper;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// registered-models/search and model-versions/search (model_registry/sqlalchemy_store.py). Filter values are
/// bound parameters; a tag clause matches when the row has that tag with a matching value. Each page asks for
/// one row more than it returns, so a token is handed out only when another page exists.
/// </summary>
internal sealed partial class SqliteModelRegistryStore
{
    public async Task<Page<RegisteredModel>> SearchRegisteredModelsAsync(RegisteredModelQuery query, CancellationToken cancellationToken)
    {
        var sql = new SqliteFilterSql();
        var text = SearchSql.RegisteredModels(sql, query);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var command = new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken);
        var rows = (await connection.QueryAsync<ModelRow>(command)).ToList();
        var models = LoadModels(connection, [.. rows.Take(query.MaxResults)]);
        return new Page<RegisteredModel>(models, SearchSql.NextToken(query.Offset, query.MaxResults, rows.Count));
    }

    public async Task<Page<ModelVersion>> SearchModelVersionsAsync(ModelVersionQuery query, CancellationToken cancellationToken)
    {
        var sql = new SqliteFilterSql();
        var text = SearchSql.ModelVersions(sql, query);
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var command = new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken);
        var rows = (await connection.QueryAsync<VersionRow>(command)).ToList();
        var versions = LoadVersions(connection, [.. rows.Take(query.MaxResults)]);
        return new Page<ModelVersion>(versions, SearchSql.NextToken(query.Offset, query.MaxResults, rows.Count));
    }
}
