using System.Text.Json;

namespace MlTrack.Server.Tests.ModelRegistry;

/// <summary>registered-models/search and model-versions/search; every query is narrowed to this fixture's prefix.</summary>
public sealed class RegistrySearchApiTests : RegistryTestBase
{
    private readonly string _prefix = $"search{Guid.NewGuid():N}";
    private readonly Dictionary<string, string> _runIds = [];

    private string Alpha => $"{_prefix}-alpha";

    private string Beta => $"{_prefix}-Beta";

    private string Gamma => $"{_prefix}-gamma";

    /// <summary>alpha (3 versions, tag team=core), Beta (1 version, team=edge), gamma (no versions, no tags).</summary>
    [OneTimeSetUp]
    public async Task CreateModelsAsync()
    {
        var experimentId = await Server.CreateExperimentAsync(_prefix);
        await CreateModelAsync(Alpha, new[] { new { key = "team", value = "core" } });
        await CreateModelAsync(Beta, new[] { new { key = "team", value = "edge" } });
        await CreateModelAsync(Gamma);
        foreach (var (model, index) in new[] { (Alpha, 1), (Alpha, 2), (Alpha, 3), (Beta, 1) })
        {
            // Distinct milliseconds, so that the timestamp orders below are not decided by their tie-breaks.
            await Task.Delay(5);
            var runId = await Server.CreateRunAsync(experimentId);
            _runIds[$"{model}/{index}"] = runId;
            var response = await Server.PostAsync($"{Versions}/create", new
            {
                name = model,
                source = $"runs:/{runId}/model-{index}",
                run_id = runId,
                tags = new[] { new { key = "quality", value = index == 2 ? "good" : "ok" } },
            });
            response.EnsureOk();
        }

        // Beta is touched last, so it is the most recently updated model.
        await Task.Delay(5);
        (await PatchAsync($"{Models}/update", new { name = Beta, description = "touched" })).EnsureOk();
    }

    [Test]
    public async Task ModelsFilterOnNameLikeCaseSensitivelyAndIlikeInsensitively()
    {
        (await ModelNames($"name LIKE '{_prefix}-%a'")).Should().Equal(Beta, Alpha, Gamma);
        (await ModelNames($"name LIKE '{_prefix}-b%'")).Should().BeEmpty();
        (await ModelNames($"name ILIKE '{_prefix}-b%'")).Should().Equal(Beta);
        (await ModelNames($"name = '{Gamma}'")).Should().Equal(Gamma);
        (await ModelNames($"name != '{Gamma}' AND name LIKE '{_prefix}%'")).Should().Equal(Beta, Alpha);
    }

    [Test]
    public async Task ModelsFilterOnTags()
    {
        (await ModelNames($"name LIKE '{_prefix}%' AND tags.team = 'core'")).Should().Equal(Alpha);
        (await ModelNames($"name LIKE '{_prefix}%' AND tags.team != 'core'")).Should().Equal(Beta);
        (await ModelNames($"name LIKE '{_prefix}%' AND tags.`team` ILIKE '%E'")).Should().Equal(Beta, Alpha);
        (await ModelNames($"name LIKE '{_prefix}%' AND tags.missing = 'x'")).Should().BeEmpty();
    }

    [Test]
    public async Task ModelsComeWithLatestVersionsTagsAndAliases()
    {
        var response = await Server.GetAsync($"{Models}/search?filter={Uri.EscapeDataString($"name = '{Alpha}'")}");

        var model = response.Json.GetProperty("registered_models")[0];
        List(model, "latest_versions").Select(v => Str(v, "version")).Should().Equal("3");
        Tags(model).Should().Equal(new Dictionary<string, string> { ["team"] = "core" });
    }

    [Test]
    public async Task ModelsOrderByNameOrTimestamp()
    {
        var filter = $"name LIKE '{_prefix}%'";

        (await ModelNames(filter, "name DESC")).Should().Equal(Gamma, Alpha, Beta);
        (await ModelNames(filter, "timestamp DESC")).Should().StartWith(Beta);
        (await ModelNames(filter, "last_updated_timestamp ASC")).Should().EndWith(Beta);
    }

    [Test]
    public async Task ModelsPageWithATokenOnlyWhileMoreRowsExist()
    {
        var filter = Uri.EscapeDataString($"name LIKE '{_prefix}%'");

        var first = await Server.GetAsync($"{Models}/search?filter={filter}&max_results=2");
        var token = Str(first.Json, "next_page_token");
        var second = await Server.GetAsync($"{Models}/search?filter={filter}&max_results=2&page_token={Uri.EscapeDataString(token)}");
        var exact = await Server.GetAsync($"{Models}/search?filter={filter}&max_results=3");

        List(first.Json, "registered_models").Select(m => Str(m, "name")).Should().Equal(Beta, Alpha);
        List(second.Json, "registered_models").Select(m => Str(m, "name")).Should().Equal(Gamma);
        second.Json.TryGetProperty("next_page_token", out _).Should().BeFalse();
        exact.Json.TryGetProperty("next_page_token", out _).Should().BeFalse();
    }

    [Test]
    public async Task ModelSearchErrors()
    {
        var tooMany = await Server.GetAsync($"{Models}/search?max_results=1001");
        var zero = await Server.GetAsync($"{Models}/search?max_results=0");
        var badKey = await Server.GetAsync($"{Models}/search?filter={Uri.EscapeDataString("description = 'x'")}");
        var badOrder = await Server.GetAsync($"{Models}/search?order_by=creation_time");
        var badToken = await Server.GetAsync($"{Models}/search?page_token=not-a-token");
        var nothing = await Server.GetAsync($"{Models}/search?filter={Uri.EscapeDataString("name = 'no-such-model'")}");

        tooMany.Status.Should().Be(400);
        tooMany.Message.Should().Be("Invalid value for request parameter max_results. It must be at most 1000, but got value 1001");
        zero.Status.Should().Be(400);
        badKey.Status.Should().Be(400);
        badKey.Message.Should().StartWith("Invalid attribute key 'description' specified.");
        badOrder.Status.Should().Be(400);
        badToken.Status.Should().Be(400);
        nothing.Status.Should().Be(200);
        nothing.Body.Should().Be("{}");
    }

    [Test]
    public async Task VersionsDefaultToNewestUpdateFirst()
    {
        var versions = await VersionKeys($"name LIKE '{_prefix}%'");

        versions.Should().Equal($"{Beta}/1", $"{Alpha}/3", $"{Alpha}/2", $"{Alpha}/1");
    }

    [Test]
    public async Task VersionsFilterOnNameNumberRunSourceAndTags()
    {
        var inAlpha = $"name = '{Alpha}'";
        var run2 = _runIds[$"{Alpha}/2"];
        var run3 = _runIds[$"{Alpha}/3"];

        (await VersionKeys($"{inAlpha} AND version_number > 1", "version_number ASC")).Should().Equal($"{Alpha}/2", $"{Alpha}/3");
        (await VersionKeys($"{inAlpha} AND version_number = '2'")).Should().Equal($"{Alpha}/2");
        (await VersionKeys($"run_id = '{run2}'")).Should().Equal($"{Alpha}/2");
        (await VersionKeys($"run_id IN ('{run2}', '{run3}')", "version_number DESC")).Should().Equal($"{Alpha}/3", $"{Alpha}/2");
        (await VersionKeys($"{inAlpha} AND source_path LIKE 'runs:/%/model-1'")).Should().Equal($"{Alpha}/1");
        (await VersionKeys($"name LIKE '{_prefix}%' AND tags.quality = 'good'")).Should().Equal($"{Alpha}/2");
        (await VersionKeys($"name ILIKE '{_prefix}-beta'")).Should().Equal($"{Beta}/1");
    }

    [Test]
    public async Task VersionsOrderByTheGivenKeysThenNameAndVersion()
    {
        var filter = $"name LIKE '{_prefix}%'";

        (await VersionKeys(filter, "name DESC")).Should().Equal($"{Alpha}/3", $"{Alpha}/2", $"{Alpha}/1", $"{Beta}/1");
        (await VersionKeys(filter, "creation_timestamp ASC")).Should().Equal($"{Alpha}/1", $"{Alpha}/2", $"{Alpha}/3", $"{Beta}/1");
        (await VersionKeys(filter, "version_number ASC")).Should().Equal($"{Beta}/1", $"{Alpha}/1", $"{Alpha}/2", $"{Alpha}/3");
    }

    [Test]
    public async Task VersionsPageAndDeletedOnesAreNeverFound()
    {
        var filter = Uri.EscapeDataString($"name LIKE '{_prefix}%'");

        var first = await Server.GetAsync($"{Versions}/search?filter={filter}&max_results=3");
        var second = await Server.GetAsync(
            $"{Versions}/search?filter={filter}&max_results=3&page_token={Uri.EscapeDataString(Str(first.Json, "next_page_token"))}");

        List(first.Json, "model_versions").Should().HaveCount(3);
        List(second.Json, "model_versions").Should().HaveCount(1);
        second.Json.TryGetProperty("next_page_token", out _).Should().BeFalse();

        var name = await CreateModelAsync();
        await CreateVersionAsync(name);
        await CreateVersionAsync(name);
        (await DeleteAsync($"{Versions}/delete", new { name, version = "1" })).EnsureOk();
        (await VersionKeys($"name = '{name}'")).Should().Equal($"{name}/2");
    }

    [Test]
    public async Task VersionSearchErrors()
    {
        var tooMany = await Server.GetAsync($"{Versions}/search?max_results=200001");
        var badKey = await Server.GetAsync($"{Versions}/search?filter={Uri.EscapeDataString("stage = 'None'")}");
        var inOnName = await Server.GetAsync($"{Versions}/search?filter={Uri.EscapeDataString("name IN ('a')")}");
        var badOrder = await Server.GetAsync($"{Versions}/search?order_by=run_id");
        var duplicate = await Server.GetAsync($"{Versions}/search?order_by=name&order_by=name%20DESC");

        tooMany.Status.Should().Be(400);
        tooMany.Message.Should().Be("Invalid value for request parameter max_results. It must be at most 200000, but got value 200001");
        badKey.Status.Should().Be(400);
        inOnName.Status.Should().Be(400);
        badOrder.Status.Should().Be(400);
        duplicate.Status.Should().Be(400);
    }

    private async Task<List<string>> ModelNames(string filter, string? orderBy = null)
    {
        var query = $"filter={Uri.EscapeDataString(filter)}" + (orderBy is null ? "" : $"&order_by={Uri.EscapeDataString(orderBy)}");
        var response = await Server.GetAsync($"{Models}/search?{query}");
        response.EnsureOk();
        return [.. List(response.Json, "registered_models").Select(m => Str(m, "name"))];
    }

    private async Task<List<string>> VersionKeys(string filter, string? orderBy = null)
    {
        var query = $"filter={Uri.EscapeDataString(filter)}" + (orderBy is null ? "" : $"&order_by={Uri.EscapeDataString(orderBy)}");
        var response = await Server.GetAsync($"{Versions}/search?{query}");
        response.EnsureOk();
        return [.. List(response.Json, "model_versions").Select(Key)];
    }

    private static string Key(JsonElement version) => $"{Str(version, "name")}/{Str(version, "version")}";
}
