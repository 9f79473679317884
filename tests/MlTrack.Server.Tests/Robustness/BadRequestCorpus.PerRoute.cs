using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MlTrack.Server.Tests.Robustness;

/// <summary>Cases made for every route: wrong types, missing fields, malformed JSON, lone surrogates.</summary>
internal sealed partial class BadRequestCorpus
{
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
}
