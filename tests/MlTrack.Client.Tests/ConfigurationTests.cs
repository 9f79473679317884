using MlTrack.Client.Internal;
using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class ConfigurationTests : ServerTestBase
{
    [Test]
    public void ReadsEveryVariableMlflowsClientReads()
    {
        var environment = new Dictionary<string, string>
        {
            ["MLFLOW_TRACKING_URI"] = "http://mlflow.internal:5000/prefix",
            ["MLFLOW_TRACKING_USERNAME"] = "alice",
            ["MLFLOW_TRACKING_PASSWORD"] = "s3cret",
            ["MLFLOW_TRACKING_TOKEN"] = "tok",
            ["MLFLOW_EXPERIMENT_NAME"] = "wine",
            ["MLFLOW_EXPERIMENT_ID"] = "7",
            ["MLFLOW_RUN_ID"] = "abc",
            ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "3",
            ["MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR"] = "4",
            ["MLFLOW_HTTP_REQUEST_TIMEOUT"] = "30",
        };

        var options = MlflowClientOptions.FromEnvironment(environment.GetValueOrDefault);

        options.Should().BeEquivalentTo(new
        {
            TrackingUri = new Uri("http://mlflow.internal:5000/prefix"),
            Username = "alice",
            Password = "s3cret",
            Token = "tok",
            ExperimentName = "wine",
            ExperimentId = "7",
            RunId = "abc",
            Timeout = TimeSpan.FromSeconds(30),
            Retry = new { MaxRetries = 3, InitialDelay = TimeSpan.FromSeconds(4) },
        });
    }

    [Test]
    public void UnsetOrEmptyVariablesLeaveTheDefaults()
    {
        var options = MlflowClientOptions.FromEnvironment(name => name == "MLFLOW_RUN_ID" ? "" : null);

        options.TrackingUri.Should().BeNull();
        options.RunId.Should().BeNull();
        options.Retry.MaxRetries.Should().Be(5);
        options.Timeout.Should().Be(TimeSpan.FromSeconds(120));
    }

    [Test]
    public void AMalformedNumberIsAFormatErrorNamingTheVariable()
    {
        var act = () => MlflowClientOptions.FromEnvironment(name => name == "MLFLOW_HTTP_REQUEST_MAX_RETRIES" ? "many" : null);

        act.Should().Throw<FormatException>().WithMessage("*MLFLOW_HTTP_REQUEST_MAX_RETRIES*");
    }

    [TestCase(null, "*MLFLOW_TRACKING_URI*")]
    [TestCase("file:///tmp/mlruns", "*not an http(s) URI*")]
    [TestCase("databricks://profile", "*not an http(s) URI*")]
    public void AClientNeedsAnHttpTrackingUri(string? uri, string message)
    {
        var act = () => new MlflowClient(new MlflowClientOptions { TrackingUri = uri is null ? null : new Uri(uri) });

        act.Should().Throw<InvalidOperationException>().WithMessage(message);
    }

    [Test]
    public void RoutesLiveUnderTheTrackingUrisPath()
    {
        var options = new MlflowClientOptions { TrackingUri = new Uri("https://host/mlflow/") };
        using var http = new MlflowHttp(options, () => throw new InvalidOperationException(), null);

        http.Api("/mlflow/runs/get?run_id=1").Should().Be(new Uri("https://host/mlflow/api/2.0/mlflow/runs/get?run_id=1"));
    }

    [Test]
    public async Task SendsBasicAuthWhenAUserAndPasswordAreSet()
    {
        var recorded = await SendOneCallAsync(o => (o.Username, o.Password, o.Token) = ("alice", "s3cret", "ignored"));

        recorded.Authorization.Should().Be("Basic " + Convert.ToBase64String("alice:s3cret"u8.ToArray()));
    }

    [Test]
    public async Task SendsABearerTokenWhenOnlyATokenIsSet()
    {
        var recorded = await SendOneCallAsync(o => o.Token = "tok-123");

        recorded.Authorization.Should().Be("Bearer tok-123");
    }

    [Test]
    public async Task SendsNoCredentialsWhenNoneAreSet()
    {
        (await SendOneCallAsync(_ => { })).Authorization.Should().BeNull();
    }

    [Test]
    public void ChangingOptionsAfterCreatingAClientDoesNotChangeTheClient()
    {
        var options = Server.Options();
        using var client = new MlflowClient(options);

        options.TrackingUri = new Uri("http://elsewhere:1");

        client.TrackingUri.Should().Be(Server.BaseAddress);
    }

    [Test]
    [NonParallelizable] // Sets process environment variables.
    public async Task FromEnvironmentReadsTheProcessEnvironment()
    {
        var previous = Environment.GetEnvironmentVariable("MLFLOW_TRACKING_URI");
        Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", Server.BaseAddress.ToString());
        try
        {
            using var client = MlflowClient.FromEnvironment();

            client.TrackingUri.Should().Be(Server.BaseAddress);
            (await client.Experiments.GetAsync("0")).Name.Should().Be("Default");
        }
        finally
        {
            Environment.SetEnvironmentVariable("MLFLOW_TRACKING_URI", previous);
        }
    }

    private async Task<RecordedRequest> SendOneCallAsync(Action<MlflowClientOptions> configure)
    {
        using var recorder = new RecordingHandler();
        using var http = new HttpClient(recorder);
        var options = Server.Options();
        configure(options);
        using var client = new MlflowClient(options, http);

        await client.Experiments.GetAsync("0");

        return recorder.Requests.Single();
    }
}
