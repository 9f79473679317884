using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>Unicode, unknown paths and over-large bodies.</summary>
internal sealed partial class BadRequestCorpus
{
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
            // PostgreSQL's text cannot hold U+0000: there such a value is refused with a 400 (MLflow on PostgreSQL fails with a 500).
            var expect = value.Contains('\0', StringComparison.Ordinal) && TestDatabase.IsPostgres ? Expectation.ClientErrorOrSuccess : Expectation.Success;
            Add("unicode-value", HttpMethod.Post, $"{api}/runs/set-tag",
                Utf8($$"""{"run_id": {{unicodeRun}}, "key": "unicode.tag.{{n}}", "value": {{json}}}"""), "application/json", expect);
            Add("unicode-value", HttpMethod.Post, $"{api}/runs/log-parameter",
                Utf8($$"""{"run_id": {{unicodeRun}}, "key": "פרמטר_{{n}}", "value": {{json}}}"""), "application/json", expect);
            Add("unicode-value", HttpMethod.Post, $"{api}/experiments/set-experiment-tag",
                Utf8($$"""{"experiment_id": "{{_ids.UnicodeExperiment}}", "key": "unicode.{{n}}", "value": {{json}}}"""), "application/json", expect);
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
}
