using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Api;

/// <summary>experiments/search gets its own server: it sees every experiment, so others' tests would leak in.</summary>
public sealed class ExperimentSearchApiTests : ServerTestBase
{
    private const string Search = "/api/2.0/mlflow/experiments/search";
    private readonly string _prefix = $"search-{Guid.NewGuid():N}";

    [OneTimeSetUp]
    public async Task CreateExperimentsAsync()
    {
        foreach (var name in new[] { "alpha", "Beta", "gamma", "delta" })
        {
            var id = (await Server.PostAsync("/api/2.0/mlflow/experiments/create", new
            {
                name = $"{_prefix}-{name}",
                tags = new[] { new { key = "kind", value = name.Length > 4 ? "long" : "short" } },
            })).Json.GetProperty("experiment_id").GetString();
            if (name == "delta")
            {
                (await Server.PostAsync("/api/2.0/mlflow/experiments/delete", new { experiment_id = id })).EnsureOk();
            }
        }
    }

    [Test]
    public async Task WithoutMaxResultsIsRefusedAsMlflowDoes()
    {
        var response = await Server.PostAsync(Search, "{}");

        response.Status.Should().Be(400);
        response.Message.Should().Be("Invalid value for max_results. It must be a positive integer, but got 0");
    }

    [Test]
    public async Task MaxResultsAbove50000IsRefused()
    {
        var response = await Server.PostAsync(Search, new { max_results = 50_001 });

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [Test]
    public async Task FiltersOnNameLikeCaseSensitivelyAndIlikeInsensitively()
    {
        var like = await Names(new { max_results = 100, filter = $"name LIKE '{_prefix}-%eta'" });
        var likeCase = await Names(new { max_results = 100, filter = $"name LIKE '{_prefix}-b%'" });
        var ilike = await Names(new { max_results = 100, filter = $"name ILIKE '{_prefix}-b%'" });

        like.Should().Equal($"{_prefix}-Beta");
        likeCase.Should().BeEmpty();
        ilike.Should().Equal($"{_prefix}-Beta");
    }

    [Test]
    public async Task FiltersOnTagsAndOrdersByName()
    {
        var names = await Names(new { max_results = 100, filter = $"name LIKE '{_prefix}%' AND tags.kind = 'long'", order_by = new[] { "name DESC" } });

        names.Should().Equal($"{_prefix}-gamma", $"{_prefix}-alpha");
    }

    [TestCase("ACTIVE_ONLY", new[] { "Beta", "alpha", "gamma" })]
    [TestCase("DELETED_ONLY", new[] { "delta" })]
    [TestCase("ALL", new[] { "Beta", "alpha", "delta", "gamma" })]
    [TestCase("3", new[] { "Beta", "alpha", "delta", "gamma" })]
    public async Task ViewTypeSelectsByLifecycleStage(string viewType, string[] expected)
    {
        var names = await Names(new { max_results = 100, filter = $"name LIKE '{_prefix}%'", view_type = viewType, order_by = new[] { "name" } });

        names.Should().Equal(expected.Select(n => $"{_prefix}-{n}"));
    }

    [Test]
    public async Task PagesCarryATokenOnlyWhileMoreRowsExist()
    {
        var filter = $"name LIKE '{_prefix}%'";
        var first = await Server.PostAsync(Search, new { max_results = 2, filter, order_by = new[] { "name" } });
        var token = first.Json.GetProperty("next_page_token").GetString();
        var second = await Server.PostAsync(Search, new { max_results = 2, filter, order_by = new[] { "name" }, page_token = token });

        first.Json.GetProperty("experiments").GetArrayLength().Should().Be(2);
        second.Json.GetProperty("experiments").GetArrayLength().Should().Be(1);
        second.Json.TryGetProperty("next_page_token", out _).Should().BeFalse();
    }

    [Test]
    public async Task GetWithQueryStringWorksAsTheUiSendsIt()
    {
        var filter = Uri.EscapeDataString($"name = '{_prefix}-gamma'");
        var response = await Server.GetAsync($"/ajax-api/2.0/mlflow/experiments/search?max_results=20000&filter={filter}");

        response.Status.Should().Be(200);
        response.Json.GetProperty("experiments")[0].GetProperty("name").GetString().Should().Be($"{_prefix}-gamma");
    }

    [Test]
    public async Task NoMatchAnswersAnEmptyObject()
    {
        var response = await Server.PostAsync(Search, new { max_results = 10, filter = "name = 'no-such-experiment'" });

        response.Body.Should().Be("{}");
    }

    [TestCase("name = 'x' OR name = 'y'")]
    [TestCase("nme = 'x'")]
    [TestCase("creation_time > 'abc'")]
    public async Task InvalidFiltersAreInvalidParameterValue(string filter)
    {
        var response = await Server.PostAsync(Search, new { max_results = 10, filter });

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    [Test]
    public async Task ABadPageTokenIsRefused()
    {
        var response = await Server.PostAsync(Search, new { max_results = 10, page_token = "not-a-token!" });

        response.Status.Should().Be(400);
        response.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
    }

    private async Task<string[]> Names(object body)
    {
        var response = await Server.PostAsync(Search, body);
        response.EnsureOk();
        return response.Json.TryGetProperty("experiments", out var experiments)
            ? [.. experiments.EnumerateArray().Select(e => e.GetProperty("name").GetString()!)]
            : [];
    }
}
