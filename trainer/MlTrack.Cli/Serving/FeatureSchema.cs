using System.Text.Json;

namespace MlTrack.Cli.Serving;

/// <summary>The model's signature as the scoring server enforces it: named double inputs, found by name without
/// allocating a string per column of every request.</summary>
internal sealed class FeatureSchema
{
    private const int StackNameLength = 128;
    private readonly Dictionary<string, int> _indexByName;
    private readonly Dictionary<string, int>.AlternateLookup<ReadOnlySpan<char>> _indexByChars;

    public FeatureSchema(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        Names = names;
        _indexByName = new Dictionary<string, int>(names.Count, StringComparer.Ordinal);
        for (int j = 0; j < names.Count; j++)
        {
            _indexByName.TryAdd(names[j], j);
        }
        _indexByChars = _indexByName.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The inputs, in the order of the model's coefficients.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    /// <summary>The position of an input, or -1 for a column the model does not use.</summary>
    public int IndexOf(ReadOnlySpan<char> name) => _indexByChars.TryGetValue(name, out var index) ? index : -1;

    /// <summary>The position of the input named by the reader's current property name or string, or -1.</summary>
    public int IndexOf(ref Utf8JsonReader reader)
    {
        // UTF-8 never takes fewer bytes than UTF-16 takes chars, so the raw length bounds the unescaped name.
        long length = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
        Span<char> buffer = length <= StackNameLength ? stackalloc char[StackNameLength] : new char[length];
        int written = reader.CopyString(buffer);
        return IndexOf(buffer[..written]);
    }

    /// <summary>Names as MLflow lists them in its messages: ['a', 'b'].</summary>
    public static string Format(IEnumerable<string> names) => "[" + string.Join(", ", names.Select(n => $"'{n}'")) + "]";
}
