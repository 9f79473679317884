namespace MlTrack.Server.Search;

/// <summary>
/// experiments/search <c>filter</c> and <c>order_by</c>, mirroring MLflow 2.12.2
/// <c>SearchExperimentsUtils</c> and sqlalchemy_store <c>_get_search_experiments_filter_clauses</c> /
/// <c>_get_search_experiments_order_by_clauses</c>.
/// </summary>
internal static class ExperimentSearchSyntax
{
    private static readonly string[] SearchAttributeKeys = ["name", "creation_time", "last_update_time"];
    private static readonly string[] OrderByAttributeKeys = ["name", "experiment_id", "creation_time", "last_update_time"];
    private static readonly string[] NumericAttributes = ["creation_time", "last_update_time"];

    /// <summary>Parses and validates an experiments filter; blank means no clause.</summary>
    /// <exception cref="FilterSyntaxException">With MLflow's message.</exception>
    public static IReadOnlyList<FilterClause> ParseFilter(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return [];
        }

        var typed = FilterParser.Parse(filter, quoteInvalidClauses: false).Select(ReadComparison).ToList();
        return typed.Select(CheckComparator).ToList();
    }

    /// <summary>
    /// Order keys name, experiment_id, creation_time, last_update_time. MLflow accepts a repeated key
    /// here (it is harmless in SQL), so this does too.
    /// </summary>
    /// <exception cref="FilterSyntaxException">With MLflow's message.</exception>
    public static IReadOnlyList<OrderByTerm> ParseOrderBy(IReadOnlyList<string>? orderBy)
    {
        var terms = new List<OrderByTerm>();
        foreach (var entry in orderBy ?? [])
        {
            var (identifier, ascending) = OrderByParser.Parse(entry);
            var (entity, key) = SearchKeys.ReadAttributeOrTag(identifier, OrderByAttributeKeys);
            if (entity != EntityType.Attribute)
            {
                throw new FilterSyntaxException("Invalid order_by entity: tag");
            }

            terms.Add(new OrderByTerm(entity, key, ascending));
        }

        return terms;
    }

    private static TypedComparison ReadComparison(RawComparison comparison)
    {
        var (entity, key) = SearchKeys.ReadAttributeOrTag(comparison.LeftIdentifier(), SearchAttributeKeys);
        var value = ReadValue(entity, key, comparison.Right);
        return new TypedComparison(entity, key, comparison.Comparator.ToUpperInvariant(), value);
    }

    /// <summary>SearchUtils._get_value with the experiment numeric attributes.</summary>
    private static FilterValue ReadValue(EntityType entity, string key, SearchToken token)
    {
        if (entity == EntityType.Tag)
        {
            return SearchValues.IsQuotedStringToken(token)
                ? SearchValues.QuotedString(token)
                : throw new FilterSyntaxException(
                    $"Expected a quoted string value for tag (e.g. 'my-value'). Got value {token.Text}");
        }

        if (NumericAttributes.Contains(key))
        {
            return token.Kind == SearchTokenKind.Number
                ? SearchValues.Number(token)
                : throw new FilterSyntaxException(
                    $"Expected numeric value type for numeric attribute: {key}. Found {token.Text}");
        }

        if (SearchValues.IsQuotedStringToken(token))
        {
            return SearchValues.QuotedString(token);
        }

        throw new FilterSyntaxException(token.Kind == SearchTokenKind.Group
            ? "Only the 'run_id' attribute supports comparison with a list of quoted string values."
            : $"Expected a quoted string value for attributes. Got value {token.Text}");
    }

    /// <summary>
    /// The store's checks. MLflow compares the comparator as typed here, so a lower-case
    /// <c>like</c> fails there; keywords are case-insensitive everywhere else, so we accept it.
    /// </summary>
    private static FilterClause CheckComparator(TypedComparison comparison)
    {
        var (entity, key, comparator, value) = comparison;
        if (entity == EntityType.Tag)
        {
            if (!SearchKeys.StringComparators.Contains(comparator))
            {
                throw new FilterSyntaxException($"Invalid comparator for tag: {comparator}");
            }
        }
        else
        {
            var allowed = NumericAttributes.Contains(key) ? SearchKeys.NumericComparators : SearchKeys.StringComparators;
            if (!allowed.Contains(comparator))
            {
                throw new FilterSyntaxException($"Invalid comparator '{comparator}' not one of '{SearchKeys.PySet(allowed)}'");
            }
        }

        SearchKeys.RequireListMatchesComparator(comparator, value);
        return new FilterClause(entity, key, SearchKeys.ToOperator(comparator), value);
    }
}
