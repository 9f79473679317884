using System.Net;
using MlTrack.Client;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Cli.Tests.Serving;

/// <summary>What `models serve -m` accepts: a local directory, runs:/, models:/NAME/VERSION, models:/NAME@ALIAS, and
/// the one-line errors for what it cannot serve.</summary>
public sealed class ModelSourceTests : ServingTestBase
{
    private RegisteredVersion _registered = null!;

    [OneTimeSetUp]
    public async Task RegisterAsync() => _registered = await TrainAndRegisterAsync($"sources-{Guid.NewGuid():N}", alpha: 0.3);

    private static IEnumerable<string> Uris() => ["dir", "runs", "version", "alias"];

    [TestCaseSource(nameof(Uris))]
    public async Task Each_kind_of_model_uri_serves_the_same_model(string kind)
    {
        await Client.RegisteredModels.SetAliasAsync(_registered.Name, "champion", _registered.Version);
        var uri = kind switch
        {
            "dir" => _registered.LocalDirectory,
            "runs" => $"runs:/{_registered.RunId}/model",
            "version" => $"models:/{_registered.Name}/{_registered.Version}",
            _ => $"models:/{_registered.Name}@champion",
        };
        await using var server = await ServeAsync(uri);
        var rows = new[] { 1, 2, 3 };

        var scored = await PostJsonAsync(server.BaseAddress, SplitPayload(_registered.Model.FeatureNames, rows));

        scored.Status.Should().Be(HttpStatusCode.OK, scored.ToString());
        scored.Predictions().Should().Equal(Expected(_registered.Model, rows));
        scored.ModelVersion.Should().Be(kind is "version" or "alias" ? _registered.Version : null);
    }

    [TestCase("models:/no-such-model-anywhere/1", "RESOURCE_DOES_NOT_EXIST")]
    [TestCase("s3://bucket/model", "is not a model this tool can serve")]
    [TestCase("models:/name@", "names no alias")]
    [TestCase("models:/name", "names no version")]
    [TestCase("no/such/directory", "does not exist")]
    public async Task A_model_that_cannot_be_served_is_one_error_line(string uri, string fragment)
    {
        var result = await MltrackAsync("models", "serve", "-m", uri, "-p", "0");

        ShouldFailWithOneLine(result, fragment);
    }

    [Test]
    public async Task A_directory_that_is_not_a_model_is_one_error_line()
    {
        var result = await MltrackAsync("models", "serve", "-m", TempDirectory(), "-p", "0");

        ShouldFailWithOneLine(result, "is not an MLflow model directory");
    }

    [TestCase("--port", "70000", "--port must be between 0 and 65535")]
    [TestCase("--poll-interval", "0", "--poll-interval must be a number of seconds above 0")]
    [TestCase("--host", "example.com", "--host must be an IP address")]
    public async Task Bad_options_are_refused(string option, string value, string fragment)
    {
        string[] port = option == "--port" ? [] : ["-p", "0"];
        var result = await MltrackAsync(["models", "serve", "-m", _registered.LocalDirectory, option, value, .. port]);

        result.ExitCode.Should().NotBe(0, result.ToString());
        result.Error.Should().Contain(fragment);
    }

    [Test]
    public async Task Serving_an_alias_continues_through_a_registry_outage()
    {
        // A registry of its own, so that stopping it leaves the fixture's server alone.
        var registry = await RunningServer.StartAsync();
        var stopped = false;
        try
        {
            var name = $"outage-{Guid.NewGuid():N}";
            var version = await TrainAndRegisterWithAsync(registry.BaseAddress, name, alpha: 0.3);
            using (var registryClient = new MlflowClient(registry.Options()))
            {
                await registryClient.RegisteredModels.SetAliasAsync(name, "live", version.Version);
            }
            await using var server = await ServeWithAsync(registry.BaseAddress, $"models:/{name}@live", "--poll-interval", "0.05");
            var payload = SplitPayload(version.Model.FeatureNames, [0, 1]);
            (await PostJsonAsync(server.BaseAddress, payload)).Status.Should().Be(HttpStatusCode.OK);

            await registry.DisposeAsync();
            stopped = true;
            var until = DateTime.UtcNow.AddSeconds(1.5);
            while (DateTime.UtcNow < until)
            {
                var scored = await PostJsonAsync(server.BaseAddress, payload);
                scored.Status.Should().Be(HttpStatusCode.OK, "the registry being down must not stop serving: " + scored);
                scored.Predictions().Should().Equal(Expected(version.Model, [0, 1]));
                await Task.Delay(50);
            }
        }
        finally
        {
            if (!stopped)
            {
                await registry.DisposeAsync();
            }
        }
    }
}
