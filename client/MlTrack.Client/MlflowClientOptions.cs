using System.Globalization;

namespace MlTrack.Client;

/// <summary>
/// How the client reaches the server and what it defaults to. <see cref="FromEnvironment"/> reads the same variables
/// as MLflow's own client (MLFLOW_TRACKING_URI, MLFLOW_TRACKING_USERNAME/PASSWORD, MLFLOW_TRACKING_TOKEN,
/// MLFLOW_EXPERIMENT_NAME/ID, MLFLOW_RUN_ID, MLFLOW_HTTP_REQUEST_*).
/// </summary>
public sealed class MlflowClientOptions
{
    /// <summary>The tracking server, such as <c>http://127.0.0.1:5000</c> (a path prefix is kept: <c>http://host/mlflow</c>).</summary>
    public Uri? TrackingUri { get; set; }

    /// <summary>The user name for HTTP basic authentication (used together with <see cref="Password"/>).</summary>
    public string? Username { get; set; }

    /// <summary>The password for HTTP basic authentication.</summary>
    public string? Password { get; set; }

    /// <summary>A bearer token, used when no user name and password are set.</summary>
    public string? Token { get; set; }

    /// <summary>The experiment new runs go to, by name (created when missing); takes precedence over <see cref="ExperimentId"/>.</summary>
    public string? ExperimentName { get; set; }

    /// <summary>The experiment new runs go to, by id; the default experiment <c>"0"</c> when neither is set.</summary>
    public string? ExperimentId { get; set; }

    /// <summary>
    /// A run to resume instead of creating one: <see cref="MlflowClient.StartRunAsync"/> continues this run, as the
    /// entry point of an <c>mlflow run</c> project does with the MLFLOW_RUN_ID its parent hands it.
    /// </summary>
    public string? RunId { get; set; }

    /// <summary>How long one attempt of a call may take until its answer's headers arrive. Default 120 s, as MLflow.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How failed calls are retried.</summary>
    public MlflowRetryOptions Retry { get; set; } = new();

    /// <summary>How many files a directory upload or download transfers at once. Default 4.</summary>
    public int ArtifactTransferConcurrency { get; set; } = 4;

    /// <summary>The clock used for metric timestamps, run start and end times, and retry waits.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Reads the options from the process environment, as MLflow's client does.</summary>
    /// <param name="getVariable">Where to read variables from; the process environment when not given.</param>
    /// <returns>The options; <see cref="TrackingUri"/> stays <see langword="null"/> when MLFLOW_TRACKING_URI is not set.</returns>
    /// <exception cref="FormatException">A variable holds a value of the wrong form.</exception>
    public static MlflowClientOptions FromEnvironment(Func<string, string?>? getVariable = null) =>
        new MlflowClientOptions().ApplyEnvironment(getVariable);

    /// <summary>Overwrites the settings for which a variable is set, and leaves the others as they are.</summary>
    /// <param name="getVariable">Where to read variables from; the process environment when not given.</param>
    /// <returns>These options.</returns>
    /// <exception cref="FormatException">A variable holds a value of the wrong form.</exception>
    public MlflowClientOptions ApplyEnvironment(Func<string, string?>? getVariable = null)
    {
        getVariable ??= Environment.GetEnvironmentVariable;
        string? Read(string name) => getVariable(name) is { Length: > 0 } value ? value : null;

        if (Read("MLFLOW_TRACKING_URI") is { } uri)
        {
            TrackingUri = Uri.TryCreate(uri, UriKind.Absolute, out var parsed)
                ? parsed
                : throw new FormatException($"MLFLOW_TRACKING_URI must be an absolute http(s) URI, but is '{uri}'.");
        }

        Username = Read("MLFLOW_TRACKING_USERNAME") ?? Username;
        Password = Read("MLFLOW_TRACKING_PASSWORD") ?? Password;
        Token = Read("MLFLOW_TRACKING_TOKEN") ?? Token;
        ExperimentName = Read("MLFLOW_EXPERIMENT_NAME") ?? ExperimentName;
        ExperimentId = Read("MLFLOW_EXPERIMENT_ID") ?? ExperimentId;
        RunId = Read("MLFLOW_RUN_ID") ?? RunId;
        if (Read("MLFLOW_HTTP_REQUEST_MAX_RETRIES") is { } retries)
        {
            Retry.MaxRetries = ParseNumber("MLFLOW_HTTP_REQUEST_MAX_RETRIES", retries);
        }

        if (Read("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR") is { } backoff)
        {
            Retry.InitialDelay = TimeSpan.FromSeconds(ParseNumber("MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR", backoff));
        }

        if (Read("MLFLOW_HTTP_REQUEST_TIMEOUT") is { } timeout)
        {
            Timeout = TimeSpan.FromSeconds(ParseNumber("MLFLOW_HTTP_REQUEST_TIMEOUT", timeout));
        }

        return this;
    }

    /// <summary>Checks the options before a client uses them.</summary>
    /// <exception cref="InvalidOperationException">No usable tracking URI, or a setting out of range.</exception>
    internal void Validate()
    {
        if (TrackingUri is null)
        {
            throw new InvalidOperationException(
                "No tracking server is configured: set MLFLOW_TRACKING_URI (for example http://127.0.0.1:5000) or MlflowClientOptions.TrackingUri.");
        }

        if (!TrackingUri.IsAbsoluteUri || TrackingUri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException(
                $"The tracking URI '{TrackingUri}' is not an http(s) URI; this client talks to a tracking server over HTTP "
                + "(file: stores and databricks URIs are not supported).");
        }

        if (Retry.MaxRetries < 0 || Retry.InitialDelay < TimeSpan.Zero || Retry.MaxDelay < TimeSpan.Zero)
        {
            throw new InvalidOperationException("Retry counts and delays cannot be negative.");
        }

        if (Timeout <= TimeSpan.Zero && Timeout != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new InvalidOperationException("The timeout must be positive.");
        }

        if (ArtifactTransferConcurrency < 1)
        {
            throw new InvalidOperationException("ArtifactTransferConcurrency must be at least 1.");
        }
    }

    private static int ParseNumber(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"{name} must be a non-negative whole number, but is '{value}'.");
}
