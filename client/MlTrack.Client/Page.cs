namespace MlTrack.Client;

/// <summary>
/// One page of a paged MLflow answer (a search, a metric history). Pass <see cref="NextPageToken"/> back as the
/// page token to get the next page; every paged call also has an <c>...AllAsync</c> twin that does this for you.
/// </summary>
/// <typeparam name="T">The item type.</typeparam>
/// <param name="Items">The items of this page, in the server's order.</param>
/// <param name="NextPageToken">The token of the next page, or <see langword="null"/> when this is the last page.</param>
public sealed record Page<T>(IReadOnlyList<T> Items, string? NextPageToken)
{
    /// <summary>Whether the server announced another page (runs/search announces one whenever a page is full).</summary>
    public bool HasNextPage => !string.IsNullOrEmpty(NextPageToken);
}
