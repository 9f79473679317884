using MlTrack.Server.Domain;
using MlTrack.Server.Errors;
using MlTrack.Server.Search;

namespace MlTrack.Server.Storage;

/// <summary>
/// experiments/search, registered-models/search and model-versions/search as SQL for any dialect. Each page asks
/// for one row more than it returns, so that a token is handed out only when another page exists.
/// </summary>
internal static class SearchSql
{
    public static string Experiments(FilterSql sql, ExperimentQuery query)
    {
        var where = new List<string>
        {
            query.ViewType switch
            {
                ViewType.ACTIVE_ONLY => "e.lifecycle_stage = 'active'",
                ViewType.DELETED_ONLY => "e.lifecycle_stage = 'deleted'",
                _ => "1 = 1",
            },
        };
        where.AddRange(query.Filter.Select(clause => clause.Entity == EntityType.Tag
            ? $"EXISTS (SELECT 1 FROM experiment_tags t WHERE t.experiment_id = e.experiment_id AND t.key = {sql.Bind(clause.Key)} AND "
              + $"{sql.Compare("t.value", clause.Operator, clause.Value)})"
            : sql.Compare(ExperimentColumn(clause.Key), clause.Operator, clause.Value)));
        if (query.Readable is { } readable)
        {
            // Experiment ids are integers: a grant on anything else names no experiment.
            where.Add(Readable(readable, sql.InList("e.experiment_id", RunSearchSql.ExperimentKeys(readable.Exceptions))));
        }

        var order = query.OrderBy.Select(t => $"{ExperimentColumn(t.Key)} {Direction(t)}").ToList();
        if (order.Count == 0)
        {
            order.Add("e.creation_time DESC");
        }

        if (!query.OrderBy.Any(t => t.Key == "experiment_id"))
        {
            order.Add("e.experiment_id ASC");
        }

        return $"""
            SELECT {StoreColumns.Experiment} FROM experiments e
            WHERE {string.Join(" AND ", where)}
            ORDER BY {string.Join(", ", order)}
            LIMIT {sql.Bind(query.MaxResults + 1)} OFFSET {sql.Bind(query.Offset)}
            """;
    }

    public static string RegisteredModels(FilterSql sql, RegisteredModelQuery query)
    {
        var where = query.Filter.Select(clause => clause.Entity == EntityType.Tag
            ? $"EXISTS (SELECT 1 FROM registered_model_tags t WHERE t.model_id = m.id AND t.key = {sql.Bind(clause.Key)} AND "
              + $"{sql.Compare("t.value", clause.Operator, clause.Value)})"
            : sql.Compare(ModelColumn(clause.Key), clause.Operator, clause.Value)).ToList();
        if (query.Readable is { } readable)
        {
            where.Add(Readable(readable, sql.InList("m.name", readable.Exceptions)));
        }

        var order = query.OrderBy.Select(t => $"{ModelColumn(t.Key)} {Direction(t)}").ToList();
        if (!query.OrderBy.Any(t => t.Key == "name"))
        {
            order.Add("m.name ASC");
        }

        return $"""
            SELECT {StoreColumns.Model} FROM registered_models m
            {Where(where)}
            ORDER BY {string.Join(", ", order)}
            LIMIT {sql.Bind(query.MaxResults + 1)} OFFSET {sql.Bind(query.Offset)}
            """;
    }

    public static string ModelVersions(FilterSql sql, ModelVersionQuery query)
    {
        var where = new List<string> { $"v.current_stage <> {sql.Bind(ModelVersionStages.DeletedInternal)}" };
        where.AddRange(query.Filter.Select(clause => clause.Entity == EntityType.Tag
            ? "EXISTS (SELECT 1 FROM model_version_tags t WHERE t.model_id = v.model_id AND t.version = v.version AND "
              + $"t.key = {sql.Bind(clause.Key)} AND {sql.Compare("t.value", clause.Operator, clause.Value)})"
            : sql.Compare(VersionColumn(clause.Key), clause.Operator, clause.Value)));
        if (query.Readable is { } readable)
        {
            where.Add(Readable(readable, sql.InList("m.name", readable.Exceptions)));
        }

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

        return $"""
            SELECT {StoreColumns.Version} {StoreColumns.VersionFrom}
            {Where(where)}
            ORDER BY {string.Join(", ", order)}
            LIMIT {sql.Bind(query.MaxResults + 1)} OFFSET {sql.Bind(query.Offset)}
            """;
    }

    /// <summary>The token of the page after one that read <paramref name="rowsRead"/> rows (one more than asked when more exist).</summary>
    public static string? NextToken(int offset, int maxResults, int rowsRead) =>
        rowsRead > maxResults ? PageToken.Encode(offset + maxResults) : null;

    // Only what the caller may read (see ReadScope): the listed keys, or all but them.
    private static string Readable(ReadScope scope, string listed) => scope.ByDefault ? $"NOT ({listed})" : listed;

    private static string Where(List<string> clauses) => clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses);

    private static string Direction(OrderByTerm term) => term.Ascending ? "ASC" : "DESC";

    private static string ExperimentColumn(string key) => key switch
    {
        "name" => "e.name",
        "experiment_id" => "e.experiment_id",
        "creation_time" => "e.creation_time",
        "last_update_time" => "e.last_update_time",
        _ => throw MlflowException.InvalidParameter($"Invalid attribute key '{key}' specified."),
    };

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
