namespace MlTrack.Client;

/// <summary>Optional inputs of <see cref="RunsClient.CreateAsync"/> (runs/create).</summary>
public sealed record CreateRunOptions
{
    /// <summary>The run's name; when none is given the server makes one up.</summary>
    public string? RunName { get; init; }

    /// <summary>The creator, sent as user_id.</summary>
    public string? UserId { get; init; }

    /// <summary>The start time in milliseconds since the Unix epoch; the client sends the current time when not given.</summary>
    public long? StartTime { get; init; }

    /// <summary>Tags to set on the new run.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}

/// <summary>What <see cref="RunsClient.SearchAsync"/> looks for (runs/search).</summary>
public sealed record SearchRunsOptions
{
    /// <summary>A filter such as <c>metrics.rmse &lt; 0.8 AND params.alpha = '0.5'</c>; none matches every run.</summary>
    public string? Filter { get; init; }

    /// <summary>Sort keys such as <c>metrics.rmse ASC</c> or <c>attributes.start_time DESC</c>.</summary>
    public IReadOnlyList<string>? OrderBy { get; init; }

    /// <summary>Active, deleted or all runs; the server's default is active only.</summary>
    public ViewType? RunViewType { get; init; }

    /// <summary>The page size (1 to 50,000; the server's default is 1,000).</summary>
    public int? MaxResults { get; init; }

    /// <summary>The token of the page to read, from a previous page's <see cref="Page{T}.NextPageToken"/>.</summary>
    public string? PageToken { get; init; }
}
