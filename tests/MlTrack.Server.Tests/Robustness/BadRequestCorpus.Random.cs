using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>Seeded random filters and order-bys, and sampling.</summary>
internal sealed partial class BadRequestCorpus
{
    // ---------------------------------------------------------------- random inputs

    private string GarbageFilter()
    {
        // A leading token that can start no comparison makes the filter invalid whatever follows.
        string[] leads = ["OR ", ") ", "= ", "; ", "!! ", "AND OR ", "NOT ", "|| ", "* ", "IS ", "NULL ", "LIKE ", "IN ", ", ", "'", "-- "];
        var builder = new StringBuilder(leads[_random.Next(leads.Length)]);
        var count = _random.Next(0, 12);
        for (var i = 0; i < count; i++)
        {
            builder.Append(FilterNoise[_random.Next(FilterNoise.Length)]);
            if (_random.Next(3) > 0)
            {
                builder.Append(' ');
            }
        }

        return builder.ToString();
    }

    private string GarbageOrderBy()
    {
        string[] leads = ["(", "=", "'", ",", ";", "1 ", "!"];
        var builder = new StringBuilder(leads[_random.Next(leads.Length)]);
        var count = _random.Next(0, 5);
        for (var i = 0; i < count; i++)
        {
            builder.Append(FilterNoise[_random.Next(FilterNoise.Length)]);
        }

        return builder.ToString();
    }

    /// <summary>A seeded random subset of <paramref name="count"/> items, in their original order.</summary>
    private List<T> Sample<T>(IReadOnlyList<T> items, int count)
    {
        var chosen = new SortedSet<int>();
        while (chosen.Count < Math.Min(count, items.Count))
        {
            chosen.Add(_random.Next(items.Count));
        }

        return [.. chosen.Select(i => items[i])];
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        _random.NextBytes(bytes);
        return bytes;
    }

    // ---------------------------------------------------------------- building requests

    private void Add(string category, HttpMethod method, string path, byte[]? body, string? contentType, Expectation expect, bool chunked = false) =>
        _cases.Add(new CorpusCase(_cases.Count, category, method, path, body, contentType, expect, chunked));

    private void Post(string category, string path, string json) =>
        Add(category, HttpMethod.Post, path, Utf8(json), "application/json", Expectation.ClientError);

    private void Get(string category, string path, IEnumerable<(string Key, string Value)> query) =>
        Add(category, HttpMethod.Get, path + "?" + Query(query), null, null, Expectation.ClientError);

    private void Ok(string category, string path, string? json, HttpMethod? method = null, string contentType = "application/json") =>
        Add(category, method ?? HttpMethod.Post, path, json is null ? null : Utf8(json), json is null ? null : contentType, Expectation.Success);

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    private static string Query(IEnumerable<(string Key, string Value)> query) => string.Join("&", query.Select(p => $"{p.Key}={p.Value}"));

    private static string QueryOf(JsonObject body) => string.Join("&", body
        .Where(p => p.Value is JsonValue)
        .Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!.ToString())}"));

    private static List<(string Key, string Value)> Replace(List<(string Key, string Value)> query, string key, string? value)
    {
        var result = query.Where(p => p.Key != key).ToList();
        if (value is not null)
        {
            result.Add((key, value));
        }

        return result;
    }

    private static string Render(JsonNode node) => node.ToJsonString(JsonOptions);

    /// <summary>The body with the member at <paramref name="path"/> (a/0/b) replaced by raw JSON text.</summary>
    private static string With(JsonObject body, string path, string rawJson)
    {
        Parent(body, path, out var name)[name] = Raw;
        return Render(body).Replace($"\"{Raw}\"", rawJson, StringComparison.Ordinal);
    }

    private static string Without(JsonObject body, string path)
    {
        Parent(body, path, out var name).Remove(name);
        return Render(body);
    }

    private static JsonObject Parent(JsonObject body, string path, out string name)
    {
        var parts = path.Split('/');
        JsonNode node = body;
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, CultureInfo.InvariantCulture, out var index) ? node[index]! : node[part]!;
        }

        name = parts[^1];
        return node.AsObject();
    }
}
