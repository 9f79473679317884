using MlTrack.Trainer;

namespace MlTrack.Cli.Serving;

/// <summary>A model ready to score: the model, its signature and where it came from.</summary>
/// <param name="Model">The model.</param>
/// <param name="Source">The URI or directory it was loaded from, as given.</param>
/// <param name="Version">The registered model version, when it came from the registry.</param>
internal sealed record LoadedModel(ElasticNetModel Model, string Source, string? Version)
{
    public FeatureSchema Schema { get; } = new(Model.FeatureNames);
}

/// <summary>
/// The model being served. A request reads <see cref="Current"/> once and scores with that model to the end, so a
/// swap is atomic for every request: none sees half of one model and half of another, and none waits or fails.
/// </summary>
internal sealed class ServedModel(LoadedModel initial)
{
    private LoadedModel _current = initial;

    public LoadedModel Current => Volatile.Read(ref _current);

    /// <summary>Serves <paramref name="next"/> from now on and returns the model it replaces.</summary>
    public LoadedModel Swap(LoadedModel next)
    {
        ArgumentNullException.ThrowIfNull(next);
        return Interlocked.Exchange(ref _current, next);
    }
}
