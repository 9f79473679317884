namespace MlTrack.Client.Internal;

/// <summary>Turns the dictionaries of the public API into MLflow's <c>[{key, value}]</c> lists.</summary>
internal static class TagList
{
    public static IReadOnlyList<Tag>? From(IReadOnlyDictionary<string, string>? tags) =>
        tags is null || tags.Count == 0 ? null : [.. tags.Select(t => new Tag(t.Key, t.Value))];
}
