namespace MlTrack.Client;

/// <summary>What <see cref="RegisteredModelsClient.SearchAsync"/> looks for (registered-models/search).</summary>
public sealed record SearchRegisteredModelsOptions
{
    /// <summary>A filter such as <c>name LIKE 'wine%'</c> or <c>tags.team = 'ml'</c>.</summary>
    public string? Filter { get; init; }

    /// <summary>Sort keys such as <c>name ASC</c> or <c>last_updated_timestamp DESC</c>.</summary>
    public IReadOnlyList<string>? OrderBy { get; init; }

    /// <summary>The page size (at most 1,000; the server's default is 100).</summary>
    public int? MaxResults { get; init; }

    /// <summary>The token of the page to read, from a previous page's <see cref="Page{T}.NextPageToken"/>.</summary>
    public string? PageToken { get; init; }
}

/// <summary>What <see cref="ModelVersionsClient.SearchAsync"/> looks for (model-versions/search).</summary>
public sealed record SearchModelVersionsOptions
{
    /// <summary>A filter such as <c>name = 'wine'</c>, <c>run_id = '...'</c> or <c>version_number &gt; 2</c>.</summary>
    public string? Filter { get; init; }

    /// <summary>Sort keys such as <c>version_number DESC</c>.</summary>
    public IReadOnlyList<string>? OrderBy { get; init; }

    /// <summary>The page size (at most 200,000, which is also the server's default).</summary>
    public int? MaxResults { get; init; }

    /// <summary>The token of the page to read, from a previous page's <see cref="Page{T}.NextPageToken"/>.</summary>
    public string? PageToken { get; init; }
}

/// <summary>Optional inputs of <see cref="ModelVersionsClient.CreateAsync"/> (model-versions/create).</summary>
public sealed record CreateModelVersionOptions
{
    /// <summary>The run that produced the model; needed when the source is a path inside that run's artifacts.</summary>
    public string? RunId { get; init; }

    /// <summary>Tags to set on the new version.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>A link to the run, shown by the UI.</summary>
    public string? RunLink { get; init; }

    /// <summary>A description of the version.</summary>
    public string? Description { get; init; }
}
