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
internal sealed class BadRequestCorpus
{
    public static readonly string[] Prefixes = ["/api/2.0", "/ajax-api/2.0"];

    private const string Raw = "__corpus_raw__";
    private const int HugeBodyBytes = 40 * 1024 * 1024;

    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Wrong JSON for each field type, as raw JSON text. Each one is refused by MLflow's ParseDict and by this server.
    private static readonly Dictionary<Kind, string[]> WrongJson = new()
    {
        [Kind.Text] = ["12", "1.5", "-3", "true", "false", "{}", """{"a":1}""", "[]", """["x"]""", "[1]"],
        [Kind.ExperimentId] = ["true", "false", "{}", "[]", """["1"]""", "987654321", "-1", "1.5", "1e500", "\"abc\"", "\"-1\"", "\" 1\""],
        [Kind.RunId] = ["12", "1.5", "true", "false", "{}", "[]", """["x"]"""],
        [Kind.Int64] =
        [
            "\"abc\"", "\"\"", "\"1.5\"", "\"1e3\"", "true", "false", "{}", "[]", "[1]", "1.5", "1e30", "-1e30", "1e500",
            "9223372036854775808", "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"nan\"", "\"inf\"", "\"0x10\"", "\"99999999999999999999\"",
        ],
        [Kind.Double] = ["\"abc\"", "\"\"", "true", "false", "{}", "[]", "[1.5]", "\"1,5\"", "\"0x10\"", "\"NaNa\"", "\"Infinityy\"", "\"1.5.5\""],
        [Kind.RunStatus] = ["\"BOGUS\"", "\"\"", "0", "99", "-1", "1.5", "true", "{}", "[]", "\"RUNNING,SCHEDULED\"", "\"1,2\""],
        [Kind.ViewType] = ["\"BOGUS\"", "\"\"", "0", "4", "-1", "true", "{}", "[]", "\"ACTIVE_ONLY,DELETED_ONLY\"", "\"1,2\""],
        [Kind.TextList] = ["{}", """{"a":1}""", "true", "[{}]", "[true]", "[[]]", "[null]", "[false]"],
        [Kind.ObjectList] = ["\"str\"", "5", "true", "[1]", """["x"]""", "[[]]", "[null]", "[{}]", "{}"],
        [Kind.Object] = ["\"str\"", "5", "true", "[]", "[1]", "{}"],
    };

    // Wrong query-string values (already URL-encoded) for the typed GET parameters.
    private static readonly Dictionary<Kind, string[]> WrongQuery = new()
    {
        [Kind.Int64] = ["abc", "1.5", "1e3", "NaN", "Infinity", "-Infinity", "99999999999999999999", "0x10", "%20", "%F0%9F%9A%80", "%FF", "true"],
        [Kind.ViewType] = ["BOGUS", "0", "4", "-1", "1.5", "ACTIVE_ONLY%2CDELETED_ONLY", "%F0%9F%9A%80"],
    };

    // Metric, param and tag keys MLflow 2.12 refuses (characters, path normalisation, length).
    private static readonly string[] InvalidKeys =
    [
        "../x", "/abs", "a//b", "", new string('k', 251), "a/", ".", "..", "a/../b", "./a", new string('k', 1000), "a:b", "a\\b", "a\tb",
        "a\nb", "a\0b", "a*b", "a?b", "🚀", "loss🔥", "a\u202Eb", "a\u200Db", "a'b", "a\"b", "x;drop table metrics", "a%2Fb",
    ];

    private static readonly string[] InvalidRunIds =
    [
        "../x", "a b", "' OR '1'='1", "-abc", new string('a', 300), "🚀", "0123456789abcdef0123456789abcdef", "run\0id", "DROP TABLE runs;",
        "%00", "שלום", "a/b",
    ];

    private static readonly string[] BadRunFilters =
    [
        "params.a = '' OR 1=1 --", "params.a = 'x' OR params.b = 'y'", "metrics.x < 'str'", "params.a = 'unbalanced", "params.a = \"unbalanced",
        "tags.t = 'x", "metrics.x >", "metrics.x", "= 1", "1 = 1", "'a' = 'a'",
        "metrics.x = 1; DROP TABLE runs", "metrics.x = 1; DELETE FROM metrics", "params.a = 'x'; --", "attributes.nope = 'x'",
        "foo.bar = 'x'", "params.a > 'x'", "tags.t >= 'x'", "metrics.m LIKE '%x%'", "params.a IN ('x')", "run_id IN ()", "run_id IN ('a'",
        "run_id IN ('a', 'b'", "run_id IN ('a' 'b')", "run_id = ('a')", "run_id NOT LIKE 'a'", "status = 1", "start_time = 'now'",
        "metrics.x = NULL", "metrics.x IS NULL", "params.a = x", "metrics.`unterminated > 1", "(metrics.x > 1)",
        "metrics.x > 1 OR metrics.y < 2", "NOT metrics.x > 1", "metrics.x > 1 ||| metrics.y > 1", "metrics.x >> 1", "metrics.x => 1",
        "metrics.x == 1", "metrics.x <> 1", "datasets.bogus = 'x'", "dataset.name > 'x'", "tags.t = 'b' /* comment */", "metrics.x > 1e",
        "metrics.x > --1", "metrics.x > 0x10", "tags.🚀 = 'x'", "params.a = 'x' UNION SELECT * FROM params", "metrics.x > 1 AND OR",
        "params.`a = 'x'", "params.\"a = 'x'", "run_id IN ('a', 1)", "run_id IN (('a'))", "metrics.x ~ 1", "metrics.x > 1 \u0000",
        "1; SELECT sqlite_version()", "params.a ILIKE 5", "attributes.run_name > 'x'", "attribute.start_time LIKE '1%'",
        "tags.t = 'a' AND params.p", "'", "\"", "`", "(", ")", ";", "metrics.x > 1)", "((metrics.x > 1)",
    ];

    // Costly to parse (deep nesting, 50,000 clauses): sent on one prefix only.
    private static readonly string[] BigRunFilters =
    [
        new string('(', 10_000) + "metrics.x > 1" + new string(')', 10_000), new string('(', 10_000),
        string.Concat(Enumerable.Repeat("metrics.x > 1 AND ", 50_000)) + "OR",
    ];

    private static readonly string[] BadExperimentFilters =
    [
        "name = 'x' OR name = 'y'", "name = 'unbalanced", "creation_time > 'x'", "creation_time > abc", "name > 5", "tags.a > 'b'",
        "foo = 'x'", "metrics.x > 1", "params.a = 'b'", "name = 'a'; DROP TABLE experiments", "name = '' OR 1=1 --", "name LIKE 5",
        "name", "name =", "= 'x'", "1 = 1", "name == 'x'", "attribute.nope = 'x'", "tag.`x = 'y'", "name IN ('a')", "(name = 'a')",
        "last_update_time < '2024'", "creation_time = NULL", "name = \"dq", "tags.t ILIKE 5", "experiment_id = '0'",
        "name = 'a' UNION SELECT name FROM experiments", "🚀 = 'x'",
    ];

    private static readonly string[] BigExperimentFilters = [new string('(', 10_000) + "name = 'x'" + new string(')', 10_000), new string('(', 10_000)];

    private static readonly string[][] BadRunOrderBys =
    [
        [""], [" start_time"], ["start_time "], ["start_time ASCENDING"], ["start_time DESC extra"], ["bogus_attr"], ["foo.bar"],
        ["metrics.`x"], ["start_time DESC, run_name"], ["dataset.name"], ["start_time", "start_time"], ["params.a DESC;DROP TABLE runs"],
        ["1"], ["'quoted'"], ["run name"], ["metrics.m ASC", "metric.m DESC"], ["(start_time)"], ["start_time DESC DESC"],
        ["attributes.lifecycle_stage"], ["tags.`t` sideways"],
    ];

    private static readonly string[][] BadExperimentOrderBys =
    [
        [""], ["bogus"], ["name ASCENDING"], ["tags.x"], ["name DESC extra"], [" name"], ["name "], ["metrics.m"], ["'name'"],
        ["(name)"], ["name; DROP TABLE experiments"], ["lifecycle_stage"],
    ];

    private static readonly string[] BadPageTokenJson =
    [
        "{}", "[]", "null", "5", "\"x\"", """{"offset": -1}""", """{"offset": "5"}""", """{"offset": null}""", """{"offset": true}""",
        """{"offset": 1.5}""", """{"offset": 99999999999}""", """{"offset": [1]}""", """{"offset": {"a": 1}}""", "not json",
        """{"offset": 5""", """{"offset": "\ud800"}""", """{"offset": 1e500}""", """{"other": 5}""",
    ];

    private static readonly string[] BadPageTokenText = ["!!!", "abc", "🚀", "====", "e30", "eyJvZmZzZXQiOiA1fQ", "%%%", " "];

    private static readonly string[] FilterNoise =
    [
        "metrics.x", "params.a", "tags.t", "attributes.run_id", "name", "=", "!=", ">", "<=", "LIKE", "ILIKE", "IN", "NOT", "AND", "OR",
        "'v'", "\"v\"", "`k`", "(", ")", ",", ";", "--", "/*", "*/", "1", "-2.5e3", "'", "\"", "`", "🚀", "שלום", "%", "\\", "NULL",
        "IS", "\t", "\n", "1=1", "DROP TABLE runs", "' OR ''='", "e\u0301", "\ufeff", "\u202E", "..", "*",
    ];

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

    // ---------------------------------------------------------------- routes and their valid requests

    private sealed record Field(string Path, Kind Kind, Need Need = Need.Optional);

    private sealed record PostRoute(string Path, Func<JsonObject> Valid, Field[] Fields, bool AlsoGet = false);

    private sealed record GetRoute(string Path, Func<List<(string Key, string Value)>> Valid, Field[] Fields, bool AjaxOnly = false);

    private int Next() => Interlocked.Increment(ref _unique);

    private static string Number(int n) => n.ToString(CultureInfo.InvariantCulture);

    private PostRoute[] PostRoutes()
    {
        var ids = _ids;
        Field RunIdField() => new("run_id", Kind.RunId, Need.NonEmpty);
        return
        [
            new("/mlflow/experiments/create", () => new JsonObject
            {
                ["name"] = $"corpus-create-{Number(Next())}",
                ["tags"] = new JsonArray(new JsonObject { ["key"] = "k", ["value"] = "v" }),
            }, [
                new("name", Kind.Text, Need.NonEmpty), new("artifact_location", Kind.Text), new("tags", Kind.ObjectList),
                new("tags/0/key", Kind.Text, Need.NonEmpty), new("tags/0/value", Kind.Text),
            ]),
            new("/mlflow/experiments/update", () => new JsonObject
            {
                ["experiment_id"] = ids.ScratchExperiment, ["new_name"] = $"corpus-renamed-{Number(Next())}",
            }, [new("experiment_id", Kind.ExperimentId, Need.NonEmpty), new("new_name", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/experiments/delete", () => new JsonObject { ["experiment_id"] = ids.VictimExperiment },
                [new("experiment_id", Kind.ExperimentId, Need.NonEmpty)]),
            new("/mlflow/experiments/restore", () => new JsonObject { ["experiment_id"] = ids.RestoreExperiment },
                [new("experiment_id", Kind.ExperimentId, Need.NonEmpty)]),
            new("/mlflow/experiments/set-experiment-tag", () => new JsonObject
            {
                ["experiment_id"] = ids.MainExperiment, ["key"] = "corpus.tag", ["value"] = "v",
            }, [new("experiment_id", Kind.ExperimentId, Need.NonEmpty), new("key", Kind.Text, Need.NonEmpty), new("value", Kind.Text)]),
            new("/mlflow/experiments/delete-experiment-tag", () => new JsonObject
            {
                ["experiment_id"] = ids.MainExperiment, ["key"] = ids.SeedExperimentTagKey,
            }, [new("experiment_id", Kind.ExperimentId, Need.NonEmpty), new("key", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/experiments/search", () => new JsonObject
            {
                ["max_results"] = 10, ["filter"] = "name LIKE 'corpus%'", ["view_type"] = "ALL", ["order_by"] = new JsonArray("name"),
            }, [
                new("max_results", Kind.Int64, Need.Present), new("filter", Kind.Text), new("view_type", Kind.ViewType),
                new("order_by", Kind.TextList), new("page_token", Kind.Text),
            ], AlsoGet: true),
            new("/mlflow/runs/create", () => new JsonObject
            {
                ["experiment_id"] = ids.ScratchExperiment, ["run_name"] = $"corpus-run-{Number(Next())}", ["start_time"] = 5,
                ["user_id"] = "corpus", ["tags"] = new JsonArray(new JsonObject { ["key"] = "k", ["value"] = "v" }),
            }, [
                new("experiment_id", Kind.ExperimentId, Need.NonEmpty), new("user_id", Kind.Text), new("run_name", Kind.Text),
                new("start_time", Kind.Int64), new("tags", Kind.ObjectList), new("tags/0/key", Kind.Text, Need.NonEmpty),
                new("tags/0/value", Kind.Text),
            ]),
            new("/mlflow/runs/update", () => new JsonObject
            {
                ["run_id"] = ids.ScratchRun, ["status"] = "FINISHED", ["end_time"] = 5, ["run_name"] = "corpus-renamed",
            }, [RunIdField(), new("status", Kind.RunStatus), new("end_time", Kind.Int64), new("run_name", Kind.Text)]),
            new("/mlflow/runs/delete", () => new JsonObject { ["run_id"] = ids.VictimRun }, [RunIdField()]),
            new("/mlflow/runs/restore", () => new JsonObject { ["run_id"] = ids.RestoreRun }, [RunIdField()]),
            new("/mlflow/runs/search", () => new JsonObject
            {
                ["experiment_ids"] = new JsonArray(ids.MainExperiment), ["filter"] = "metrics.x > 1", ["max_results"] = 10,
                ["order_by"] = new JsonArray("start_time DESC"), ["run_view_type"] = "ALL",
            }, [
                new("experiment_ids", Kind.TextList), new("filter", Kind.Text), new("run_view_type", Kind.ViewType),
                new("max_results", Kind.Int64), new("order_by", Kind.TextList), new("page_token", Kind.Text),
            ]),
            new("/mlflow/runs/set-tag", () => new JsonObject { ["run_id"] = ids.MainRun, ["key"] = "corpus.tag", ["value"] = "v" },
                [RunIdField(), new("key", Kind.Text, Need.NonEmpty), new("value", Kind.Text)]),
            new("/mlflow/runs/delete-tag", () => new JsonObject { ["run_id"] = ids.MainRun, ["key"] = ids.SeedTagKey },
                [RunIdField(), new("key", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/runs/log-metric", () => new JsonObject
            {
                ["run_id"] = ids.MainRun, ["key"] = "corpus.metric", ["value"] = 1.5, ["timestamp"] = 1000, ["step"] = 1,
            }, [
                RunIdField(), new("key", Kind.Text, Need.NonEmpty), new("value", Kind.Double, Need.Present),
                new("timestamp", Kind.Int64, Need.Present), new("step", Kind.Int64),
            ]),
            new("/mlflow/runs/log-parameter", () => new JsonObject { ["run_id"] = ids.MainRun, ["key"] = "corpus.param", ["value"] = "v" },
                [RunIdField(), new("key", Kind.Text, Need.NonEmpty), new("value", Kind.Text)]),
            new("/mlflow/runs/log-batch", () => new JsonObject
            {
                ["run_id"] = ids.MainRun,
                ["metrics"] = new JsonArray(new JsonObject { ["key"] = "corpus.metric", ["value"] = 1.5, ["timestamp"] = 1000, ["step"] = 1 }),
                ["params"] = new JsonArray(new JsonObject { ["key"] = "corpus.param", ["value"] = "v" }),
                ["tags"] = new JsonArray(new JsonObject { ["key"] = "corpus.tag", ["value"] = "v" }),
            }, [
                RunIdField(), new("metrics", Kind.ObjectList), new("params", Kind.ObjectList), new("tags", Kind.ObjectList),
                new("metrics/0/key", Kind.Text, Need.NonEmpty), new("metrics/0/value", Kind.Double, Need.Present),
                new("metrics/0/timestamp", Kind.Int64, Need.Present), new("metrics/0/step", Kind.Int64),
                new("params/0/key", Kind.Text, Need.NonEmpty), new("params/0/value", Kind.Text),
                new("tags/0/key", Kind.Text, Need.NonEmpty), new("tags/0/value", Kind.Text),
            ]),
            new("/mlflow/runs/log-inputs", () => new JsonObject
            {
                ["run_id"] = ids.MainRun,
                ["datasets"] = new JsonArray(new JsonObject
                {
                    ["dataset"] = new JsonObject { ["name"] = "corpus-ds", ["digest"] = "d1", ["source_type"] = "local", ["source"] = "{}" },
                    ["tags"] = new JsonArray(new JsonObject { ["key"] = "mlflow.data.context", ["value"] = "train" }),
                }),
            }, [
                RunIdField(), new("datasets", Kind.ObjectList, Need.Present), new("datasets/0/dataset", Kind.Object, Need.Present),
                new("datasets/0/dataset/name", Kind.Text, Need.NonEmpty), new("datasets/0/dataset/digest", Kind.Text, Need.NonEmpty),
                new("datasets/0/dataset/source_type", Kind.Text, Need.NonEmpty), new("datasets/0/dataset/source", Kind.Text, Need.NonEmpty),
                new("datasets/0/dataset/schema", Kind.Text), new("datasets/0/dataset/profile", Kind.Text),
                new("datasets/0/tags/0/key", Kind.Text, Need.NonEmpty), new("datasets/0/tags/0/value", Kind.Text, Need.Present),
            ]),
            new("/mlflow/runs/log-model", () => new JsonObject
            {
                ["run_id"] = ids.MainRun,
                ["model_json"] = $$"""{"artifact_path": "model", "flavors": {}, "utc_time_created": "2024-01-01", "run_id": "{{ids.MainRun}}"}""",
            }, [RunIdField(), new("model_json", Kind.Text, Need.NonEmpty)]),
        ];
    }

    private GetRoute[] GetRoutes()
    {
        var ids = _ids;
        return
        [
            new("/mlflow/experiments/get", () => [("experiment_id", ids.MainExperiment)], [new("experiment_id", Kind.ExperimentId, Need.NonEmpty)]),
            new("/mlflow/experiments/get-by-name", () => [("experiment_name", Uri.EscapeDataString(ids.MainExperimentName))],
                [new("experiment_name", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/experiments/search", () => [("max_results", "10"), ("view_type", "ALL"), ("order_by", "name")], [
                new("max_results", Kind.Int64, Need.Present), new("filter", Kind.Text), new("view_type", Kind.ViewType),
                new("order_by", Kind.TextList), new("page_token", Kind.Text),
            ]),
            new("/mlflow/runs/get", () => [("run_id", ids.MainRun)], [new("run_id", Kind.RunId, Need.NonEmpty)]),
            new("/mlflow/metrics/get-history", () => [("run_id", ids.MainRun), ("metric_key", ids.SeedMetricKey)],
                [new("run_id", Kind.RunId, Need.NonEmpty), new("metric_key", Kind.Text, Need.NonEmpty)]),
            new("/mlflow/metrics/get-history-bulk-interval", () => [("run_ids", ids.MainRun), ("metric_key", ids.SeedMetricKey)], [
                new("run_ids", Kind.TextList, Need.Present), new("metric_key", Kind.Text, Need.NonEmpty), new("start_step", Kind.Int64),
                new("end_step", Kind.Int64), new("max_results", Kind.Int64),
            ]),
            new("/mlflow/metrics/get-history-bulk", () => [("run_id", ids.MainRun), ("metric_key", ids.SeedMetricKey)], [
                new("run_id", Kind.TextList, Need.Present), new("metric_key", Kind.Text, Need.NonEmpty), new("max_results", Kind.Int64),
            ], AjaxOnly: true),
        ];
    }

    // ---------------------------------------------------------------- generic per-route cases

    private void AddPostRouteCases(string prefix, PostRoute route)
    {
        var path = prefix + route.Path;
        var valid = route.Valid;
        var hasRequired = route.Fields.Any(f => f.Need != Need.Optional && !f.Path.Contains('/', StringComparison.Ordinal));

        // Wrong JSON types for every field, and missing / null / empty required fields.
        foreach (var field in route.Fields)
        {
            foreach (var wrong in prefix == Prefixes[0] ? [.. WrongJson[field.Kind]] : Sample(WrongJson[field.Kind], 3))
            {
                Post("wrong-type", path, With(valid(), field.Path, wrong));
            }

            if (field.Need != Need.Optional)
            {
                Post("missing-required", path, Without(valid(), field.Path));
                Post("missing-required", path, With(valid(), field.Path, "null"));
            }

            if (field.Need == Need.NonEmpty || (field.Need == Need.Present && field.Kind is not (Kind.Text or Kind.TextList)))
            {
                Post("empty-string", path, With(valid(), field.Path, "\"\""));
            }
        }

        // NaN and infinities as bare JSON tokens (not JSON), in every numeric field or else the first field.
        var numeric = route.Fields.Where(f => f.Kind is Kind.Int64 or Kind.Double).Select(f => f.Path).DefaultIfEmpty(route.Fields[0].Path);
        foreach (var fieldPath in numeric)
        {
            foreach (var token in new[] { "NaN", "Infinity", "-Infinity", Pick(["nan", "inf", "+Infinity", "undefined", "-NaN"]) })
            {
                Post("bare-nan-token", path, With(valid(), fieldPath, token));
            }
        }

        // Wrong or missing Content-Type on an otherwise valid body.
        string[] wrongTypes =
        [
            "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "text/json",
            "application/jsonx", "application/json-patch+json", "*/*", "application/javascript", "", "json", "application/ json",
        ];
        foreach (var contentType in new string?[] { null }.Concat(Sample(wrongTypes, 4)))
        {
            Add("content-type", HttpMethod.Post, path, Utf8(Render(valid())), contentType, Expectation.ClientError);
        }

        // Methods the route does not take.
        foreach (var method in new[] { HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options })
        {
            Add("wrong-method", method, path, Utf8(Render(valid())), "application/json", Expectation.ClientError);
        }

        if (!route.AlsoGet)
        {
            Add("wrong-method", HttpMethod.Get, path, null, null, Expectation.ClientError);
            Add("wrong-method", HttpMethod.Get, path + "?" + QueryOf(valid()), null, null, Expectation.ClientError);
        }

        var textField = route.Fields.First(f => f.Kind is Kind.Text or Kind.RunId or Kind.ExperimentId).Path;
        AddMalformedJson(path, Render(valid()), With(valid(), textField, "\"x__corpus_bytes__y\""), route.Fields[0].Path, hasRequired);
        AddLoneSurrogates(path, valid, textField);
    }

    private void AddMalformedJson(string path, string validJson, string readTextField, string firstField, bool hasRequired)
    {
        // Truncated at random points: every proper prefix of an object lacks its closing brace.
        for (var i = 0; i < 2; i++)
        {
            Post("truncated", path, validJson[.._random.Next(1, validJson.Length - 1)]);
        }

        foreach (var garbage in Sample(["x", "}", " {}", ",", "]", "\u0000", " null", "\"", "{\"a\":1}"], 3))
        {
            Post("trailing-garbage", path, validJson + garbage);
        }

        foreach (var garbage in Sample(["x", ")]}'\n", "\ufeff\ufeff", "{"], 2))
        {
            Post("leading-garbage", path, garbage + validJson);
        }

        var key = firstField.Split('/')[0];
        string[] syntax =
        [
            validJson[..^1] + ",}", "/*c*/" + validJson, "// c\n" + validJson, "{'" + key + "': 'v'}", "{" + key + ": 1}",
            "{\"" + key + "\" \"v\"}", "{\"" + key + "\": \"abc", "{\"" + key + "\": \"a\u0001b\"}", "{\"" + key + "\": \"\\x41\"}",
            "{\"" + key + "\": \"\\u12\"}", "{\"" + key + "\": 010}", "{\"" + key + "\": +1}", "{\"" + key + "\": .5}",
            "{\"" + key + "\": 1.}", "{\"" + key + "\": 0x10}", "{\"" + key + "\": 1e}", "{\"" + key + "\": --1}", "{\"" + key + "\": tru}",
            "{\"" + key + "\": nul}", "{\"" + key + "\": True}", "{\"" + key + "\": None}", "{,}", "{\"" + key + "\":,}", "{{}}", "{:}",
            "{\"" + key + "\": [1,]}", "{\"" + key + "\": [1 2]}", "{\"" + key + "\"}",
        ];
        foreach (var body in Sample(syntax, 8))
        {
            Post("syntax", path, body);
        }

        // Invalid UTF-8 (not JSON text at all, RFC 8259 section 8.1): in the value and in the name of an extra member ahead of an
        // otherwise valid body, and inside a field the server reads.
        byte[][] invalidUtf8 =
        [
            [0xFF], [0xFE], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC3],
            [0xF4, 0x90, 0x80, 0x80], [0xE0, 0x80, 0xAF],
        ];
        foreach (var bytes in Sample(invalidUtf8, 3))
        {
            var head = Utf8("{\"zz\":\"");
            var tail = Utf8("\"," + validJson[1..]);
            Add("invalid-utf8", HttpMethod.Post, path, [.. head, .. bytes, .. tail], "application/json", Expectation.ClientError);
            Add("invalid-utf8", HttpMethod.Post, path, [.. Utf8("{\""), .. bytes, .. Utf8("\":1," + validJson[1..])], "application/json",
                Expectation.ClientError);
            var parts = readTextField.Split("__corpus_bytes__");
            Add("invalid-utf8", HttpMethod.Post, path, [.. Utf8(parts[0]), .. bytes, .. Utf8(parts[1])], "application/json", Expectation.ClientError);
        }

        // 10,000 levels of nesting.
        const int Depth = 10_000;
        Post("deep-nesting", path, "{\"" + key + "\": " + new string('[', Depth) + new string(']', Depth) + "}");
        Post("deep-nesting", path, new string('[', Depth) + new string(']', Depth));
        Post("deep-nesting", path, string.Concat(Enumerable.Repeat("{\"a\":", Depth)) + "1" + new string('}', Depth));
        Post("deep-nesting", path, "{\"zz\": " + string.Concat(Enumerable.Repeat("[{\"a\":", Depth / 2)) + "1"
            + string.Concat(Enumerable.Repeat("}]", Depth / 2)) + "," + validJson[1..]);
        Post("deep-nesting", path, new string('[', Depth));

        // Roots that are not objects (a JSON string is decoded once more, as MLflow does; it must then be an object).
        foreach (var root in Sample(["[]", "[{}]", "1", "-1.5", "true", "false", "\"str\"", "\"[1]\"", "\"{bad\"", "\"\\\"{}\\\"\"", "\"\""], 4))
        {
            Post("non-object-root", path, root);
        }

        if (hasRequired)
        {
            foreach (var empty in new[] { "", "   \n\t", "null", "{}", "\"{}\"", "\"null\"" })
            {
                Post("empty-body", path, empty);
            }
        }
    }

    private void AddLoneSurrogates(string path, Func<JsonObject> valid, string textField)
    {
        foreach (var surrogate in new[] { "\"\\ud800\"", "\"\\udfff\"", "\"x\\ud800y\"", "\"\\udc00\\ud800\"", "\"\\ud83d\"", "\"\\ud800\\u0041\"" })
        {
            Post("lone-surrogate", path, With(valid(), textField, surrogate));
        }

        // In the name of a member the server does not read: refusing it and ignoring it are both fine.
        var validJson = Render(valid());
        Add("lone-surrogate-key", HttpMethod.Post, path, Utf8("{\"\\ud800\": 1, " + validJson[1..]), "application/json",
            Expectation.ClientErrorOrSuccess);
        Add("lone-surrogate-key", HttpMethod.Post, path, Utf8("{\"\\udfff\\ud800\": \"\\ud800\", " + validJson[1..]), "application/json",
            Expectation.ClientErrorOrSuccess);
    }

    private void AddGetRouteCases(string prefix, GetRoute route)
    {
        var path = prefix + route.Path;
        foreach (var field in route.Fields)
        {
            if (WrongQuery.TryGetValue(field.Kind, out var wrongs))
            {
                foreach (var wrong in wrongs)
                {
                    Get("wrong-type", path, Replace(route.Valid(), field.Path, wrong));
                }
            }

            if (field.Kind is not Kind.TextList)
            {
                // A repeated key makes a list where a single value is expected.
                var query = route.Valid();
                var value = query.FirstOrDefault(p => p.Key == field.Path).Value ?? "1";
                Get("repeated-key", path, [.. Replace(query, field.Path, value), (field.Path, value)]);
            }

            if (field.Need != Need.Optional)
            {
                Get("missing-required", path, Replace(route.Valid(), field.Path, null));
                if (field.Kind is not Kind.TextList)
                {
                    Get("empty-string", path, Replace(route.Valid(), field.Path, ""));
                }
            }
        }

        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options })
        {
            if (method == HttpMethod.Post && route.Path == "/mlflow/experiments/search")
            {
                continue;
            }

            var body = Utf8(JsonSerializer.Serialize(route.Valid().ToDictionary(p => p.Key, p => Uri.UnescapeDataString(p.Value))));
            Add("wrong-method", method, path + "?" + Query(route.Valid()), body, "application/json", Expectation.ClientError);
        }

        if (route.AjaxOnly)
        {
            Get("unknown-path", "/api/2.0" + route.Path, route.Valid());
        }
    }

    // ---------------------------------------------------------------- targeted categories

    private void AddInvalidKeyCases(string prefix)
    {
        var ids = _ids;
        foreach (var key in InvalidKeys[..5].Concat(Sample(InvalidKeys[5..], 6)))
        {
            var json = JsonSerializer.Serialize(key);
            var batchMetric = $$"""{"key": {{json}}, "value": 1, "timestamp": 1, "step": 0}""";
            var item = $$"""{"key": {{json}}, "value": "v"}""";
            Post("invalid-key", prefix + "/mlflow/runs/log-metric", $$"""{"run_id": "{{ids.MainRun}}", "key": {{json}}, "value": 1, "timestamp": 1}""");
            Post("invalid-key", prefix + "/mlflow/runs/log-parameter", $$"""{"run_id": "{{ids.MainRun}}", "key": {{json}}, "value": "v"}""");
            Post("invalid-key", prefix + "/mlflow/runs/set-tag", $$"""{"run_id": "{{ids.MainRun}}", "key": {{json}}, "value": "v"}""");
            Post("invalid-key", prefix + "/mlflow/runs/log-batch", $$"""{"run_id": "{{ids.MainRun}}", "metrics": [{{batchMetric}}]}""");
            Post("invalid-key", prefix + "/mlflow/runs/log-batch", $$"""{"run_id": "{{ids.MainRun}}", "params": [{{item}}]}""");
            Post("invalid-key", prefix + "/mlflow/runs/log-batch", $$"""{"run_id": "{{ids.MainRun}}", "tags": [{{item}}]}""");
            Post("invalid-key", prefix + "/mlflow/experiments/set-experiment-tag",
                $$"""{"experiment_id": "{{ids.MainExperiment}}", "key": {{json}}, "value": "v"}""");
            Post("invalid-key", prefix + "/mlflow/runs/create",
                $$"""{"experiment_id": "{{ids.ScratchExperiment}}", "tags": [{{item}}]}""");
            Post("invalid-key", prefix + "/mlflow/experiments/create",
                $$"""{"name": "corpus-key-{{Number(Next())}}", "tags": [{{item}}]}""");
        }
    }

    private void AddInvalidRunIdCases(string prefix)
    {
        foreach (var runId in Sample(InvalidRunIds, 7))
        {
            var json = JsonSerializer.Serialize(runId);
            foreach (var (route, rest) in new[]
                     {
                         ("update", ", \"status\": \"FINISHED\""), ("delete", ""), ("restore", ""), ("set-tag", ", \"key\": \"k\", \"value\": \"v\""),
                         ("delete-tag", ", \"key\": \"k\""), ("log-metric", ", \"key\": \"m\", \"value\": 1, \"timestamp\": 1"),
                         ("log-parameter", ", \"key\": \"p\", \"value\": \"v\""), ("log-batch", ", \"tags\": [{\"key\": \"k\", \"value\": \"v\"}]"),
                         ("log-batch", ""),
                         ("log-inputs", ", \"datasets\": [{\"dataset\": {\"name\": \"n\", \"digest\": \"d\", \"source_type\": \"t\", \"source\": \"s\"}}]"),
                         ("log-model", ", \"model_json\": \"{\\\"artifact_path\\\": \\\"m\\\", \\\"flavors\\\": {}, \\\"utc_time_created\\\": \\\"t\\\", \\\"run_id\\\": \\\"r\\\"}\""),
                     })
            {
                Post("invalid-run-id", $"{prefix}/mlflow/runs/{route}", $$"""{"run_id": {{json}}{{rest}}}""");
            }

            Post("invalid-run-id", prefix + "/mlflow/runs/set-tag", $$"""{"run_uuid": {{json}}, "key": "k", "value": "v"}""");
            Get("invalid-run-id", prefix + "/mlflow/runs/get", [("run_id", Uri.EscapeDataString(runId))]);
            Get("invalid-run-id", prefix + "/mlflow/runs/get", [("run_uuid", Uri.EscapeDataString(runId))]);
        }

        foreach (var raw in new[] { "%ED%A0%80", "%FF", "%C0%AF", "%00", "..%2F..%2Fetc%2Fpasswd", "%27%20OR%20%271%27%3D%271", "%F0%9F%9A%80" })
        {
            Get("invalid-id-query", prefix + "/mlflow/runs/get", [("run_id", raw)]);
            Get("invalid-id-query", prefix + "/mlflow/experiments/get", [("experiment_id", raw)]);
            Get("invalid-id-query", prefix + "/mlflow/experiments/get-by-name", [("experiment_name", raw)]);
        }

        foreach (var experimentId in new[] { "987654321", "abc", "-1", "1.5", "99999999999999999999", "0x1", "%201", "%D9%A1", "1e3", "+1" })
        {
            Get("unknown-experiment", prefix + "/mlflow/experiments/get", [("experiment_id", experimentId)]);
        }

        foreach (var experimentId in new[] { "987654321", "abc", "-1", "1.5", "99999999999999999999", "١", " 1", "1 " })
        {
            var json = JsonSerializer.Serialize(experimentId);
            Post("unknown-experiment", prefix + "/mlflow/experiments/update", $$"""{"experiment_id": {{json}}, "new_name": "corpus-x-{{Number(Next())}}"}""");
            Post("unknown-experiment", prefix + "/mlflow/experiments/delete", $$"""{"experiment_id": {{json}}}""");
            Post("unknown-experiment", prefix + "/mlflow/experiments/restore", $$"""{"experiment_id": {{json}}}""");
            Post("unknown-experiment", prefix + "/mlflow/experiments/set-experiment-tag", $$"""{"experiment_id": {{json}}, "key": "k", "value": "v"}""");
            Post("unknown-experiment", prefix + "/mlflow/experiments/delete-experiment-tag", $$"""{"experiment_id": {{json}}, "key": "k"}""");
            Post("unknown-experiment", prefix + "/mlflow/runs/create", $$"""{"experiment_id": {{json}}}""");
        }

        foreach (var name in new[] { "corpus-no-such-experiment", _ids.MainExperimentName.ToUpperInvariant(), _ids.MainExperimentName + " ", "%F0%9F%9A%80" })
        {
            Get("unknown-experiment", prefix + "/mlflow/experiments/get-by-name", [("experiment_name", name.StartsWith('%') ? name : Uri.EscapeDataString(name))]);
        }
    }

    private void AddSearchCases(string prefix)
    {
        var runsSearch = prefix + "/mlflow/runs/search";
        var experimentsSearch = prefix + "/mlflow/experiments/search";
        var main = JsonSerializer.Serialize(_ids.MainExperiment);

        var runFilters = BadRunFilters.Concat(prefix == Prefixes[0] ? BigRunFilters : []).Concat(Enumerable.Range(0, 40).Select(_ => GarbageFilter())).ToList();
        foreach (var filter in runFilters)
        {
            Post("run-filter", runsSearch, $$"""{"experiment_ids": [{{main}}], "filter": {{JsonSerializer.Serialize(filter)}}}""");
        }

        var experimentFilters = BadExperimentFilters.Concat(prefix == Prefixes[0] ? BigExperimentFilters : [])
            .Concat(Enumerable.Range(0, 30).Select(_ => GarbageFilter())).ToList();
        foreach (var filter in experimentFilters)
        {
            Post("experiment-filter", experimentsSearch, $$"""{"max_results": 10, "filter": {{JsonSerializer.Serialize(filter)}}}""");
            if (filter.Length < 10_000)
            {
                Get("experiment-filter", experimentsSearch, [("max_results", "10"), ("filter", Uri.EscapeDataString(filter))]);
            }
        }

        foreach (var orderBy in BadRunOrderBys.Concat(Enumerable.Range(0, 10).Select(_ => new[] { GarbageOrderBy() })))
        {
            Post("run-order-by", runsSearch, $$"""{"experiment_ids": [{{main}}], "order_by": {{JsonSerializer.Serialize(orderBy)}}}""");
        }

        foreach (var orderBy in BadExperimentOrderBys.Concat(Enumerable.Range(0, 10).Select(_ => new[] { GarbageOrderBy() })))
        {
            Post("experiment-order-by", experimentsSearch, $$"""{"max_results": 10, "order_by": {{JsonSerializer.Serialize(orderBy)}}}""");
            Get("experiment-order-by", experimentsSearch, [("max_results", "10"), .. orderBy.Select(o => ("order_by", Uri.EscapeDataString(o)))]);
        }

        var tokens = BadPageTokenJson.Select(j => Convert.ToBase64String(Encoding.UTF8.GetBytes(j)))
            .Concat(BadPageTokenText)
            .Concat(Enumerable.Range(0, 10).Select(_ => Convert.ToBase64String([0xFF, .. RandomBytes(_random.Next(1, 40))])))
            .Concat(Enumerable.Range(0, 5).Select(_ => Convert.ToBase64String(Utf8("{\"offset\": 1}"))[..^_random.Next(1, 4)] + "*"));
        foreach (var token in tokens)
        {
            var json = JsonSerializer.Serialize(token);
            Post("page-token", runsSearch, $$"""{"experiment_ids": [{{main}}], "page_token": {{json}}}""");
            Post("page-token", experimentsSearch, $$"""{"max_results": 10, "page_token": {{json}}}""");
            Get("page-token", experimentsSearch, [("max_results", "10"), ("page_token", Uri.EscapeDataString(token))]);
        }

        foreach (var maxResults in new[] { "0", "-1", "50001", "2147483648", "9223372036854775807", "-9223372036854775808", "100000000" })
        {
            Post("max-results", runsSearch, $$"""{"experiment_ids": [{{main}}], "max_results": {{maxResults}}}""");
            Post("max-results", experimentsSearch, $$"""{"max_results": {{maxResults}}}""");
            Get("max-results", experimentsSearch, [("max_results", maxResults)]);
        }

        Get("max-results", experimentsSearch, []);
        Post("max-results", experimentsSearch, """{"filter": "name = 'x'"}""");

        var bulkInterval = prefix + "/mlflow/metrics/get-history-bulk-interval";
        var run = _ids.MainRun;
        var key = _ids.SeedMetricKey;
        foreach (var maxResults in new[] { "0", "-1", "2501", "9223372036854775807" })
        {
            Get("max-results", bulkInterval, [("run_ids", run), ("metric_key", key), ("max_results", maxResults)]);
        }

        Get("bulk-interval", bulkInterval, [.. Enumerable.Range(0, 101).Select(i => ("run_ids", $"{run[..^3]}{i:000}")), ("metric_key", key)]);
        Get("bulk-interval", bulkInterval, [("run_ids", run), ("metric_key", key), ("start_step", "5"), ("end_step", "1")]);
        Get("bulk-interval", bulkInterval, [("run_ids", run), ("metric_key", key), ("start_step", "1")]);
        Get("bulk-interval", bulkInterval, [("run_ids", run), ("metric_key", key), ("end_step", "1")]);
        Get("bulk-interval", bulkInterval, [("metric_key", key)]);
        Get("bulk-interval", bulkInterval, [("run_ids", run)]);
        if (prefix == "/ajax-api/2.0")
        {
            var bulk = prefix + "/mlflow/metrics/get-history-bulk";
            foreach (var maxResults in new[] { "0", "-1", "25001" })
            {
                Get("max-results", bulk, [("run_id", run), ("metric_key", key), ("max_results", maxResults)]);
            }

            Get("bulk", bulk, [.. Enumerable.Range(0, 101).Select(i => ("run_id", $"{run[..^3]}{i:000}")), ("metric_key", key)]);
        }
    }

    private void AddStateCases(string prefix)
    {
        var ids = _ids;
        var api = prefix + "/mlflow";
        var deleted = JsonSerializer.Serialize(ids.DeletedRun);

        // Writes to a deleted run.
        Post("deleted-run", $"{api}/runs/set-tag", $$"""{"run_id": {{deleted}}, "key": "k", "value": "v"}""");
        Post("deleted-run", $"{api}/runs/set-tag", $$"""{"run_uuid": {{deleted}}, "key": "k", "value": "v"}""");
        Post("deleted-run", $"{api}/runs/delete-tag", $$"""{"run_id": {{deleted}}, "key": "{{ids.SeedTagKey}}"}""");
        Post("deleted-run", $"{api}/runs/log-metric", $$"""{"run_id": {{deleted}}, "key": "m", "value": 1, "timestamp": 1}""");
        Post("deleted-run", $"{api}/runs/log-parameter", $$"""{"run_id": {{deleted}}, "key": "p", "value": "v"}""");
        Post("deleted-run", $"{api}/runs/log-batch", $$"""{"run_id": {{deleted}}, "metrics": [{"key": "m", "value": 1, "timestamp": 1}]}""");
        Post("deleted-run", $"{api}/runs/log-batch", $$"""{"run_id": {{deleted}}, "params": [{"key": "p", "value": "v"}]}""");
        Post("deleted-run", $"{api}/runs/log-batch", $$"""{"run_id": {{deleted}}, "tags": [{"key": "t", "value": "v"}]}""");
        Post("deleted-run", $"{api}/runs/log-batch", $$"""{"run_id": {{deleted}}}""");
        Post("deleted-run", $"{api}/runs/update", $$"""{"run_id": {{deleted}}, "status": "FINISHED", "end_time": 9}""");
        Post("deleted-run", $"{api}/runs/update", $$"""{"run_id": {{deleted}}, "run_name": "zombie"}""");
        Post("deleted-run", $"{api}/runs/log-model",
            $$"""{"run_id": {{deleted}}, "model_json": "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"t\", \"run_id\": \"r\"}"}""");
        Post("deleted-run", $"{api}/runs/log-inputs",
            $$$"""{"run_id": {{{deleted}}}, "datasets": [{"dataset": {"name": "n", "digest": "d", "source_type": "t", "source": "s"}}]}""");

        // Deleted and active experiments in the wrong state.
        var deletedExperiment = JsonSerializer.Serialize(ids.DeletedExperiment);
        Post("deleted-experiment", $"{api}/runs/create", $$"""{"experiment_id": {{deletedExperiment}}}""");
        Post("deleted-experiment", $"{api}/experiments/set-experiment-tag", $$"""{"experiment_id": {{deletedExperiment}}, "key": "k", "value": "v"}""");
        Post("deleted-experiment", $"{api}/experiments/delete-experiment-tag", $$"""{"experiment_id": {{deletedExperiment}}, "key": "k"}""");
        Post("deleted-experiment", $"{api}/experiments/update", $$"""{"experiment_id": {{deletedExperiment}}, "new_name": "corpus-zombie-{{Number(Next())}}"}""");
        Post("deleted-experiment", $"{api}/experiments/delete", $$"""{"experiment_id": {{deletedExperiment}}}""");
        Post("active-experiment", $"{api}/experiments/restore", $$"""{"experiment_id": "{{ids.MainExperiment}}"}""");
        Post("duplicate-name", $"{api}/experiments/create", $$"""{"name": {{JsonSerializer.Serialize(ids.MainExperimentName)}}}""");
        Post("duplicate-name", $"{api}/experiments/create", $$"""{"name": {{JsonSerializer.Serialize(ids.DeletedExperimentName)}}}""");
        Post("duplicate-name", $"{api}/experiments/update",
            $$"""{"experiment_id": "{{ids.ScratchExperiment}}", "new_name": {{JsonSerializer.Serialize(ids.MainExperimentName)}}}""");

        // Things that do not exist or may not change.
        Post("missing-tag", $"{api}/runs/delete-tag", $$"""{"run_id": "{{ids.MainRun}}", "key": "corpus.no-such-tag"}""");
        Post("missing-tag", $"{api}/experiments/delete-experiment-tag", $$"""{"experiment_id": "{{ids.MainExperiment}}", "key": "corpus.no-such-tag"}""");
        Post("param-change", $"{api}/runs/log-parameter", $$"""{"run_id": "{{ids.MainRun}}", "key": "{{ids.SeedParamKey}}", "value": "0.6"}""");
        Post("param-change", $"{api}/runs/log-parameter", $$"""{"run_id": "{{ids.MainRun}}", "key": "{{ids.SeedParamKey}}", "value": "{{ids.SeedParamValue}}0"}""");
        Post("param-change", $"{api}/runs/log-batch",
            $$"""{"run_id": "{{ids.MainRun}}", "params": [{"key": "{{ids.SeedParamKey}}", "value": " {{ids.SeedParamValue}}"}]}""");
        Post("param-change", $"{api}/runs/log-batch",
            $$"""{"run_id": "{{ids.MainRun}}", "params": [{"key": "corpus.dup", "value": "a"}, {"key": "corpus.dup", "value": "b"}]}""");
        Post("param-change", $"{api}/runs/log-batch",
            $$"""{"run_id": "{{ids.MainRun}}", "params": [{"key": "corpus.dup", "value": "a"}, {"key": "corpus.dup", "value": "a"}]}""");
        Post("negative-timestamp", $"{api}/runs/log-metric", $$"""{"run_id": "{{ids.MainRun}}", "key": "m", "value": 1, "timestamp": -1}""");
        Post("negative-timestamp", $"{api}/runs/log-batch",
            $$"""{"run_id": "{{ids.MainRun}}", "metrics": [{"key": "m", "value": 1, "timestamp": -5}]}""");
        Post("run-name-conflict", $"{api}/runs/create",
            $$"""{"experiment_id": "{{ids.ScratchExperiment}}", "run_name": "a", "tags": [{"key": "mlflow.runName", "value": "b"}]}""");

        foreach (var location in new[] { "http://host/path#frag", "s3://bucket/p;params", "http://h/p?x=../y", "https://h/p?x=%2E%2E/y" })
        {
            Post("artifact-location", $"{api}/experiments/create",
                $$"""{"name": "corpus-loc-{{Number(Next())}}", "artifact_location": {{JsonSerializer.Serialize(location)}}}""");
        }

        var run = JsonSerializer.Serialize(ids.MainRun);
        foreach (var modelJson in new[]
                 {
                     "not json", "{", "[]", "null", "{}", "\"str\"", "{\"artifact_path\": \"m\"}", "{\"flavors\": {}, \"run_id\": \"r\"}",
                     new string('[', 10_000) + new string(']', 10_000), "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"t\"",
                     "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"t\", \"run_id\": \"r\"} trailing",
                 })
        {
            Post("model-json", $"{api}/runs/log-model", $$"""{"run_id": {{run}}, "model_json": {{JsonSerializer.Serialize(modelJson)}}}""");
        }

        // A run whose model history tag a client overwrote with text that is not JSON: a 4xx or a fresh history, never a 500.
        Add("poisoned-history", HttpMethod.Post, $"{api}/runs/log-model", Utf8(
            $$"""{"run_id": "{{ids.PoisonedRun}}", "model_json": "{\"artifact_path\": \"m\", \"flavors\": {}, \"utc_time_created\": \"t\", \"run_id\": \"r\"}"}"""),
            "application/json", Expectation.ClientErrorOrSuccess);

        string Dataset(string name, string digest, string extra = "") =>
            $$"""{"run_id": {{run}}, "datasets": [{"dataset": {"name": {{name}}, "digest": {{digest}}, "source_type": "t", "source": "s"}{{extra}}}]}""";
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", JsonSerializer.Serialize(new string('d', 37))));
        Post("dataset", $"{api}/runs/log-inputs", Dataset(JsonSerializer.Serialize(new string('n', 501)), "\"d\""));
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", "\"d\"", ", \"tags\": [{\"key\": \"k\", \"value\": " + JsonSerializer.Serialize(new string('v', 501)) + "}]"));
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", "\"d\"", ", \"tags\": [{\"key\": " + JsonSerializer.Serialize(new string('k', 256)) + ", \"value\": \"v\"}]"));
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", "\"d\"", ", \"tags\": [{\"key\": \"k\"}]"));
        Post("dataset", $"{api}/runs/log-inputs", Dataset("\"n\"", "\"d\"", ", \"tags\": [{\"value\": \"v\"}]"));
        Post("dataset", $"{api}/runs/log-inputs", $$"""{"run_id": {{run}}, "datasets": [{"tags": []}]}""");
        Post("dataset", $"{api}/runs/log-inputs", $$"""{"run_id": {{run}}}""");
    }

    private void AddLimitCases(string prefix)
    {
        var api = prefix + "/mlflow";
        var run = JsonSerializer.Serialize(_ids.MainRun);
        string Metrics(int n) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"key": "corpus.m", "value": {{Number(i)}}, "timestamp": 1}""")) + "]";
        string Items(int n, string name) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i => $$"""{"key": "corpus.{{name}}{{Number(i)}}", "value": "v"}""")) + "]";
        Post("batch-limit", $"{api}/runs/log-batch", $$"""{"run_id": {{run}}, "metrics": {{Metrics(1001)}}}""");
        Post("batch-limit", $"{api}/runs/log-batch", $$"""{"run_id": {{run}}, "params": {{Items(101, "p")}}}""");
        Post("batch-limit", $"{api}/runs/log-batch", $$"""{"run_id": {{run}}, "tags": {{Items(101, "t")}}}""");
        Post("batch-limit", $"{api}/runs/log-batch",
            $$"""{"run_id": {{run}}, "metrics": {{Metrics(900)}}, "params": {{Items(100, "p")}}, "tags": {{Items(1, "t")}}}""");
        Post("batch-limit", $"{api}/runs/log-batch", $$"""{"run_id": {{run}}, "metrics": {{Metrics(50_000)}}}""");

        var main = JsonSerializer.Serialize(_ids.MainExperiment);
        Post("value-limit", $"{api}/experiments/set-experiment-tag", $$"""{"experiment_id": {{main}}, "key": "k", "value": {{JsonSerializer.Serialize(new string('v', 5001))}}}""");
        Post("value-limit", $"{api}/experiments/create",
            $$"""{"name": "corpus-long-{{Number(Next())}}", "tags": [{"key": "k", "value": {{JsonSerializer.Serialize(new string('v', 5001))}}}]}""");
        Post("value-limit", $"{api}/experiments/set-experiment-tag", $$"""{"experiment_id": {{main}}, "key": {{JsonSerializer.Serialize(new string('k', 251))}}, "value": "v"}""");
    }

    private void AddUnicodeCases(string prefix)
    {
        var api = prefix + "/mlflow";
        var unicodeRun = JsonSerializer.Serialize(_ids.UnicodeRun);
        string[] values =
        [
            "🚀🔥", "שלום עולם", "مرحبا بالعالم", "e\u0301\u0302\u0303", "abc\u202Edef", "👨‍👩‍👧", "漢字かなカナ", "Ω≈ç√∫", "\u00A0\u2003",
            "🏳️‍🌈", "a\u0000b", "\t\n\r", "😀" + new string('x', 100),
        ];

        // Valid: unicode in values, and letters of any script in keys.
        foreach (var value in values)
        {
            var n = Number(Next());
            var json = JsonSerializer.Serialize(value, JsonOptions);
            Ok("unicode-value", $"{api}/runs/set-tag", $$"""{"run_id": {{unicodeRun}}, "key": "unicode.tag.{{n}}", "value": {{json}}}""");
            Ok("unicode-value", $"{api}/runs/log-parameter", $$"""{"run_id": {{unicodeRun}}, "key": "פרמטר_{{n}}", "value": {{json}}}""");
            Ok("unicode-value", $"{api}/experiments/set-experiment-tag",
                $$"""{"experiment_id": "{{_ids.UnicodeExperiment}}", "key": "unicode.{{n}}", "value": {{json}}}""");
        }

        Ok("unicode-value", $"{api}/runs/set-tag", $$"""{"run_id": {{unicodeRun}}, "key": "unicode.escaped", "value": "\ud83d\ude80 \u05e9"}""");
        Ok("unicode-value", $"{api}/runs/log-metric",
            $$"""{"run_id": {{unicodeRun}}, "key": "métrique_ü_{{Number(Next())}}", "value": 1.5, "timestamp": 1, "step": 2}""");
        Ok("unicode-value", $"{api}/experiments/create", $$"""{"name": "实验-🚀-שלום-e\u0301-{{Number(Next())}}"}""");
        Ok("unicode-value", $"{api}/runs/search",
            $$"""{"experiment_ids": ["{{_ids.UnicodeExperiment}}"], "filter": "tags.`unicode.escaped` = '🚀 ש' AND params.`פרמטר_1` != 'x'"}""");
        Ok("unicode-value", $"{api}/experiments/search", """{"max_results": 5, "filter": "name LIKE '%🚀%'"}""");
        Ok("unicode-value", $"{api}/experiments/search?max_results=5&filter=" + Uri.EscapeDataString("name ILIKE '%שלום%'"), null, HttpMethod.Get);

        // Valid oddities: NaN and infinities as strings in a double, numeric strings, a double-encoded body, boundaries.
        foreach (var value in new[] { "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e3\"", "-0.0", "5e-324", "1.7976931348623157e308" })
        {
            Ok("valid-oddity", $"{api}/runs/log-metric",
                $$"""{"run_id": {{unicodeRun}}, "key": "odd.{{Number(Next())}}", "value": {{value}}, "timestamp": "1700000000000", "step": "-3"}""");
        }

        Ok("valid-oddity", $"{api}/runs/log-metric",
            $$"""{"run_uuid": {{unicodeRun}}, "key": {{JsonSerializer.Serialize(new string('k', 245) + Number(Next() % 10_000).PadLeft(5, '0'))}}, "value": 1, "timestamp": 1}""");
        Ok("valid-oddity", $"{api}/runs/log-parameter",
            $$"""{"run_id": {{unicodeRun}}, "key": "long.{{Number(Next())}}", "value": {{JsonSerializer.Serialize(new string('p', 6001))}}}""");
        Ok("valid-oddity", $"{api}/runs/set-tag", $$"""{"run_id": {{unicodeRun}}, "key": "long", "value": {{JsonSerializer.Serialize(new string('t', 5001))}}}""");
        Ok("valid-oddity", $"{api}/experiments/set-experiment-tag", $$"""{"experiment_id": {{_ids.UnicodeExperiment}}, "key": "numeric-id", "value": "v"}""");
        Ok("valid-oddity", $"{api}/runs/search", "");
        Ok("valid-oddity", $"{api}/runs/search", JsonSerializer.Serialize($$"""{"experiment_ids": ["{{_ids.UnicodeExperiment}}"]}"""));
        Ok("valid-oddity", $"{api}/runs/search", """{"experiment_ids": ["987654321", "abc", "-1"], "unknown_field": {"x": [1, 2]}}""");
        Ok("valid-oddity", $"{api}/runs/search",
            $$"""{"experiment_ids": ["{{_ids.MainExperiment}}"], "page_token": "{{Convert.ToBase64String(Utf8("{\"offset\": 1000000}"))}}"}""");
        Ok("valid-oddity", $"{api}/runs/search", $$"""{"experiment_ids": ["{{_ids.MainExperiment}}"], "filter": "metrics.x > 1e999"}""", contentType: "application/json; charset=utf-8");
        Ok("valid-oddity", $"{api}/metrics/get-history?run_id=0123456789abcdef0123456789abcdef&metric_key=m", null, HttpMethod.Get);
        Ok("valid-oddity", $"{api}/metrics/get-history?run_id=..%2Fx&metric_key=%F0%9F%9A%80", null, HttpMethod.Get);
        Ok("valid-oddity", $"{api}/metrics/get-history-bulk-interval?run_ids=0123456789abcdef0123456789abcdef&run_ids=x&metric_key=m", null, HttpMethod.Get);
        if (prefix == "/ajax-api/2.0")
        {
            Ok("valid-oddity", $"{api}/metrics/get-history-bulk?run_id=0123456789abcdef0123456789abcdef&metric_key=m", null, HttpMethod.Get);
        }

        // Out-of-range JSON numbers in a double: MLflow reads 1e500 as infinity; a 400 is also fine; a 500 is not.
        foreach (var value in new[] { "1e500", "-1e500", "1" + new string('0', 400) })
        {
            Add("huge-number", HttpMethod.Post, $"{api}/runs/log-metric",
                Utf8($$"""{"run_id": {{unicodeRun}}, "key": "huge.{{Number(Next())}}", "value": {{value}}, "timestamp": 1}"""), "application/json",
                Expectation.ClientErrorOrSuccess);
            Add("huge-number", HttpMethod.Post, $"{api}/runs/log-batch",
                Utf8($$"""{"run_id": {{unicodeRun}}, "metrics": [{"key": "huge.{{Number(Next())}}", "value": {{value}}, "timestamp": 1}]}"""),
                "application/json", Expectation.ClientErrorOrSuccess);
        }

        // Bad: lone surrogates in values that are used.
        foreach (var lone in new[] { "\\ud800", "\\udfff", "a\\ud800b" })
        {
            Post("lone-surrogate", $"{api}/runs/set-tag", $$"""{"run_id": {{unicodeRun}}, "key": "lone", "value": "{{lone}}"}""");
            Post("lone-surrogate", $"{api}/runs/log-parameter", $$"""{"run_id": {{unicodeRun}}, "key": "lone.{{Number(Next())}}", "value": "{{lone}}"}""");
            Post("lone-surrogate", $"{api}/runs/log-batch", $$"""{"run_id": {{unicodeRun}}, "tags": [{"key": "lone", "value": "{{lone}}"}]}""");
            Post("lone-surrogate", $"{api}/runs/log-batch", $$"""{"run_id": {{unicodeRun}}, "metrics": [{"key": "{{lone}}", "value": 1, "timestamp": 1}]}""");
            Post("lone-surrogate", $"{api}/experiments/create", $$"""{"name": "lone-{{lone}}-{{Number(Next())}}"}""");
            Post("lone-surrogate", $"{api}/runs/search", $$"""{"experiment_ids": ["{{_ids.UnicodeExperiment}}"], "filter": "tags.t = '{{lone}}'"}""");
            Post("lone-surrogate", $"{api}/runs/search", $$"""{"experiment_ids": ["{{lone}}"]}""");
            Post("lone-surrogate", $"{api}/experiments/search", $$"""{"max_results": 5, "order_by": ["{{lone}}"]}""");
            Post("lone-surrogate", $"{api}/runs/log-model", $$"""{"run_id": {{unicodeRun}}, "model_json": "{\"artifact_path\": \"{{lone}}\", \"flavors\": {}, \"utc_time_created\": \"t\", \"run_id\": \"r\"}"}""");
            Post("lone-surrogate", $"{api}/runs/log-inputs",
                $$$"""{"run_id": {{{unicodeRun}}}, "datasets": [{"dataset": {"name": "{{{lone}}}", "digest": "d", "source_type": "t", "source": "s"}}]}""");
        }

        // Bad: characters MLflow does not allow in keys.
        foreach (var key in new[] { "🚀", "loss🔥", "a\u202Eb", "a\u200Db", "\ufeffkey", "key\u2028" })
        {
            var json = JsonSerializer.Serialize(key, JsonOptions);
            Post("unicode-key", $"{api}/runs/log-metric", $$"""{"run_id": {{unicodeRun}}, "key": {{json}}, "value": 1, "timestamp": 1}""");
            Post("unicode-key", $"{api}/runs/set-tag", $$"""{"run_id": {{unicodeRun}}, "key": {{json}}, "value": "v"}""");
        }
    }

    private void AddUnknownPathCases(string prefix)
    {
        string[] paths =
        [
            "/mlflow/nonexistent-endpoint", "/mlflow/runs/get/extra/segments", "/mlflow/runs/getx", "/mlflow/runs/get-by-name",
            "/mlflow/experiments/get-history", "/mlflow/runs/log-metricx", "/mlflow/runs/%F0%9F%9A%80", "/mlflow/runs/get%2Fextra",
            "/mlflow/runs/lo%67-metric", "/mlflow/experiments/create/..%2F..%2Fdelete", "/mlflow",
            "/mlflow/", "/corpus-unknown", "/mlflow/runs/log-batch;jsessionid=1", "/mlflow/%",
        ];
        foreach (var path in paths)
        {
            Add("unknown-path", HttpMethod.Get, prefix + path, null, null, Expectation.ClientError);
            Add("unknown-path", HttpMethod.Post, prefix + path, Utf8("{}"), "application/json", Expectation.ClientError);
        }

        Add("http-level", HttpMethod.Get, prefix + "/mlflow/runs/get%00?run_id=" + _ids.MainRun, null, null, Expectation.HttpLevelError);
        Add("http-level", HttpMethod.Post, prefix + "/mlflow/runs/set-tag%00", Utf8("{}"), "application/json", Expectation.HttpLevelError);

        HttpMethod[] methods = [HttpMethod.Get, HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch];
        const string Letters = "abcdefghijklmnopqrstuvwxyz0123456789-_~";
        for (var i = 0; i < 20; i++)
        {
            var segments = Enumerable.Range(0, _random.Next(1, 4))
                .Select(_ => new string(Enumerable.Range(0, _random.Next(1, 12)).Select(_ => Letters[_random.Next(Letters.Length)]).ToArray()));
            var path = $"{prefix}/mlflow/zz-{string.Join('/', segments)}" + (_random.Next(3) == 0 ? "/%E2%82%AC%D7%A9" : "");
            var method = methods[_random.Next(methods.Length)];
            Add("unknown-path", method, path, method == HttpMethod.Get ? null : Utf8("{}"), method == HttpMethod.Get ? null : "application/json",
                Expectation.ClientError);
        }

        if (prefix == "/api/2.0")
        {
            foreach (var path in new[] { "/api/9.9/mlflow/runs/get", "/api/2.0", "/api/2.0/", "/api", "/ajax-api", "/api/2.0/mlflow/runs/get/", "/api/2.0/preview/mlflow/runs/get", "/corpus-unknown", "/health/extra" })
            {
                if (path == "/api/2.0/mlflow/runs/get/")
                {
                    // Routing may treat a trailing slash as the route itself; it then needs its run_id like any call.
                    Add("unknown-path", HttpMethod.Get, path, null, null, Expectation.ClientError);
                    continue;
                }

                Add("unknown-path", HttpMethod.Get, path + "?run_id=" + _ids.MainRun, null, null, Expectation.ClientError);
            }
        }
    }

    private void AddHugeBodyCases()
    {
        // Over the 32 MiB JSON limit: once with a Content-Length, once chunked; each would be valid if it were small.
        var filler = new string('a', HugeBodyBytes);
        Add("huge-body", HttpMethod.Post, "/api/2.0/mlflow/runs/log-batch",
            Utf8($$"""{"run_id": "{{_ids.MainRun}}", "tags": [{"key": "corpus.huge", "value": "{{filler}}"}]}"""), "application/json",
            Expectation.ClientError);
        Add("huge-body", HttpMethod.Post, "/ajax-api/2.0/mlflow/experiments/create", Utf8($$"""{"name": "corpus-huge-{{filler}}"}"""),
            "application/json", Expectation.ClientError, chunked: true);

        // Under the JSON limit but over a field limit: a 17 MB dataset profile.
        Post("huge-field", "/api/2.0/mlflow/runs/log-inputs",
            $$$"""{"run_id": "{{{_ids.MainRun}}}", "datasets": [{"dataset": {"name": "n", "digest": "d", "source_type": "t", "source": "s", "profile": "{{{new string('p', 16_777_216)}}}"}}]}""");
    }

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
