using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>What the server must answer to one corpus request.</summary>
internal enum Expectation
{
    /// <summary>Bad by construction: a 4xx with MLflow's error JSON.</summary>
    ClientError,

    /// <summary>Odd-looking but valid: a 200 with a JSON object.</summary>
    Success,

    /// <summary>Either is defensible (a 200 or a 4xx error JSON); only a 5xx, HTML or a dropped connection is wrong.</summary>
    ClientErrorOrSuccess,

    /// <summary>
    /// Refused by Kestrel's HTTP parser before any application code runs (e.g. an encoded NUL in the path): a 4xx,
    /// with Kestrel's empty body, since no middleware can write MLflow's JSON there.
    /// </summary>
    HttpLevelError,
}

/// <summary>One generated request. <see cref="Body"/> is raw bytes so that invalid UTF-8 can be sent; no content type means no header.</summary>
internal sealed record CorpusCase(
    int Index, string Category, HttpMethod Method, string Path, byte[]? Body, string? ContentType, Expectation Expect, bool Chunked)
{
    public string Describe()
    {
        var path = Path.Length <= 300 ? Path : Path[..300] + $"...({Path.Length} chars)";
        var body = Body is null ? "<none>" : Preview(Body, 200);
        return $"#{Index} [{Category}] {Method} {path} content-type={ContentType ?? "<none>"}{(Chunked ? " chunked" : "")} "
            + $"body({Body?.Length ?? 0} bytes)={body}";
    }

    /// <summary>The first <paramref name="chars"/> characters of the body, invalid bytes shown as U+FFFD, controls escaped.</summary>
    public static string Preview(byte[] bytes, int chars)
    {
        var text = Encoding.UTF8.GetString(bytes, 0, Math.Min(bytes.Length, chars * 4));
        var builder = new StringBuilder();
        foreach (var c in text.Take(chars))
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.Length > chars ? builder + "..." : builder.ToString();
    }
}

/// <summary>The entities the corpus aims at, made before it runs.</summary>
internal sealed record CorpusIds(
    string MainExperiment,
    string MainExperimentName,
    string MainRun,
    string DeletedRun,
    string DeletedExperiment,
    string DeletedExperimentName,
    string ScratchExperiment,
    string ScratchRun,
    string VictimExperiment,
    string VictimRun,
    string RestoreExperiment,
    string RestoreRun,
    string UnicodeExperiment,
    string UnicodeRun,
    string PoisonedRun,
    string SeedMetricKey,
    string SeedParamKey,
    string SeedParamValue,
    string SeedTagKey,
    string SeedExperimentTagKey);

/// <summary>
/// Generates, from a seed, requests across every route of the server on both prefixes. Each request is bad by
/// construction unless it is explicitly classified otherwise: every generated body differs from a known valid one
/// only in the one thing under test. Writes aim at entities whose state the test checks afterwards.
/// </summary>
internal sealed partial class BadRequestCorpus
{
    public static readonly string[] Prefixes = ["/api/2.0", "/ajax-api/2.0"];

    private const string Raw = "__corpus_raw__";
    private const int HugeBodyBytes = 40 * 1024 * 1024;

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly CorpusIds _ids;
    private readonly Random _random;
    private readonly List<CorpusCase> _cases = [];
    private int _unique;

    private BadRequestCorpus(CorpusIds ids, int seed)
    {
        _ids = ids;
        _random = new Random(seed);
    }

    private enum Kind
    {
        Text,
        ExperimentId,
        RunId,
        Int64,
        Double,
        RunStatus,
        ViewType,
        TextList,
        ObjectList,
        Object,
    }

    private enum Need
    {
        Optional,

        /// <summary>Missing or null is refused; "" is allowed (or is a type error for non-text kinds).</summary>
        Present,

        /// <summary>Missing, null and "" are all refused.</summary>
        NonEmpty,
    }

    /// <param name="ids">The entities the requests aim at.</param>
    /// <param name="seed">The seed of every random choice.</param>
    /// <param name="mappedRoutes">
    /// Every route the server maps (pattern and methods), from its endpoint table: each also gets the methods it does not
    /// take, so that routes added later are covered at least that far.
    /// </param>
    public static IReadOnlyList<CorpusCase> Generate(CorpusIds ids, int seed, IReadOnlyList<(string Pattern, string[] Methods)> mappedRoutes)
    {
        var corpus = new BadRequestCorpus(ids, seed);
        corpus.AddAll();
        corpus.AddMappedRouteCases(mappedRoutes);
        return corpus._cases;
    }

    /// <summary>The concrete path the corpus uses for a route pattern: parameters become "corpus".</summary>
    public static string ConcretePath(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern, @"\{[^}]*\}", "corpus");

    private void AddMappedRouteCases(IReadOnlyList<(string Pattern, string[] Methods)> mappedRoutes)
    {
        string[] methods = ["GET", "POST", "PUT", "DELETE", "PATCH"];
        foreach (var route in mappedRoutes.GroupBy(r => ConcretePath(r.Pattern), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var allowed = route.SelectMany(r => r.Methods).ToHashSet(StringComparer.OrdinalIgnoreCase);
            foreach (var method in methods.Where(m => !allowed.Contains(m)))
            {
                var isGet = method == "GET";
                Add("mapped-route-method", new HttpMethod(method), route.Key, isGet ? null : Utf8("{}"), isGet ? null : "application/json",
                    Expectation.ClientError);
            }
        }
    }

    private void AddAll()
    {
        var postRoutes = PostRoutes();
        var getRoutes = GetRoutes();
        foreach (var prefix in Prefixes)
        {
            foreach (var route in postRoutes)
            {
                AddPostRouteCases(prefix, route);
            }

            foreach (var route in getRoutes.Where(r => !r.AjaxOnly || prefix == "/ajax-api/2.0"))
            {
                AddGetRouteCases(prefix, route);
            }

            AddInvalidKeyCases(prefix);
            AddInvalidRunIdCases(prefix);
            AddSearchCases(prefix);
            AddStateCases(prefix);
            AddLimitCases(prefix);
            AddUnicodeCases(prefix);
            AddUnknownPathCases(prefix);
        }

        AddHugeBodyCases();
    }
}
