using System.Globalization;

namespace MlTrack.Server.Search;

/// <summary>
/// model-versions/search <c>filter</c> and <c>order_by</c>, mirroring MLflow 2.12.2
/// <c>SearchModelVersionUtils</c> and model_registry/sqlalchemy_store
/// <c>_get_search_model_versions_filter_clauses</c> / <c>_parse_search_model_versions_order_by</c>.
/// </summary>
internal static class ModelVersionSearchSyntax
{
    private static readonly string[] SearchAttributeKeys = ["name", "version_number", "run_id", "source_path"];
    private static readonly string[] OrderByAttributeKeys = ["name", "version_number", "creation_timestamp", "last_updated_timestamp"];

    // SearchModelVersionUtils.VALID_STRING_ATTRIBUTE_COMPARATORS: IN (run_id only), but no NOT IN.
    private static readonly string[] StringAttributeComparators = ["!=", "=", "LIKE", "ILIKE", "IN"];

    /// <summary>
    /// Filter on name, version_number (numeric), run_id (also IN), source_path and tags.&lt;key&gt;;
    /// blank means no clause.
    /// </summary>
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

    /// <summary>Keys name, version_number, creation_timestamp, last_updated_timestamp; a repeated key is an error.</summary>
    /// <exception cref="FilterSyntaxException">With MLflow's message.</exception>
    public static IReadOnlyList<OrderByTerm> ParseOrderBy(IReadOnlyList<string>? orderBy)
    {
        var terms = new List<OrderByTerm>();
        foreach (var entry in orderBy ?? [])
        {
            var (identifier, ascending) = OrderByParser.Parse(entry);
            var (entity, key) = SearchKeys.ReadAttributeOrTag(identifier, OrderByAttributeKeys);

            // MLflow parses tags.<key> here and then orders by the attribute of that name (or fails);
            // refuse it plainly, as experiments do.
            if (entity != EntityType.Attribute)
            {
                throw new FilterSyntaxException("Invalid order_by entity: tag");
            }

            if (terms.Any(t => t.Key == key))
            {
                throw OrderByParser.Duplicate(orderBy!);
            }

            terms.Add(new OrderByTerm(entity, key, ascending));
        }

        return terms;
    }

    private static TypedComparison ReadComparison(RawComparison comparison)
    {
        var (entity, key) = SearchKeys.ReadAttributeOrTag(
            comparison.LeftIdentifier(), SearchAttributeKeys, checkKeyBeforeUnquote: true);
        var value = RegistrySearchRules.ReadValue(
            entity, key, comparison.Right, RegistrySearchRules.ModelVersionNumericAttributes);

        // MLflow lets "version_number = '3'" through and SQLite compares it as a number; keep that,
        // but refuse a non-numeric string rather than silently matching nothing.
        if (entity == EntityType.Attribute && key == "version_number" && value is StringValue text)
        {
            value = double.TryParse(text.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                ? new NumberValue(number)
                : throw new FilterSyntaxException(
                    $"Expected numeric value type for numeric attribute: version_number. Found {comparison.Right.Text}");
        }

        return new TypedComparison(entity, key, comparison.Comparator.ToUpperInvariant(), value);
    }

    private static FilterClause CheckComparator(TypedComparison comparison)
    {
        var (entity, key, comparator, value) = comparison;
        if (entity == EntityType.Tag)
        {
            RegistrySearchRules.CheckTagComparator(comparator);
        }
        else if (key == "version_number")
        {
            if (!SearchKeys.NumericComparators.Contains(comparator))
            {
                throw new FilterSyntaxException($"Invalid comparator for attribute {key}: {comparator}");
            }
        }
        else if (!StringAttributeComparators.Contains(comparator) || (comparator == "IN" && key != "run_id"))
        {
            throw new FilterSyntaxException($"Invalid comparator for attribute: {comparator}");
        }

        SearchKeys.RequireListMatchesComparator(comparator, value);
        return new FilterClause(entity, key, SearchKeys.ToOperator(comparator), value);
    }
}
