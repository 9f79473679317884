namespace MlTrack.Server.Search;

/// <summary>
/// runs/search <c>filter</c> and <c>order_by</c>, mirroring MLflow 2.12.2 <c>SearchUtils</c>
/// (parse_search_filter, parse_order_by_for_search_runs) plus the checks its SQL store makes
/// afterwards (sqlalchemy_store <c>_get_sqlalchemy_filter_clauses</c>, <c>_get_orderby_clauses</c>).
/// </summary>
internal static class RunSearchSyntax
{
    private static readonly Dictionary<string, EntityType> Entities = new(StringComparer.Ordinal)
    {
        ["metric"] = EntityType.Metric,
        ["metrics"] = EntityType.Metric,
        ["parameter"] = EntityType.Param,
        ["parameters"] = EntityType.Param,
        ["param"] = EntityType.Param,
        ["params"] = EntityType.Param,
        ["tag"] = EntityType.Tag,
        ["tags"] = EntityType.Tag,
        ["attribute"] = EntityType.Attribute,
        ["attributes"] = EntityType.Attribute,
        ["attr"] = EntityType.Attribute,
        ["run"] = EntityType.Attribute,
        ["dataset"] = EntityType.Dataset,
        ["datasets"] = EntityType.Dataset,
    };

    // RunInfo.get_searchable_attributes(); lifecycle_stage and experiment_id are not searchable.
    private static readonly string[] SearchableAttributes =
        ["artifact_uri", "end_time", "run_id", "run_name", "start_time", "status", "user_id"];

    private static readonly string[] SearchAttributeKeys =
        [.. SearchableAttributes, "created", "Created", "run name", "Run name", "Run Name"];

    // MLflow's orderable keys add only the "created" aliases, not the "run name" ones.
    private static readonly string[] OrderByAttributeKeys = [.. SearchableAttributes, "created", "Created"];

    private static readonly HashSet<string> NumericAttributes = new(StringComparer.Ordinal)
    {
        "start_time", "end_time", "created", "Created",
    };

    private static readonly string[] DatasetKeys = ["name", "digest", "context"];

    /// <summary>Parses and validates a runs filter; blank means no clause.</summary>
    /// <exception cref="FilterSyntaxException">With MLflow's message.</exception>
    public static IReadOnlyList<FilterClause> ParseFilter(string? filter)
    {
        if (string.IsNullOrWhiteSpace(filter))
        {
            return [];
        }

        // As MLflow: every clause is parsed first, then the store checks the comparators.
        var typed = FilterParser.Parse(filter, quoteInvalidClauses: true).Select(ReadComparison).ToList();
        return typed.Select(CheckComparator).ToList();
    }

    /// <summary>Parses <c>&lt;identifier&gt; [ASC|DESC]</c> entries; a repeated key is an error.</summary>
    /// <exception cref="FilterSyntaxException">With MLflow's message.</exception>
    public static IReadOnlyList<OrderByTerm> ParseOrderBy(IReadOnlyList<string>? orderBy)
    {
        var terms = new List<OrderByTerm>();
        foreach (var entry in orderBy ?? [])
        {
            var (identifier, ascending) = OrderByParser.Parse(entry);
            var (entity, key) = ReadIdentifier(identifier, OrderByAttributeKeys);
            if (entity == EntityType.Dataset)
            {
                throw new FilterSyntaxException("Invalid identifier type 'dataset'");
            }

            key = CanonicalKey(entity, key);
            if (terms.Any(t => t.Entity == entity && t.Key == key))
            {
                throw OrderByParser.Duplicate(orderBy!);
            }

            terms.Add(new OrderByTerm(entity, key, ascending));
        }

        return terms;
    }

    /// <summary>SearchUtils._get_comparison: identifier, then value.</summary>
    private static TypedComparison ReadComparison(RawComparison comparison)
    {
        var (entity, key) = ReadIdentifier(comparison.LeftIdentifier(), SearchAttributeKeys);
        var value = ReadValue(entity, key, comparison.Right);
        return new TypedComparison(entity, key, comparison.Comparator.ToUpperInvariant(), value);
    }

    /// <summary>SearchUtils._get_identifier: entity prefix (default attribute) and unquoted key.</summary>
    private static (EntityType Entity, string Key) ReadIdentifier(string identifier, string[] validAttributes)
    {
        var (prefix, rawKey) = SearchKeys.Split(identifier);
        var entityName = prefix is null ? "attribute" : SearchKeys.TrimBackticks(prefix);
        if (!Entities.TryGetValue(entityName, out var entity))
        {
            throw new FilterSyntaxException(
                $"Invalid entity type '{entityName}'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']");
        }

        var key = SearchKeys.Unquote(rawKey);
        if (entity == EntityType.Attribute && !validAttributes.Contains(key))
        {
            throw new FilterSyntaxException(
                $"Invalid attribute key '{key}' specified. Valid keys are '{SearchKeys.PySet(validAttributes)}'");
        }

        if (entity == EntityType.Dataset && !DatasetKeys.Contains(key))
        {
            throw new FilterSyntaxException(
                $"Invalid dataset key '{key}' specified. Valid keys are '{SearchKeys.PySet(DatasetKeys)}'");
        }

        return (entity, key);
    }

    /// <summary>SearchUtils._get_value: numbers for metrics and time attributes, quoted strings otherwise.</summary>
    private static FilterValue ReadValue(EntityType entity, string key, SearchToken token)
    {
        switch (entity)
        {
            case EntityType.Metric:
                return token.Kind == SearchTokenKind.Number
                    ? SearchValues.Number(token)
                    : throw new FilterSyntaxException($"Expected numeric value type for metric. Found {token.Text}");
            case EntityType.Param or EntityType.Tag:
                var label = entity == EntityType.Param ? "parameter" : "tag";
                return SearchValues.IsQuotedStringToken(token)
                    ? SearchValues.QuotedString(token)
                    : throw new FilterSyntaxException(
                        $"Expected a quoted string value for {label} (e.g. 'my-value'). Got value {token.Text}");
            case EntityType.Attribute when NumericAttributes.Contains(key):
                return token.Kind == SearchTokenKind.Number
                    ? SearchValues.Number(token)
                    : throw new FilterSyntaxException(
                        $"Expected numeric value type for numeric attribute: {key}. Found {token.Text}");
            case EntityType.Attribute when SearchValues.IsQuotedStringToken(token):
                return SearchValues.QuotedString(token);
            case EntityType.Attribute when token.Kind == SearchTokenKind.Group:
                return key == "run_id"
                    ? SearchValues.StringList(token)
                    : throw new FilterSyntaxException(
                        "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
            case EntityType.Attribute:
                throw new FilterSyntaxException($"Expected a quoted string value for attributes. Got value {token.Text}");
            default: // Dataset
                if (SearchValues.IsQuotedStringToken(token))
                {
                    return SearchValues.QuotedString(token);
                }

                return token.Kind == SearchTokenKind.Group
                    ? SearchValues.StringList(token)
                    : throw new FilterSyntaxException(
                        $"Expected a quoted string value for dataset attributes. Got value {token.Text}");
        }
    }

    /// <summary>The store's SearchUtils.is_metric / is_param / ... checks, then our canonical clause.</summary>
    private static FilterClause CheckComparator(TypedComparison comparison)
    {
        var (entity, key, comparator, value) = comparison;
        key = CanonicalKey(entity, key);
        var allowed = entity switch
        {
            EntityType.Metric => SearchKeys.NumericComparators,
            EntityType.Param or EntityType.Tag => SearchKeys.StringComparators,
            EntityType.Attribute when NumericAttributes.Contains(key) => SearchKeys.NumericComparators,
            _ => SearchKeys.StringOrListComparators, // string attributes and datasets
        };
        if (!allowed.Contains(comparator))
        {
            throw new FilterSyntaxException($"Invalid comparator '{comparator}' not one of '{SearchKeys.PySet(allowed)}'");
        }

        SearchKeys.RequireListMatchesComparator(comparator, value);
        return new FilterClause(entity, key, SearchKeys.ToOperator(comparator), value);
    }

    /// <summary>
    /// SearchUtils.translate_key_alias, for attributes only (MLflow's store also renames
    /// <c>tags.created</c>, which would search the wrong tag).
    /// </summary>
    private static string CanonicalKey(EntityType entity, string key) => entity != EntityType.Attribute
        ? key
        : key switch
        {
            "created" or "Created" => "start_time",
            "run name" or "Run name" or "Run Name" => "run_name",
            _ => key,
        };
}
