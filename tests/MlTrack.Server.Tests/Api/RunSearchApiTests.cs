using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Api;

/// <summary>runs/search over a small known experiment: filters, ordering, view types and paging.</summary>
public sealed class RunSearchApiTests : ServerTestBase
{
    private const string Search = "/api/2.0/mlflow/runs/search";
    private readonly Dictionary<string, string> _ids = [];
    private string _experimentId = "";

    // name: start_time, alpha param, rmse metric (null = not logged), tag
    private static readonly (string Name, long Start, string? Alpha, double? Rmse, string Team)[] Runs =
    [
        ("r1", 1000, "0.5", 0.7, "Vision"),
        ("r2", 2000, "0.5", 0.9, "vision"),
        ("r3", 3000, "0.1", 0.2, "nlp"),
        ("r4", 4000, null, null, "nlp"),
        ("r5", 5000, "0.5", double.NaN, "Vision"),
    ];

    [OneTimeSetUp]
    public async Task CreateRunsAsync()
    {
        _experimentId = await Server.CreateExperimentAsync("search");
        foreach (var run in Runs)
        {
            var id = await Server.CreateRunAsync(_experimentId, run.Start, run.Name);
            _ids[run.Name] = id;
            (await Server.PostAsync("/api/2.0/mlflow/runs/log-batch", new
            {
                run_id = id,
                @params = run.Alpha is null ? [] : new[] { new { key = "alpha", value = run.Alpha } },
                metrics = run.Rmse is null ? [] : new[] { new { key = "rmse", value = (object)(double.IsNaN(run.Rmse.Value) ? "NaN" : run.Rmse.Value), timestamp = 1L, step = 0L } },
                tags = new[] { new { key = "team", value = run.Team } },
            })).EnsureOk();
        }

        await LogDatasetAsync("r1", "wine", "d1", "training");
        await LogDatasetAsync("r2", "wine", "d2", "eval");
        await LogDatasetAsync("r3", "reviews", "d3", "training");
        (await Server.PostAsync("/api/2.0/mlflow/runs/update", new { run_id = _ids["r3"], status = "FINISHED", end_time = 3500 })).EnsureOk();
        (await Server.PostAsync("/api/2.0/mlflow/runs/delete", new { run_id = _ids["r4"] })).EnsureOk();
    }

    [TestCase("", new[] { "r5", "r3", "r2", "r1" })]
    [TestCase("metrics.rmse < 0.8", new[] { "r3", "r1" })]
    [TestCase("metrics.rmse >= 0.7 and params.alpha = '0.5'", new[] { "r2", "r1" })]
    [TestCase("metrics.rmse != 0.7", new[] { "r5", "r3", "r2" })]
    [TestCase("params.alpha != '0.5'", new[] { "r3" })]
    [TestCase("params.alpha LIKE '0.%'", new[] { "r5", "r3", "r2", "r1" })]
    [TestCase("tags.team = 'Vision'", new[] { "r5", "r1" })]
    [TestCase("tags.team LIKE 'V%'", new[] { "r5", "r1" })]
    [TestCase("tags.team ILIKE 'v%'", new[] { "r5", "r2", "r1" })]
    [TestCase("tags.`team` = 'nlp'", new[] { "r3" })]
    [TestCase("attributes.status = 'FINISHED'", new[] { "r3" })]
    [TestCase("attributes.start_time >= 2000 AND attributes.start_time < 5000", new[] { "r3", "r2" })]
    [TestCase("attributes.end_time = 3500", new[] { "r3" })]
    [TestCase("run_name = 'r2'", new[] { "r2" })]
    [TestCase("attributes.run_name LIKE 'r%' and attributes.run_name != 'r1'", new[] { "r5", "r3", "r2" })]
    [TestCase("tags.mlflow.runName = 'r1'", new[] { "r1" })]
    [TestCase("params.missing = 'x'", new string[0])]
    // Several lookups: the likeliest narrowest is walked, the others probed per run; each kind in either role.
    [TestCase("metrics.rmse != 0.7 and params.alpha = '0.5'", new[] { "r5", "r2" })]
    [TestCase("params.alpha LIKE '0.%' and tags.team = 'nlp' and metrics.rmse < 1", new[] { "r3" })]
    [TestCase("tags.team ILIKE 'V%' and metrics.rmse > 0.1 and params.alpha != '0.1'", new[] { "r2", "r1" })]
    [TestCase("datasets.name = 'wine' and params.alpha = '0.5'", new[] { "r2", "r1" })]
    [TestCase("params.alpha = '0.5' and datasets.name = 'wine' and datasets.context = 'eval'", new[] { "r2" })]
    [TestCase("metrics.rmse < 0.8 and datasets.digest IN ('d1', 'd3')", new[] { "r3", "r1" })]
    [TestCase("tags.team != 'x' and datasets.context = 'training' and run_name != 'r1'", new[] { "r3" })]
    public async Task FiltersSelectTheMatchingActiveRunsNewestFirst(string filter, string[] expected)
    {
        (await Names(new { experiment_ids = new[] { _experimentId }, filter })).Should().Equal(expected);
    }

    [Test]
    public async Task RunIdInSelectsListedRunsAndDropsUpperCaseIds()
    {
        var filter = $"attributes.run_id IN ('{_ids["r1"]}', '{_ids["r3"]}', '{_ids["r2"].ToUpperInvariant()}')";

        (await Names(new { experiment_ids = new[] { _experimentId }, filter })).Should().Equal("r3", "r1");
    }

    private async Task LogDatasetAsync(string run, string name, string digest, string context) =>
        (await Server.PostAsync("/api/2.0/mlflow/runs/log-inputs", new
        {
            run_id = _ids[run],
            datasets = new[]
            {
                new
                {
                    tags = new[] { new { key = "mlflow.data.context", value = context } },
                    dataset = new { name, digest, source_type = "local", source = "{}" },
                },
            },
        })).EnsureOk();

    [TestCase("metrics.rmse ASC", new[] { "r3", "r1", "r2", "r5" })]
    [TestCase("metrics.rmse DESC", new[] { "r2", "r1", "r3", "r5" })]
    [TestCase("params.alpha", new[] { "r3", "r5", "r2", "r1" })]
    [TestCase("attributes.start_time ASC", new[] { "r1", "r2", "r3", "r5" })]
    [TestCase("tags.team DESC", new[] { "r2", "r3", "r5", "r1" })]
    [TestCase("attributes.run_name DESC", new[] { "r5", "r3", "r2", "r1" })]
    public async Task OrderByPutsMissingAndNaNLastInBothDirections(string orderBy, string[] expected)
    {
        (await Names(new { experiment_ids = new[] { _experimentId }, order_by = new[] { orderBy } })).Should().Equal(expected);
    }

    [TestCase("ACTIVE_ONLY", new[] { "r5", "r3", "r2", "r1" })]
    [TestCase("DELETED_ONLY", new[] { "r4" })]
    [TestCase("ALL", new[] { "r5", "r4", "r3", "r2", "r1" })]
    [TestCase("2", new[] { "r4" })]
    public async Task RunViewTypeSelectsByLifecycleStage(string viewType, string[] expected)
    {
        (await Names(new { experiment_ids = new[] { _experimentId }, run_view_type = viewType })).Should().Equal(expected);
    }

    [Test]
    public async Task PagesFollowTokensAndAFullPageAlwaysCarriesOne()
    {
        var first = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, max_results = 2 });
        var token = first.Json.GetProperty("next_page_token").GetString();
        var second = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, max_results = 2, page_token = token });
        var token2 = second.Json.GetProperty("next_page_token").GetString();
        var third = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, max_results = 2, page_token = token2 });

        var decoded = System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(token!)).RootElement;
        decoded.GetProperty("offset").GetInt32().Should().Be(2, "the token keeps MLflow's offset beside the seek key");
        Ids(second).Should().Equal(_ids["r2"], _ids["r1"]);
        third.Body.Should().Be("{}", "the page after a full last page is empty and has no token");
    }

    [TestCase(null)]
    [TestCase("metrics.rmse DESC")]
    [TestCase("tags.team")]
    public async Task PagingNeitherRepeatsNorSkipsRunsWhenNewRunsArriveBetweenPages(string? orderBy)
    {
        var experimentId = await Server.CreateExperimentAsync("paging");
        for (var i = 0; i < 6; i++)
        {
            var runId = await Server.CreateRunAsync(experimentId, 1000 + i, $"p{i}");
            (await Server.PostAsync("/api/2.0/mlflow/runs/log-batch", new
            {
                run_id = runId,
                metrics = new[] { new { key = "rmse", value = i / 10.0, timestamp = 1L, step = 0L } },
                tags = new[] { new { key = "team", value = $"t{i}" } },
            })).EnsureOk();
        }

        object Body(string? token) => new { experiment_ids = new[] { experimentId }, max_results = 3, order_by = orderBy is null ? [] : new[] { orderBy }, page_token = token };
        var first = await Server.PostAsync(Search, Body(null));
        // A newer run, with the best rmse and the first tag, would come first in every ordering and shift an offset.
        var newcomer = await Server.CreateRunAsync(experimentId, 9999, "newcomer");
        (await Server.PostAsync("/api/2.0/mlflow/runs/log-batch", new
        {
            run_id = newcomer,
            metrics = new[] { new { key = "rmse", value = orderBy == "metrics.rmse DESC" ? 9.0 : -1.0, timestamp = 1L, step = 0L } },
            tags = new[] { new { key = "team", value = "a" } },
        })).EnsureOk();
        var second = await Server.PostAsync(Search, Body(first.Json.GetProperty("next_page_token").GetString()));

        var pages = Names(first).Concat(Names(second)).ToList();
        pages.Should().OnlyHaveUniqueItems().And.HaveCount(6).And.NotContain("newcomer");
    }

    private static string[] Names(ApiResponse response) =>
        [.. response.Json.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_name").GetString()!)];

    [Test]
    public async Task ATokenFromAnotherOrderingFallsBackToItsOffset()
    {
        var first = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, max_results = 2, order_by = new[] { "metrics.rmse" } });
        var token = first.Json.GetProperty("next_page_token").GetString();

        var other = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, max_results = 2, page_token = token });

        Ids(other).Should().Equal(new[] { _ids["r2"], _ids["r1"] }, "offset 2 of the default order");
    }

    [Test]
    public async Task SearchesSeveralExperimentsAtOnceAndIgnoresUnknownIds()
    {
        var other = await Server.CreateExperimentAsync("other");
        var otherRun = await Server.CreateRunAsync(other, 9000, "o1");

        var names = await Names(new { experiment_ids = new[] { _experimentId, other, "999999" }, filter = "attributes.start_time > 4000" });

        names.Should().Equal("o1", "r5");
        otherRun.Should().NotBeEmpty();
    }

    [Test]
    public async Task ReturnedRunsCarryTheirLatestMetricsParamsTagsAndInputs()
    {
        var response = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, filter = "run_name = 'r1'" });

        var run = response.Json.GetProperty("runs")[0];
        run.GetProperty("data").GetProperty("metrics")[0].GetProperty("value").GetDouble().Should().Be(0.7);
        run.GetProperty("data").GetProperty("params")[0].GetProperty("value").GetString().Should().Be("0.5");
        RunsApiTests.Tags(run)["team"].Should().Be("Vision");
        var input = run.GetProperty("inputs").GetProperty("dataset_inputs")[0];
        input.GetProperty("dataset").GetProperty("name").GetString().Should().Be("wine");
        input.GetProperty("tags")[0].GetProperty("value").GetString().Should().Be("training");
        var withoutInputs = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, filter = "run_name = 'r5'" });
        withoutInputs.Json.GetProperty("runs")[0].GetProperty("inputs").GetRawText().Should().Be("{}");
    }

    // PostgreSQL indexes the first 512 characters of a value: values that share them must still be told apart.
    [TestCase("params.v = '{0}'", "p511")]
    [TestCase("params.v = '{1}'", "p512")]
    [TestCase("params.v = '{2}'", "p513")]
    [TestCase("params.v != '{1}'", "pé,p513,p511")]
    [TestCase("tags.v = '{1}'", "p512")]
    [TestCase("tags.v = '{3}'", "pé")]
    [TestCase("tags.v LIKE '{0}%'", "p513,p512,p511")]
    public async Task LongValuesSharingAPrefixAreComparedWhole(string template, string expected)
    {
        var experiment = await Server.CreateExperimentAsync("long-values");
        string[] values = [new('a', 511), new('a', 512), new string('a', 512) + "b", new('é', 600)];
        string[] names = ["p511", "p512", "p513", "pé"];
        for (var i = 0; i < values.Length; i++)
        {
            var run = await Server.CreateRunAsync(experiment, 1000 + i, names[i]);
            (await Server.PostAsync("/api/2.0/mlflow/runs/log-batch", new
            {
                run_id = run,
                @params = new[] { new { key = "v", value = values[i] } },
                tags = new[] { new { key = "v", value = values[i] } },
            })).EnsureOk();
        }

        var filter = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, values.Cast<object>().ToArray());

        (await Names(new { experiment_ids = new[] { experiment }, filter })).Should().Equal(expected.Split(','));
    }

    [TestCase("metrics.rmse < 0.8 OR params.alpha = '0.5'", "OR")]
    [TestCase("metrics.rmse < 'abc'", "abc")]
    [TestCase("params.alpha = 0.5", "0.5")]
    [TestCase("foo.bar = 'x'", "foo")]
    [TestCase("params.alpha = 'x'; DROP TABLE runs", "DROP")]
    public async Task InvalidFiltersAreRefusedNamingTheOffendingText(string filter, string offending)
    {
        var response = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, filter });

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        response.Message.Should().Contain(offending);
    }

    [Test]
    public async Task ValuesThatLookLikeSqlAreOnlyEverComparedAsValues()
    {
        var names = await Names(new { experiment_ids = new[] { _experimentId }, filter = "params.alpha = '0.5'' OR ''1''=''1'" });

        names.Should().BeEmpty();
        (await Names(new { experiment_ids = new[] { _experimentId } })).Should().HaveCount(4, "nothing was changed either");
    }

    [TestCase(0)]
    [TestCase(50_001)]
    public async Task MaxResultsOutOfRangeIsRefused(int maxResults)
    {
        var response = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, max_results = maxResults });

        response.Status.Should().Be(400);
    }

    [Test]
    public async Task DuplicateOrderByKeysAre400NotMlflows500()
    {
        var response = await Server.PostAsync(Search, new { experiment_ids = new[] { _experimentId }, order_by = new[] { "metrics.rmse", "metrics.rmse DESC" } });

        response.Status.Should().Be(400);
        response.Message.Should().Contain("duplicate");
    }

    private async Task<string[]> Names(object body)
    {
        var response = await Server.PostAsync(Search, body);
        response.EnsureOk();
        return response.Json.TryGetProperty("runs", out var runs)
            ? [.. runs.EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_name").GetString()!)]
            : [];
    }

    private static string[] Ids(ApiResponse response) =>
        [.. response.Json.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("info").GetProperty("run_id").GetString()!)];
}
