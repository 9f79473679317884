using System.Runtime.ExceptionServices;

namespace MlTrack.Client;

/// <summary>
/// A run in progress, from <see cref="MlflowClient.StartRunAsync"/>, with a background <see cref="MlflowBatchLogger"/>.
/// Disposing it flushes the logger and ends the run: FINISHED when <see cref="Complete"/> was called and everything
/// was logged, FAILED otherwise, so that an exception leaving the <c>await using</c> block marks the run FAILED.
/// </summary>
/// <example>
/// <code>
/// await using var run = await client.StartRunAsync(new StartRunOptions { RunName = "nightly" });
/// run.LogParam("alpha", "0.5");
/// for (var step = 0; step &lt; 100; step++) run.LogMetric("loss", Train(step), step);
/// run.Complete(); // reached only on success: the run ends FINISHED; an exception above leaves it FAILED
/// </code>
/// </example>
public sealed class ActiveRun : IAsyncDisposable
{
    private readonly RunsClient _runs;
    private bool _completed;
    private RunStatus? _endStatus;

    internal ActiveRun(RunsClient runs, Run run, bool resumed, MlflowBatchLogger logger)
    {
        _runs = runs;
        Run = run;
        IsResumed = resumed;
        Logger = logger;
    }

    /// <summary>The run's id.</summary>
    public string RunId => Run.Info.RunId;

    /// <summary>The run's experiment.</summary>
    public string ExperimentId => Run.Info.ExperimentId;

    /// <summary>The run as it was when the scope started (created or resumed).</summary>
    public Run Run { get; }

    /// <summary>Whether an existing run (MLFLOW_RUN_ID) was resumed rather than a new one created.</summary>
    public bool IsResumed { get; }

    /// <summary>The run's background logger.</summary>
    public MlflowBatchLogger Logger { get; }

    /// <summary>The status the run was ended with, once it has ended.</summary>
    public RunStatus? EndStatus => _endStatus;

    /// <summary>Queues a metric point (see <see cref="MlflowBatchLogger.LogMetric"/>).</summary>
    /// <param name="key">The metric's name.</param>
    /// <param name="value">The value.</param>
    /// <param name="step">The training step.</param>
    /// <param name="timestamp">Milliseconds since the Unix epoch; now when not given.</param>
    public void LogMetric(string key, double value, long step = 0, long? timestamp = null) => Logger.LogMetric(key, value, step, timestamp);

    /// <summary>Queues a parameter (see <see cref="MlflowBatchLogger.LogParam"/>).</summary>
    /// <param name="key">The parameter's name.</param>
    /// <param name="value">The parameter's value.</param>
    public void LogParam(string key, string value) => Logger.LogParam(key, value);

    /// <summary>Queues a tag (see <see cref="MlflowBatchLogger.SetTag"/>).</summary>
    /// <param name="key">The tag's key.</param>
    /// <param name="value">The tag's value.</param>
    public void SetTag(string key, string value) => Logger.SetTag(key, value);

    /// <summary>Waits until everything queued so far is sent (see <see cref="MlflowBatchLogger.FlushAsync"/>).</summary>
    /// <param name="cancellationToken">Stops the wait.</param>
    /// <returns>A task that completes when the queue is sent.</returns>
    /// <exception cref="MlflowApiException">A request failed.</exception>
    public Task FlushAsync(CancellationToken cancellationToken = default) => Logger.FlushAsync(cancellationToken);

    /// <summary>Marks the work of the scope successful: disposing the scope then ends the run FINISHED.</summary>
    public void Complete() => _completed = true;

    /// <summary>Flushes the logger and ends the run now with the given status; disposing afterwards does nothing more.</summary>
    /// <param name="status">How the run ended.</param>
    /// <param name="cancellationToken">Cancels the final update.</param>
    /// <returns>A task that completes when the run is ended.</returns>
    /// <exception cref="MlflowApiException">A logging request or the final update failed (the run is then ended FAILED if it can be).</exception>
    public async Task EndAsync(RunStatus status = RunStatus.Finished, CancellationToken cancellationToken = default)
    {
        if (_endStatus is not null)
        {
            return;
        }

        ExceptionDispatchInfo? failure = null;
        try
        {
            await Logger.DisposeAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The run must still be ended; the failure is rethrown below.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = ExceptionDispatchInfo.Capture(e);
            status = RunStatus.Failed;
        }

        _endStatus = status;
        await _runs.EndAsync(RunId, status, cancellationToken: cancellationToken).ConfigureAwait(false);
        failure?.Throw();
    }

    /// <summary>Flushes the logger and ends the run, FINISHED if <see cref="Complete"/> was called and FAILED otherwise.</summary>
    /// <returns>A task that completes when the run is ended.</returns>
    /// <exception cref="MlflowApiException">A logging request or the final update failed.</exception>
    public async ValueTask DisposeAsync() =>
        await EndAsync(_completed ? RunStatus.Finished : RunStatus.Failed).ConfigureAwait(false);
}
