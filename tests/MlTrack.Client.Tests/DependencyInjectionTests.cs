using Microsoft.Extensions.DependencyInjection;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class DependencyInjectionTests : ServerTestBase
{
    [Test]
    public async Task RegistersOneClientThatSendsThroughTheFactorysNamedHttpClient()
    {
        using var recorder = new RecordingHandler(ownInnerHandler: false);
        var services = new ServiceCollection();
        services.AddMlflowClient(options => options.TrackingUri = Server.BaseAddress).AddHttpMessageHandler(() => recorder);
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<MlflowClient>();
        var id = await client.Experiments.CreateAsync(Unique());

        provider.GetRequiredService<MlflowClient>().Should().BeSameAs(client);
        client.TrackingUri.Should().Be(Server.BaseAddress);
        (await client.Experiments.GetAsync(id)).ExperimentId.Should().Be(id);
        recorder.Requests.Select(r => r.Path).Should().Contain(["/api/2.0/mlflow/experiments/create", "/api/2.0/mlflow/experiments/get"]);
    }

    [Test]
    public async Task TheNamedHttpClientTakesTheConfiguredTimeout()
    {
        var services = new ServiceCollection();
        services.AddMlflowClient(options =>
        {
            options.TrackingUri = Server.BaseAddress;
            options.Timeout = TimeSpan.FromSeconds(17);
        });
        await using var provider = services.BuildServiceProvider();

        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(MlflowClient.HttpClientName);

        http.Timeout.Should().Be(TimeSpan.FromSeconds(17));
    }

    [Test]
    [NonParallelizable] // Sets process environment variables.
    public async Task StartsFromTheEnvironmentAndLetsCodeOverrideIt()
    {
        var previous = (Uri: Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI"), Run: Environment.GetEnvironmentVariable("MLFLOW_RUN_ID"));
        Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", Server.BaseAddress.ToString());
        Environment.SetEnvironmentVariable("MLFLOW_RUN_ID", "from-environment");
        try
        {
            var services = new ServiceCollection();
            services.AddMlflowClient(options => options.RunId = null);
            await using var provider = services.BuildServiceProvider();

            var client = provider.GetRequiredService<MlflowClient>();
            await using var run = await client.StartRunAsync(new StartRunOptions { ExperimentId = "0" });
            run.Complete();

            client.TrackingUri.Should().Be(Server.BaseAddress);
            run.IsResumed.Should().BeFalse("code cleared the MLFLOW_RUN_ID read from the environment");
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", previous.Uri);
            Environment.SetEnvironmentVariable("MLFLOW_RUN_ID", previous.Run);
        }
    }

    [Test]
    public async Task ResolvingWithoutATrackingUriExplainsWhatIsMissing()
    {
        var services = new ServiceCollection();
        services.AddMlflowClient(options => options.TrackingUri = null);
        await using var provider = services.BuildServiceProvider();

        var act = () => provider.GetRequiredService<MlflowClient>();

        act.Should().Throw<InvalidOperationException>().WithMessage("*MLFLOW_TRACKING_URI*");
    }
}
