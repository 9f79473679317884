using System.Runtime.ExceptionServices;
using MlTrack.Client.Internal;

namespace MlTrack.Client;

/// <summary>The background side of <see cref="MlflowBatchLogger"/>: drains the queue and sends log-batch requests.</summary>
public sealed partial class MlflowBatchLogger
{
    private async Task SendLoopAsync()
    {
        var spare = new List<object>();
        while (await _wake.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            _wake.Reader.TryRead(out _);
            while (true)
            {
                List<object> items;
                lock (_gate)
                {
                    if (_queue.Count == 0)
                    {
                        break;
                    }

                    (items, _queue) = (_queue, spare);
                    Monitor.PulseAll(_gate);
                }

                await SendAllAsync(items).ConfigureAwait(false);
                CountSent(items.Count);
                items.Clear();
                spare = items;
            }
        }
    }

    // Metric-only requests may overlap (the order in which metric points arrive changes nothing that MLflow stores
    // or returns); a request with params or tags waits for every earlier one and goes alone, so that tag and
    // param writes land in the order of the calls.
    private async Task SendAllAsync(List<object> items)
    {
        var running = new List<Task>(_concurrency);
        foreach (var chunk in BatchSplitter.Split(items))
        {
            if (chunk.Params.Count > 0 || chunk.Tags.Count > 0 || _concurrency == 1)
            {
                await Task.WhenAll(running).ConfigureAwait(false);
                running.Clear();
                await SendAsync(chunk).ConfigureAwait(false);
                continue;
            }

            if (running.Count == _concurrency)
            {
                running.Remove(await Task.WhenAny(running).ConfigureAwait(false));
            }

            running.Add(SendAsync(chunk));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    private async Task SendAsync(LogBatchChunk chunk)
    {
        try
        {
            await _runs.LogBatchAsync(RunId, chunk.Metrics, chunk.Params, chunk.Tags, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any failure is kept and rethrown to the caller by the next call; the loop must go on.
        catch (Exception e)
#pragma warning restore CA1031
        {
            lock (_gate)
            {
                FailedBatchCount++;
                _error ??= ExceptionDispatchInfo.Capture(e);
            }
        }
    }

    private void CountSent(int count)
    {
        List<TaskCompletionSource> done = [];
        lock (_gate)
        {
            _sent += count;
            for (var i = _flushes.Count - 1; i >= 0; i--)
            {
                if (_flushes[i].Target <= _sent)
                {
                    done.Add(_flushes[i].Done);
                    _flushes.RemoveAt(i);
                }
            }
        }

        done.ForEach(d => d.TrySetResult());
    }
}
