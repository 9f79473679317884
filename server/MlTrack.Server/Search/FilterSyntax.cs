namespace MlTrack.Server.Search;

/// <summary>What a filter or order-by key refers to (MLflow's entity prefixes, aliases resolved).</summary>
internal enum EntityType
{
    Metric,
    Param,
    Tag,
    Attribute,
    Dataset,
}

internal enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
    Like,
    ILike,
    In,
    NotIn,
}

/// <summary>A literal on the right of a comparison.</summary>
internal abstract record FilterValue;

internal sealed record NumberValue(double Value) : FilterValue;

internal sealed record StringValue(string Value) : FilterValue;

internal sealed record StringListValue(IReadOnlyList<string> Values) : FilterValue;

/// <summary>
/// One validated clause: <c>entity.key op value</c>. Attribute keys are canonical
/// (run_id, run_name, user_id, status, artifact_uri, start_time, end_time for runs;
/// name, creation_time, last_update_time for experiments), aliases already resolved.
/// </summary>
internal sealed record FilterClause(EntityType Entity, string Key, ComparisonOperator Operator, FilterValue Value);

/// <summary>One validated order-by term; attribute keys canonical as in <see cref="FilterClause"/>.</summary>
internal sealed record OrderByTerm(EntityType Entity, string Key, bool Ascending);
