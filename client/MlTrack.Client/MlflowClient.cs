using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>
/// The client of an MLflow-compatible tracking server (MlTrack or MLflow itself), with one sub-client per area:
/// <see cref="Experiments"/>, <see cref="Runs"/>, <see cref="Metrics"/>, <see cref="Artifacts"/>,
/// <see cref="RegisteredModels"/> and <see cref="ModelVersions"/>. It is thread-safe; create one and share it.
/// </summary>
/// <example>
/// <code>
/// using var client = MlflowClient.FromEnvironment(); // MLFLOW_TRACKING_URI and friends
/// await using var run = await client.StartRunAsync(new StartRunOptions { ExperimentName = "wine" });
/// run.LogParam("alpha", "0.5");
/// run.LogMetric("rmse", 0.73);
/// run.Complete();
/// </code>
/// </example>
public sealed class MlflowClient : IDisposable
{
    /// <summary>The name of the <see cref="HttpClient"/> that <c>AddMlflowClient</c> registers with IHttpClientFactory.</summary>
    public const string HttpClientName = "MlTrack.Client";

    private readonly MlflowHttp _http;

    /// <summary>Creates a client of the server at <paramref name="trackingUri"/>, with default settings.</summary>
    /// <param name="trackingUri">The tracking server, such as <c>http://127.0.0.1:5000</c>.</param>
    /// <exception cref="InvalidOperationException">The URI is not an absolute http(s) URI.</exception>
    public MlflowClient(Uri trackingUri)
        : this(new MlflowClientOptions { TrackingUri = trackingUri })
    {
    }

    /// <summary>Creates a client with its own connection pool.</summary>
    /// <param name="options">The settings; they are copied, so later changes do not affect this client.</param>
    /// <exception cref="InvalidOperationException">The options are incomplete or out of range.</exception>
    public MlflowClient(MlflowClientOptions options)
        : this(OwnHttp(Copy(options)))
    {
    }

    /// <summary>Creates a client that sends through the given <see cref="HttpClient"/>, which it does not dispose.</summary>
    /// <param name="options">The settings (the timeout is the HttpClient's own); they are copied.</param>
    /// <param name="httpClient">The HttpClient to send through.</param>
    /// <exception cref="InvalidOperationException">The options are incomplete or out of range.</exception>
    public MlflowClient(MlflowClientOptions options, HttpClient httpClient)
        : this(new MlflowHttp(Copy(options), ValidClient(httpClient), owned: null))
    {
    }

    private MlflowClient(MlflowHttp http)
    {
        _http = http;
        Experiments = new ExperimentsClient(_http);
        Runs = new RunsClient(_http);
        Metrics = new MetricsClient(_http);
        RegisteredModels = new RegisteredModelsClient(_http);
        ModelVersions = new ModelVersionsClient(_http);
        Artifacts = new ArtifactsClient(_http, Runs, RegisteredModels, ModelVersions);
    }

    /// <summary>The tracking server this client talks to.</summary>
    public Uri TrackingUri => _http.Options.TrackingUri!;

    /// <summary>Experiments: create, get, search, rename, delete, restore, tags.</summary>
    public ExperimentsClient Experiments { get; }

    /// <summary>Runs: create, get, update, delete, restore, search, tags, and single-request logging.</summary>
    public RunsClient Runs { get; }

    /// <summary>Metric histories.</summary>
    public MetricsClient Metrics { get; }

    /// <summary>Artifacts: listing, streamed upload and download of files and directories, <c>runs:/</c> and <c>models:/</c> URIs.</summary>
    public ArtifactsClient Artifacts { get; }

    /// <summary>Registered models, their tags and aliases.</summary>
    public RegisteredModelsClient RegisteredModels { get; }

    /// <summary>Model versions, their stages and tags.</summary>
    public ModelVersionsClient ModelVersions { get; }

    /// <summary>Creates a client from the environment variables MLflow's client reads (MLFLOW_TRACKING_URI and the others).</summary>
    /// <returns>The client.</returns>
    /// <exception cref="InvalidOperationException">MLFLOW_TRACKING_URI is not set, or not an http(s) URI.</exception>
    public static MlflowClient FromEnvironment() => new(MlflowClientOptions.FromEnvironment());

    /// <summary>
    /// Starts a run and returns its scope, as MLflow's <c>start_run</c>. With a run id (given, or MLFLOW_RUN_ID) the
    /// run is resumed: read, set RUNNING again, and tagged with <see cref="StartRunOptions.Tags"/>. Otherwise a run is
    /// created in the experiment chosen as MLflow does (the options' id, then name, then MLFLOW_EXPERIMENT_NAME, created
    /// when missing, then MLFLOW_EXPERIMENT_ID, then the default experiment "0"), with MLflow's system tags
    /// (<c>mlflow.user</c>, <c>mlflow.source.name</c>, <c>mlflow.source.type</c>, <c>mlflow.runName</c>, <c>mlflow.source.git.commit</c>).
    /// </summary>
    /// <param name="options">What to start or resume.</param>
    /// <param name="cancellationToken">Cancels the calls that start the run.</param>
    /// <returns>The run's scope; dispose it to flush and end the run.</returns>
    /// <exception cref="MlflowApiException">The server refused a call (unknown run or experiment, deleted run, ...).</exception>
    public async Task<ActiveRun> StartRunAsync(StartRunOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new StartRunOptions();
        Run run;
        var runId = options.RunId ?? _http.Options.RunId;
        if (runId is not null)
        {
            run = await Runs.GetAsync(runId, cancellationToken).ConfigureAwait(false);
            var info = await Runs.UpdateAsync(runId, RunStatus.Running, cancellationToken: cancellationToken).ConfigureAwait(false);
            var tags = TagList.From(options.Tags);
            if (tags is not null)
            {
                await Runs.LogBatchAsync(runId, tags: tags, cancellationToken: cancellationToken).ConfigureAwait(false);
            }

            run = run with { Info = info };
        }
        else
        {
            var experimentId = await ExperimentIdAsync(options, cancellationToken).ConfigureAwait(false);
            var tags = RunContext.SystemTags();
            if (options.RunName is not null)
            {
                tags[RunContext.RunName] = options.RunName;
            }

            if (options.ParentRunId is not null)
            {
                tags[RunContext.ParentRunId] = options.ParentRunId;
            }

            foreach (var (key, value) in options.Tags ?? new Dictionary<string, string>())
            {
                tags[key] = value;
            }

            var create = new CreateRunOptions { RunName = options.RunName, UserId = tags[RunContext.User], Tags = tags };
            run = await Runs.CreateAsync(experimentId, create, cancellationToken).ConfigureAwait(false);
        }

        return new ActiveRun(Runs, run, resumed: runId is not null, CreateBatchLogger(run.Info.RunId, options.Logger));
    }

    /// <summary>Creates a background batching logger for a run (see <see cref="MlflowBatchLogger"/>); dispose it to flush.</summary>
    /// <param name="runId">The run to log to.</param>
    /// <param name="options">The logger's settings.</param>
    /// <returns>The logger.</returns>
    public MlflowBatchLogger CreateBatchLogger(string runId, BatchLoggerOptions? options = null) =>
        new(Runs, runId, _http.Options.TimeProvider, options);

    /// <summary>Releases the connection pool, if the client created its own.</summary>
    public void Dispose() => _http.Dispose();

    // mlflow/tracking/fluent.py _get_experiment_id and _get_experiment_id_from_env.
    private async Task<string> ExperimentIdAsync(StartRunOptions options, CancellationToken cancellationToken)
    {
        if (options.ExperimentId is not null)
        {
            return options.ExperimentId;
        }

        if ((options.ExperimentName ?? _http.Options.ExperimentName) is { } name)
        {
            return (await Experiments.GetOrCreateAsync(name, cancellationToken).ConfigureAwait(false)).ExperimentId;
        }

        if (_http.Options.ExperimentId is { } id)
        {
            // MLflow checks that MLFLOW_EXPERIMENT_ID exists before using it.
            return (await Experiments.GetAsync(id, cancellationToken).ConfigureAwait(false)).ExperimentId;
        }

        return "0";
    }

    /// <summary>Used by dependency injection: a client taking each call's HttpClient from IHttpClientFactory.</summary>
    internal static MlflowClient WithHttpClientSource(MlflowClientOptions options, Func<HttpClient> httpClients) =>
        new(new MlflowHttp(Copy(options), httpClients, owned: null));

    // Connections are renewed every two minutes so that DNS changes are seen, as IHttpClientFactory's handlers do.
    private static MlflowHttp OwnHttp(MlflowClientOptions options)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2) }) { Timeout = options.Timeout };
        return new MlflowHttp(options, () => http, http);
    }

    private static Func<HttpClient> ValidClient(HttpClient httpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        return () => httpClient;
    }

    private static MlflowClientOptions Copy(MlflowClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = new MlflowClientOptions
        {
            TrackingUri = options.TrackingUri,
            Username = options.Username,
            Password = options.Password,
            Token = options.Token,
            ExperimentName = options.ExperimentName,
            ExperimentId = options.ExperimentId,
            RunId = options.RunId,
            Timeout = options.Timeout,
            ArtifactTransferConcurrency = options.ArtifactTransferConcurrency,
            TimeProvider = options.TimeProvider,
            Retry = new MlflowRetryOptions
            {
                MaxRetries = options.Retry.MaxRetries,
                InitialDelay = options.Retry.InitialDelay,
                MaxDelay = options.Retry.MaxDelay,
                UseJitter = options.Retry.UseJitter,
                RetryConnectionFailures = options.Retry.RetryConnectionFailures,
            },
        };
        copy.Retry.StatusCodes.Clear();
        copy.Retry.StatusCodes.UnionWith(options.Retry.StatusCodes);
        copy.Validate();
        return copy;
    }
}
