using System.Net.Http.Headers;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Auth;

/// <summary>
/// Searches by a user who may not read everything: pages hold only readable items, every page but the last is full,
/// and following the tokens lists each readable item exactly once, with unreadable ones interleaved among them.
/// </summary>
[TestFixture("NO_PERMISSIONS")]
[TestFixture("READ")]
public sealed class FilteredSearchTests(string defaultPermission)
{
    private const int Items = 7;
    private RunningServer _server = null!;
    private AuthenticationHeaderValue _admin = null!;
    private AuthenticationHeaderValue _user = null!;
    private string _prefix = "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await AuthServer.StartAsync(defaultPermission);
        _admin = AuthServer.Basic(AuthServer.Admin, AuthServer.AdminPassword);
        _user = await _server.CreateUserAsync("pager");
        _prefix = "p" + Guid.NewGuid().ToString("N")[..8];
        var run = (await Call(_admin, HttpMethod.Post, "runs/create", new { experiment_id = "0" })).Json
            .GetProperty("run").GetProperty("info").GetProperty("run_id").GetString();
        for (var i = 0; i < Items; i++)
        {
            var name = Name(i);
            var experiment = (await Call(_admin, HttpMethod.Post, "experiments/create", new { name })).Json.GetProperty("experiment_id").GetString();
            (await Call(_admin, HttpMethod.Post, "registered-models/create", new { name })).EnsureOk();
            (await Call(_admin, HttpMethod.Post, "model-versions/create", new { name, source = $"runs:/{run}/model", run_id = run })).EnsureOk();

            // Odd items are unreadable: under READ by default a grant takes them away, otherwise one gives the rest.
            var permission = Readable(i) ? "READ" : "NO_PERMISSIONS";
            if (permission != defaultPermission)
            {
                (await Call(_admin, HttpMethod.Post, "experiments/permissions/create", new { experiment_id = experiment, username = "pager", permission })).EnsureOk();
                (await Call(_admin, HttpMethod.Post, "registered-models/permissions/create", new { name, username = "pager", permission })).EnsureOk();
            }
        }
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    [Test]
    public async Task ExperimentPagesAreFullAndListEachReadableExperimentOnce()
    {
        var pages = await PagesAsync(token => Call(_user, HttpMethod.Post, "experiments/search",
            new { max_results = 2, filter = $"name LIKE '{_prefix}%'", page_token = token }), "experiments", "name");

        pages.Select(p => p.Count).Should().Equal(2, 2);
        // Newest first, as experiments/search orders by default.
        pages.SelectMany(p => p).Should().Equal(ReadableNames().Reverse());
    }

    [TestCase("registered-models/search", "registered_models")]
    [TestCase("model-versions/search", "model_versions")]
    public async Task RegistryPagesAreFullAndListEachReadableModelOnce(string route, string list)
    {
        var filter = Uri.EscapeDataString($"name LIKE '{_prefix}%'");
        var pages = await PagesAsync(token => Call(_user, HttpMethod.Get, $"{route}?max_results=3&filter={filter}&page_token={token}"), list, "name");

        pages.Select(p => p.Count).Should().Equal(3, 1);
        pages.SelectMany(p => p).Should().BeEquivalentTo(ReadableNames());
    }

    [Test]
    public async Task AnAdminSeesEveryItem()
    {
        var pages = await PagesAsync(token => Call(_admin, HttpMethod.Post, "experiments/search",
            new { max_results = 5, filter = $"name LIKE '{_prefix}%'", page_token = token }), "experiments", "name");

        pages.Select(p => p.Count).Should().Equal(5, 2);
    }

    private string Name(int i) => $"{_prefix}-{i}";

    private static bool Readable(int i) => i % 2 == 0;

    private IEnumerable<string> ReadableNames() => Enumerable.Range(0, Items).Where(Readable).Select(Name);

    private Task<ApiResponse> Call(AuthenticationHeaderValue auth, HttpMethod method, string route, object? body = null) =>
        _server.CallAsync(auth, method, "/api/2.0/mlflow/" + route, body);

    private static async Task<List<List<string>>> PagesAsync(Func<string?, Task<ApiResponse>> search, string list, string field)
    {
        var pages = new List<List<string>>();
        string? token = null;
        do
        {
            var response = await search(token);
            response.EnsureOk();
            pages.Add(response.Json.TryGetProperty(list, out var items) ? [.. items.EnumerateArray().Select(e => e.GetProperty(field).GetString()!)] : []);
            token = response.Json.TryGetProperty("next_page_token", out var next) ? next.GetString() : null;
        }
        while (token is not null && pages.Count < 10);

        return pages;
    }
}
