using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using MlTrack.Trainer;
using MlTrack.Trainer.Packaging;

namespace MlTrack.Cli.Tests.Serving;

/// <summary>`mltrack models serve` speaks MLflow's scoring protocol: every payload format, CSV, the 4xx answers and
/// the health routes, checked against the model's own predictions.</summary>
public sealed class ScoringProtocolTests : ServingTestBase
{
    private RegisteredVersion _registered = null!;
    private RunningScoringServer _server = null!;

    private Uri Url => _server.BaseAddress;

    [OneTimeSetUp]
    public async Task ServeARegisteredVersionAsync()
    {
        _registered = await TrainAndRegisterAsync($"scoring-{Guid.NewGuid():N}", alpha: 0.1);
        _server = await ServeAsync($"models:/{_registered.Name}/{_registered.Version}");
    }

    [OneTimeTearDown]
    public async Task StopServingAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task Dataframe_split_in_any_column_order_with_extra_columns_scores_each_row()
    {
        // The target column rides along and is ignored; the columns are reversed.
        var columns = Wine.ColumnNames.Reverse().ToList();
        var rows = new[] { 0, 1, 2, 100, 4000 };

        var scored = await PostJsonAsync(Url, SplitPayload(columns, rows));

        scored.Status.Should().Be(HttpStatusCode.OK, scored.ToString());
        scored.ContentType.Should().Be("application/json");
        scored.ModelVersion.Should().Be(_registered.Version);
        scored.Predictions().Should().Equal(Expected(_registered.Model, rows));
    }

    [Test]
    public async Task Dataframe_split_with_data_before_columns_and_an_index_is_read_the_same()
    {
        var names = _registered.Model.FeatureNames;
        var json = "{\"dataframe_split\": {\"index\": [7], \"data\": [" + JsonSerializer.Serialize(Row(_registered.Model, 7))
            + "], \"columns\": " + JsonSerializer.Serialize(names) + "}, \"params\": {\"x\": 1}}";

        var scored = await PostJsonAsync(Url, json);

        scored.Predictions().Should().Equal(Expected(_registered.Model, [7]));
    }

    [Test]
    public async Task Dataframe_records_accept_integers_as_doubles_and_ignore_unknown_keys()
    {
        var names = _registered.Model.FeatureNames;
        var record = names.Select((n, j) => $"\"{n}\": {j + 1}").Append("\"comment\": \"ignored\"");
        var json = "{\"dataframe_records\": [{" + string.Join(", ", record) + "}]}";

        var scored = await PostJsonAsync(Url, json);

        scored.Status.Should().Be(HttpStatusCode.OK, scored.ToString());
        scored.Predictions().Should().Equal(_registered.Model.Predict(names.Select((_, j) => (double)(j + 1)).ToArray()));
    }

    [Test]
    public async Task Instances_as_records_and_as_rows_in_feature_order()
    {
        var rows = new[] { 3, 30, 300 };
        var records = JsonSerializer.Serialize(new
        {
            instances = rows.Select(i => Wine.ColumnNames.ToDictionary(c => c, c => Wine[i, Wine.IndexOf(c)])),
        });
        var positional = JsonSerializer.Serialize(new { instances = rows.Select(i => Row(_registered.Model, i)) });

        (await PostJsonAsync(Url, records)).Predictions().Should().Equal(Expected(_registered.Model, rows));
        (await PostJsonAsync(Url, positional)).Predictions().Should().Equal(Expected(_registered.Model, rows));
    }

    [Test]
    public async Task Inputs_as_a_dictionary_of_columns_or_of_one_rows_values()
    {
        var rows = new[] { 5, 50 };
        var columns = JsonSerializer.Serialize(new
        {
            inputs = Wine.ColumnNames.ToDictionary(c => c, c => rows.Select(i => Wine[i, Wine.IndexOf(c)]).ToArray()),
        });
        var single = JsonSerializer.Serialize(new { inputs = Wine.ColumnNames.ToDictionary(c => c, c => Wine[9, Wine.IndexOf(c)]) });

        (await PostJsonAsync(Url, columns)).Predictions().Should().Equal(Expected(_registered.Model, rows));
        (await PostJsonAsync(Url, single)).Predictions().Should().Equal(Expected(_registered.Model, [9]));
    }

    [Test]
    public async Task Csv_with_a_header_quoted_names_and_extra_columns([Values("text/csv", "text/csv; charset=utf-8")] string contentType)
    {
        var rows = new[] { 0, 11, 222 };
        var csv = new StringBuilder();
        csv.AppendLine("note," + string.Join(',', Wine.ColumnNames.Select(c => $"\"{c}\"")));
        foreach (var i in rows)
        {
            csv.Append("\"a, b\",").AppendLine(string.Join(',', Wine.ColumnNames.Select(c => Wine[i, Wine.IndexOf(c)].ToString("R", CultureInfo.InvariantCulture))));
        }

        var scored = await PostAsync(Url, csv.ToString(), contentType);

        scored.Status.Should().Be(HttpStatusCode.OK, scored.ToString());
        scored.Predictions().Should().Equal(Expected(_registered.Model, rows));
    }

    [Test]
    public async Task A_thousand_rows_in_one_request()
    {
        var rows = Enumerable.Range(1000, 1000).ToArray();

        var scored = await PostJsonAsync(Url, SplitPayload(_registered.Model.FeatureNames, rows));

        scored.Predictions().Should().Equal(Expected(_registered.Model, rows));
    }

    [Test]
    public async Task An_empty_list_of_rows_has_no_predictions()
    {
        var scored = await PostJsonAsync(Url, """{"dataframe_records": []}""");

        scored.Status.Should().Be(HttpStatusCode.OK, scored.ToString());
        scored.Body.Should().Be("""{"predictions":[]}""");
    }

    private static IEnumerable<TestCaseData> BadJson()
    {
        yield return new TestCaseData("{\"dataframe_split\": ", "valid JSON").SetName("Truncated JSON");
        yield return new TestCaseData("{\"inputs\": [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]]} trailing", "valid JSON").SetName("Trailing text");
        yield return new TestCaseData("", "valid JSON").SetName("Empty body");
        yield return new TestCaseData("[1, 2]", "Received a list").SetName("A list at the top");
        yield return new TestCaseData("{\"data\": [[1]]}", "Received dictionary with input fields: ['data']").SetName("No format key");
        yield return new TestCaseData("{\"instances\": [], \"inputs\": []}", "Received both 'instances' and 'inputs'").SetName("Two format keys");
        yield return new TestCaseData("{\"dataframe_split\": {\"columns\": [\"alcohol\"], \"data\": [[1]]}}", "Model is missing inputs ['fixed acidity'").SetName("Missing columns named");
        yield return new TestCaseData("{\"dataframe_records\": [{\"alcohol\": 1}]}", "Model is missing inputs ['fixed acidity'").SetName("Missing keys in a record");
        yield return new TestCaseData("{\"dataframe_split\": {\"data\": [[1, 2]]}}", "has 2 values; expected 11").SetName("Short positional row");
        yield return new TestCaseData("{\"dataframe_split\": 3}", "'dataframe_split' must be a dictionary").SetName("Split not an object");
        yield return new TestCaseData("{\"dataframe_records\": [[1]]}", "must be a dictionary of column names").SetName("Record not an object");
        yield return new TestCaseData("{\"instances\": [\"a\"]}", "received a list of the string").SetName("Instances of strings");
        yield return new TestCaseData("{\"inputs\": {\"alcohol\": [1, 2], \"pH\": [1]}}", "Model is missing inputs").SetName("Columns missing");
        yield return new TestCaseData("{\"dataframe_split\": {\"columns\": [\"alcohol\", \"alcohol\"], \"data\": []}}", "appears twice").SetName("Repeated column");
        yield return new TestCaseData("{\"y\": NaN, \"dataframe_split\": {\"columns\": [\"alcohol\"], \"data\": [[1]]}}", "valid JSON").SetName("NaN literal");
        yield return new TestCaseData("{\"inputs\": {\"alcohol\": \"x\"}}", "column 'alcohol'").SetName("String in a column dictionary");
    }

    [TestCaseSource(nameof(BadJson))]
    public async Task Malformed_json_is_400_with_MLflows_error_json(string json, string fragment)
    {
        var scored = await PostJsonAsync(Url, json);

        scored.Status.Should().Be(HttpStatusCode.BadRequest, scored.ToString());
        scored.ContentType.Should().Be("application/json");
        scored.ErrorCode().Should().Be("BAD_REQUEST");
        scored.Message().Should().Contain(fragment);
    }

    [TestCase("\"8.1\"", "the string \"8.1\"")]
    [TestCase("null", "null")]
    [TestCase("true", "a boolean")]
    [TestCase("[1]", "a list")]
    [TestCase("1e400", "a number outside the range of a double")]
    public async Task A_value_that_is_not_a_number_is_400_naming_the_column_and_row(string value, string described)
    {
        var names = _registered.Model.FeatureNames;
        string Record(Func<string, string> value) => "{" + string.Join(", ", names.Select(n => $"\"{n}\": {value(n)}")) + "}";
        var json = "{\"dataframe_records\": [" + Record(_ => "1") + ", " + Record(_ => "2") + ", " + Record(n => n == "alcohol" ? value : "1") + "]}";

        var scored = await PostJsonAsync(Url, json);

        scored.Status.Should().Be(HttpStatusCode.BadRequest, scored.ToString());
        scored.Message().Should().Be($"Incompatible input types for column 'alcohol': expected a number (double) but row 2 has {described}.");
    }

    [TestCase("alcohol\nabc", "Model is missing inputs ['fixed acidity'")]
    [TestCase("", "The CSV body is empty")]
    [TestCase("\"unclosed\n1", "without its closing quote")]
    public async Task Malformed_csv_is_400(string csv, string fragment)
    {
        var scored = await PostAsync(Url, csv, "text/csv");

        scored.Status.Should().Be(HttpStatusCode.BadRequest, scored.ToString());
        scored.ErrorCode().Should().Be("BAD_REQUEST");
        scored.Message().Should().Contain(fragment);
    }

    [TestCase("x", "line 2 of the CSV has \"x\"")]
    [TestCase("", "line 2 of the CSV has an empty value")]
    [TestCase("Infinity", "line 2 of the CSV has \"Infinity\"")]
    public async Task A_csv_value_that_is_not_a_number_is_400_naming_column_and_line(string value, string fragment)
    {
        var names = _registered.Model.FeatureNames;
        var csv = string.Join(',', names) + "\n" + string.Join(',', names.Select(n => n == "pH" ? value : "1")) + "\n";

        var scored = await PostAsync(Url, csv, "text/csv");

        scored.Status.Should().Be(HttpStatusCode.BadRequest, scored.ToString());
        scored.Message().Should().Contain("column 'pH'").And.Contain(fragment);
    }

    [Test]
    public async Task Invalid_utf8_is_400_not_500()
    {
        using var json = new ByteArrayContent([.. "{\"inputs\": {\""u8.ToArray(), 0xff, 0xfe, .. "\": 1}}"u8.ToArray()]);
        json.Headers.ContentType = new("application/json");
        using var csv = new ByteArrayContent([.. "alcohol"u8.ToArray(), 0xff]);
        csv.Headers.ContentType = new("text/csv");

        (await PostContentAsync(Url, json)).Status.Should().Be(HttpStatusCode.BadRequest);
        (await PostContentAsync(Url, csv)).Status.Should().Be(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task Inputs_too_large_for_a_finite_prediction_are_400()
    {
        // A model whose coefficients can push a sum of finite inputs past the double range.
        var directory = TempDirectory();
        var model = new ElasticNetModel("y", ["a", "b"], [10.0, 10.0], 0, new ElasticNetOptions());
        ModelPackage.Save(directory, model, new ModelPackageInfo());
        await using var server = await ServeAsync(directory);

        var scored = await PostJsonAsync(server.BaseAddress, """{"inputs": [[1, 2], [1e307, 1e308]]}""");

        scored.Status.Should().Be(HttpStatusCode.BadRequest, scored.ToString());
        scored.Message().Should().Be("The prediction for row 1 is not a finite number: its inputs are too large for the model.");
    }

    [TestCase("text/plain", "Got 'text/plain'")]
    [TestCase("application/json; charset=latin-1", "only supports UTF-8")]
    [TestCase("application/json; format=pandas-split", "Unrecognized content type parameters: format")]
    [TestCase(null, "This predictor only supports the following content types")]
    public async Task An_unsupported_content_type_is_415(string? contentType, string fragment)
    {
        var scored = await PostAsync(Url, "{\"inputs\": [[1]]}", contentType);

        scored.Status.Should().Be(HttpStatusCode.UnsupportedMediaType, scored.ToString());
        scored.Body.Should().Contain(fragment);
    }

    [TestCase("ping")]
    [TestCase("health")]
    public async Task Ping_and_health_answer_200(string route)
    {
        using var response = await Http.GetAsync(new Uri(Url, route));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/json");
        (await response.Content.ReadAsStringAsync()).Should().Be("\n");
    }

    [Test]
    public async Task Version_is_the_MLflow_version_of_the_protocol()
    {
        (await Http.GetStringAsync(new Uri(Url, "version"))).Should().Be("2.12.2");
    }
}
