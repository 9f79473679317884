namespace MlTrack.Server.Search;

/// <summary>
/// An invalid search filter or order_by entry. The message is MLflow's own text, which the
/// server returns as INVALID_PARAMETER_VALUE (HTTP 400).
/// </summary>
internal sealed class FilterSyntaxException : Exception
{
    public FilterSyntaxException()
    {
    }

    public FilterSyntaxException(string message)
        : base(message)
    {
    }

    public FilterSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
