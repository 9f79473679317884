namespace MlTrack.Server.Search;

/// <summary>
/// registered-models/search <c>filter</c> and <c>order_by</c>, mirroring MLflow 2.12.2
/// <c>SearchModelUtils</c> and model_registry/sqlalchemy_store
/// <c>_get_search_registered_model_filter_query</c> / <c>_parse_search_registered_models_order_by</c>.
/// </summary>
internal static class RegisteredModelSearchSyntax
{
    private static readonly string[] SearchAttributeKeys = ["name"];

    // SearchUtils.VALID_ORDER_BY_KEYS_REGISTERED_MODELS; the message names only the recommended two.
    private static readonly string[] OrderByKeys = ["name", "timestamp", "last_updated_timestamp"];
    private static readonly string[] RecommendedOrderByKeys = ["name", "timestamp"];

    /// <summary>Filter on <c>name</c> and <c>tags.&lt;key&gt;</c> (= != LIKE ILIKE); blank means no clause.</summary>
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
    /// Keys <c>name</c>, <c>timestamp</c>, <c>last_updated_timestamp</c>. Both timestamp keys sort on the
    /// last update, so both come back as <c>last_updated_timestamp</c> (and count as one key for duplicates).
    /// </summary>
    /// <exception cref="FilterSyntaxException">With MLflow's message.</exception>
    public static IReadOnlyList<OrderByTerm> ParseOrderBy(IReadOnlyList<string>? orderBy)
    {
        var terms = new List<OrderByTerm>();
        foreach (var entry in orderBy ?? [])
        {
            var (identifier, ascending) = OrderByParser.Parse(entry);
            if (!OrderByKeys.Contains(identifier))
            {
                throw new FilterSyntaxException(
                    $"Invalid order by key '{identifier}' specified. Valid keys are '{SearchKeys.PySet(RecommendedOrderByKeys)}'");
            }

            var key = identifier == "name" ? "name" : "last_updated_timestamp";
            if (terms.Any(t => t.Key == key))
            {
                throw OrderByParser.Duplicate(orderBy!);
            }

            terms.Add(new OrderByTerm(EntityType.Attribute, key, ascending));
        }

        return terms;
    }

    private static TypedComparison ReadComparison(RawComparison comparison)
    {
        var (entity, key) = SearchKeys.ReadAttributeOrTag(
            comparison.LeftIdentifier(), SearchAttributeKeys, checkKeyBeforeUnquote: true);
        var value = RegistrySearchRules.ReadValue(entity, key, comparison.Right, numericAttributes: []);
        return new TypedComparison(entity, key, comparison.Comparator.ToUpperInvariant(), value);
    }

    private static FilterClause CheckComparator(TypedComparison comparison)
    {
        var (entity, key, comparator, value) = comparison;
        if (entity == EntityType.Tag)
        {
            RegistrySearchRules.CheckTagComparator(comparator);
        }
        else if (!SearchKeys.StringComparators.Contains(comparator))
        {
            throw new FilterSyntaxException($"Invalid comparator for attribute: {comparator}");
        }

        SearchKeys.RequireListMatchesComparator(comparator, value);
        return new FilterClause(entity, key, SearchKeys.ToOperator(comparator), value);
    }
}
