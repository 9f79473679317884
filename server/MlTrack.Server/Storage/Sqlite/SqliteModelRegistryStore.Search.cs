using Dapper;
using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;

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
        var where = query.Filter.Select(clause => clause.Entity == EntityType.Tag
            ? $"EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.model_id = m.id AND t.key = {sql.Bind(clause.Key)} AND "
              + $"{sql.Compare("t.value", clause.Operator, clause.Value)})"
            : sql.Compare(ModelColumn(clause.Key), clause.Operator, clause.Value)).ToList();

        var order = query.OrderBy.Select(t => $"{ModelColumn(t.Key)} {Direction(t)}").ToList();
        if (!query.OrderBy.Any(t => t.Key == "name"))
        {
            order.Add("m.name ASC");
        }

        var text = $"""
            SELECT {ModelColumns} FROM registered_models m
            {Where(where)}
            ORDER BY {string.Join(", ", order)}
            LIMIT {sql.Bind(query.MaxResults + 1)} OFFSET {sql.Bind(query.Offset)}
            """;
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var command = new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken);
        var rows = (await connection.QueryAsync<ModelRow>(command)).ToList();
        var models = LoadModels(connection, [.. rows.Take(query.MaxResults)]);
        return new Page<RegisteredModel>(models, NextToken(query.Offset, query.MaxResults, rows.Count));
    }

    public async Task<Page<ModelVersion>> SearchModelVersionsAsync(ModelVersionQuery query, CancellationToken cancellationToken)
    {
        var sql = new SqliteFilterSql();
        var where = new List<string> { $"v.current_stage <> {sql.Bind(DeletedStage)}" };
        where.AddRange(query.Filter.Select(clause => clause.Entity == EntityType.Tag
            ? "EXISTS (SELECT 1 FROM model_version_tags t WHERE t.model_id = v.model_id AND t.version = v.version AND "
              + $"t.key = {sql.Bind(clause.Key)} AND {sql.Compare("t.value", clause.Operator, clause.Value)})"
            : sql.Compare(VersionColumn(clause.Key), clause.Operator, clause.Value)));

        IReadOnlyList<OrderByTerm> terms = query.OrderBy.Count > 0
            ? query.OrderBy
            :
            [
                new(EntityType.Attribute, "last_updated_timestamp", false),
                new(EntityType.Attribute, "name", true),
                new(EntityType.Attribute, "version_number", false),
            ];
        var order = terms.Select(t => $"{VersionColumn(t.Key)} {Direction(t)}").ToList();
        if (!terms.Any(t => t.Key == "name"))
        {
            order.Add("m.name ASC");
        }

        if (!terms.Any(t => t.Key == "version_number"))
        {
            order.Add("v.version DESC");
        }

        var text = $"""
            SELECT {VersionColumns} {VersionFrom}
            {Where(where)}
            ORDER BY {string.Join(", ", order)}
            LIMIT {sql.Bind(query.MaxResults + 1)} OFFSET {sql.Bind(query.Offset)}
            """;
        await using var connection = await _db.OpenReaderAsync(cancellationToken);
        var command = new CommandDefinition(text, sql.Parameters, cancellationToken: cancellationToken);
        var rows = (await connection.QueryAsync<VersionRow>(command)).ToList();
        var versions = LoadVersions(connection, [.. rows.Take(query.MaxResults)]);
        return new Page<ModelVersion>(versions, NextToken(query.Offset, query.MaxResults, rows.Count));
    }

    private static string? NextToken(int offset, int maxResults, int rowsRead) =>
        rowsRead > maxResults ? PageToken.Encode(offset + maxResults) : null;

    private static string Where(List<string> clauses) => clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses);

    private static string Direction(OrderByTerm term) => term.Ascending ? "ASC" : "DESC";

    private static string ModelColumn(string key) => key switch
    {
        "name" => "m.name",
        "last_updated_timestamp" => "m.last_updated_time",
        _ => throw MlflowException.InvalidParameter($"Invalid attribute name: {key}"),
    };

    private static string VersionColumn(string key) => key switch
    {
        "name" => "m.name",
        "version_number" => "v.version",
        "run_id" => "v.run_id",
        "source_path" => "v.source",
        "creation_timestamp" => "v.creation_time",
        "last_updated_timestamp" => "v.last_updated_time",
        _ => throw MlflowException.InvalidParameter($"Invalid attribute name: {key}"),
    };
}
