using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>The fixed inputs of the corpus: wrong values per field type, bad keys, ids, filters, order-bys and tokens.</summary>
internal sealed partial class BadRequestCorpus
{
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
}
