namespace MlTrack.Server.Search;

/// <summary>
/// Value and comparator rules shared by the registered-model and model-version grammars
/// (MLflow 2.12.2 <c>SearchModelUtils._get_value</c> / <c>SearchModelVersionUtils._get_value</c> and
/// model_registry/sqlalchemy_store <c>_get_search_*_filter_*</c>).
/// </summary>
internal static class RegistrySearchRules
{
    public static readonly string[] ModelVersionNumericAttributes =
        ["creation_timestamp", "last_updated_timestamp", "version_number"];

    /// <summary>
    /// Quoted strings for tags and string attributes, a list for <c>run_id</c>, and, when
    /// <paramref name="numericAttributes"/> is not empty (model versions), numbers for those keys.
    /// </summary>
    public static FilterValue ReadValue(EntityType entity, string key, SearchToken token, IReadOnlyCollection<string> numericAttributes)
    {
        if (entity == EntityType.Tag)
        {
            return SearchValues.IsQuotedStringToken(token)
                ? SearchValues.QuotedString(token)
                : throw new FilterSyntaxException(
                    $"Expected a quoted string value for tag (e.g. 'my-value'). Got value {token.Text}");
        }

        if (SearchValues.IsQuotedStringToken(token))
        {
            return SearchValues.QuotedString(token);
        }

        if (token.Kind == SearchTokenKind.Group)
        {
            return key == "run_id"
                ? SearchValues.StringList(token)
                : throw new FilterSyntaxException(
                    "Only the 'run_id' attribute supports comparison with a list of quoted string values.");
        }

        if (token.Kind == SearchTokenKind.Number && numericAttributes.Count > 0)
        {
            return numericAttributes.Contains(key)
                ? SearchValues.Number(token)
                : throw new FilterSyntaxException(
                    $"Only the '{SearchKeys.PySet(numericAttributes)}' attributes support comparison with numeric values.");
        }

        throw new FilterSyntaxException(
            $"Expected a quoted string value or a list of quoted string values for attributes. Got value {token.Text}");
    }

    public static void CheckTagComparator(string comparator)
    {
        if (!SearchKeys.StringComparators.Contains(comparator))
        {
            throw new FilterSyntaxException($"Invalid comparator for tag: {comparator}");
        }
    }
}
