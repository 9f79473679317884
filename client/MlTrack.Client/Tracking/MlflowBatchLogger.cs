using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace MlTrack.Client;

/// <summary>
/// Logs metrics, params and tags of one run in the background. <see cref="LogMetric"/>, <see cref="LogParam"/> and
/// <see cref="SetTag"/> only queue and return; a background task sends the queue, in the order of the calls, as
/// runs/log-batch requests within MLflow's limits. Requests holding only metrics may overlap (up to
/// <see cref="BatchLoggerOptions.MaxConcurrentRequests"/>), since the order in which points arrive changes nothing
/// MLflow stores; a request holding params or tags waits for all earlier ones, so those writes land in call order.
/// <see cref="FlushAsync"/> waits until everything queued so far is sent; <see cref="DisposeAsync"/> flushes and stops.
/// </summary>
/// <remarks>
/// A failed request is not lost silently: its exception is thrown by the next call of any method (that call's
/// item is then not queued), and later requests carry on. Transient failures are first retried as every idempotent
/// call is. When <see cref="BatchLoggerOptions.MaxQueueLength"/> items wait, the logging calls block until the
/// background task catches up. The methods are thread-safe.
/// </remarks>
public sealed partial class MlflowBatchLogger : IAsyncDisposable
{
    private readonly RunsClient _runs;
    private readonly TimeProvider _time;
    private readonly int _capacity;
    private readonly int _concurrency;
    private readonly object _gate = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly List<(long Target, TaskCompletionSource Done)> _flushes = [];
    private readonly Task _worker;
    private List<object> _queue = [];
    private long _queued;
    private long _sent;
    private ExceptionDispatchInfo? _error;
    private bool _closed;

    internal MlflowBatchLogger(RunsClient runs, string runId, TimeProvider time, BatchLoggerOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        _runs = runs;
        _time = time;
        RunId = runId;
        _capacity = options?.MaxQueueLength ?? BatchLoggerOptions.DefaultMaxQueueLength;
        _concurrency = options?.MaxConcurrentRequests ?? BatchLoggerOptions.DefaultMaxConcurrentRequests;
        ArgumentOutOfRangeException.ThrowIfLessThan(_capacity, 1, "MaxQueueLength");
        ArgumentOutOfRangeException.ThrowIfLessThan(_concurrency, 1, "MaxConcurrentRequests");
        _worker = Task.Run(SendLoopAsync);
    }

    /// <summary>The run this logger writes to.</summary>
    public string RunId { get; }

    /// <summary>How many log-batch requests have failed since the logger started (retries not counted).</summary>
    public int FailedBatchCount { get; private set; }

    /// <summary>Queues a metric point.</summary>
    /// <param name="key">The metric's name.</param>
    /// <param name="value">The value; NaN and ±infinity are allowed.</param>
    /// <param name="step">The training step.</param>
    /// <param name="timestamp">Milliseconds since the Unix epoch; the time of this call when not given.</param>
    /// <exception cref="ObjectDisposedException">The logger is disposed.</exception>
    /// <exception cref="MlflowApiException">An earlier request failed (other exceptions of an earlier request also surface here).</exception>
    public void LogMetric(string key, double value, long step = 0, long? timestamp = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Enqueue(new Metric(key, value, timestamp ?? _time.GetUtcNow().ToUnixTimeMilliseconds(), step));
    }

    /// <summary>Queues a parameter. A run's parameter cannot change value; a different value fails on the server.</summary>
    /// <param name="key">The parameter's name.</param>
    /// <param name="value">The parameter's value.</param>
    /// <exception cref="ObjectDisposedException">The logger is disposed.</exception>
    /// <exception cref="MlflowApiException">An earlier request failed.</exception>
    public void LogParam(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Enqueue(new Param(key, value));
    }

    /// <summary>Queues a tag (set or overwritten; the last value logged wins).</summary>
    /// <param name="key">The tag's key.</param>
    /// <param name="value">The tag's value.</param>
    /// <exception cref="ObjectDisposedException">The logger is disposed.</exception>
    /// <exception cref="MlflowApiException">An earlier request failed.</exception>
    public void SetTag(string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        Enqueue(new Tag(key, value));
    }

    /// <summary>Waits until everything queued before this call has been sent, then throws the first failure not yet thrown.</summary>
    /// <param name="cancellationToken">Stops the wait (not the sending).</param>
    /// <returns>A task that completes when the queue, as it was at the call, is sent.</returns>
    /// <exception cref="MlflowApiException">A request failed.</exception>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        Task wait;
        lock (_gate)
        {
            if (_sent >= _queued)
            {
                wait = Task.CompletedTask;
            }
            else
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _flushes.Add((_queued, done));
                wait = done.Task;
            }
        }

        await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        TakeError()?.Throw();
    }

    /// <summary>Sends everything still queued, stops the background task, and throws the first failure not yet thrown.</summary>
    /// <returns>A task that completes when everything is sent.</returns>
    /// <exception cref="MlflowApiException">A request failed.</exception>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _closed = true;
            Monitor.PulseAll(_gate);
        }

        _wake.Writer.TryWrite(true);
        _wake.Writer.TryComplete();
        await _worker.ConfigureAwait(false);
        TakeError()?.Throw();
    }

    private void Enqueue(object item)
    {
        bool wake;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            if (TakeErrorLocked() is { } error)
            {
                error.Throw();
            }

            while (_queue.Count >= _capacity)
            {
                Monitor.Wait(_gate);
                ObjectDisposedException.ThrowIf(_closed, this);
            }

            _queue.Add(item);
            _queued++;
            wake = _queue.Count == 1;
        }

        if (wake)
        {
            _wake.Writer.TryWrite(true);
        }
    }

    private ExceptionDispatchInfo? TakeError()
    {
        lock (_gate)
        {
            return TakeErrorLocked();
        }
    }

    private ExceptionDispatchInfo? TakeErrorLocked()
    {
        var error = _error;
        _error = null;
        return error;
    }
}
