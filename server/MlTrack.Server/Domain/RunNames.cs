namespace MlTrack.Server.Domain;

/// <summary>Generated run names in MLflow's "adjective-noun-NNN" form, for runs created without one.</summary>
internal static class RunNames
{
    private static readonly string[] Adjectives =
    [
        "amazing", "bold", "brave", "bright", "calm", "clever", "crisp", "daring", "eager", "fancy", "gentle", "glowing",
        "honest", "humble", "jolly", "keen", "kind", "lively", "lucky", "merry", "nimble", "proud", "quick", "quiet",
        "rare", "serene", "sharp", "shy", "smooth", "steady", "sunny", "swift", "tidy", "vivid", "warm", "wise",
    ];

    private static readonly string[] Nouns =
    [
        "ant", "bass", "bat", "bear", "bee", "crab", "crane", "deer", "dog", "dove", "eel", "elk", "finch", "fox", "frog",
        "gnu", "goat", "hare", "hawk", "horse", "lark", "lynx", "mole", "moth", "newt", "owl", "panda", "ram", "seal",
        "shrew", "sloth", "snail", "squid", "stork", "toad", "trout", "whale", "wolf", "wren", "yak",
    ];

    public static string Generate() =>
        $"{Adjectives[Random.Shared.Next(Adjectives.Length)]}-{Nouns[Random.Shared.Next(Nouns.Length)]}-{Random.Shared.Next(1000)}";
}
