using System.Globalization;
using System.Text;

namespace MlTrack.Client.Internal;

/// <summary>A GET query string as MLflow's client builds it: escaped values, lists as repeated keys, unset values left out.</summary>
internal sealed class Query
{
    private readonly StringBuilder _text = new();

    public Query Add(string name, string? value)
    {
        if (value is not null)
        {
            _text.Append(_text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return this;
    }

    public Query Add(string name, long? value) => value is null ? this : Add(name, value.Value.ToString(CultureInfo.InvariantCulture));

    public Query AddEach(string name, IEnumerable<string>? values)
    {
        foreach (var value in values ?? [])
        {
            Add(name, value);
        }

        return this;
    }

    public override string ToString() => _text.ToString();
}
