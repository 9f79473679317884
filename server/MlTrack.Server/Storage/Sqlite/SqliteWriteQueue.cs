using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace MlTrack.Server.Storage.Sqlite;

/// <summary>
/// The single SQLite writer. Requests queue up; the writer thread takes every queued request, runs each in
/// its own savepoint inside one transaction (group commit), commits once, and only then completes the
/// requests' tasks, so a caller is answered after its data is durable. A request that throws rolls back to
/// its savepoint alone: it fails, the others in the group still commit.
/// </summary>
internal sealed class SqliteWriteQueue : IAsyncDisposable
{
    private const int MaxGroupSize = 512;
    private readonly Channel<IWork> _queue = Channel.CreateUnbounded<IWork>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    // Held by the writer for each group and by PauseAsync: a waiting PauseAsync gets it when the current group ends.
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly Task _loop;

    public SqliteWriteQueue(SqliteConnection connection)
    {
        _connection = connection;
        _loop = Task.Factory.StartNew(RunLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>Runs <paramref name="work"/> on the writer connection inside a transaction; completes after commit.</summary>
    public Task<T> ExecuteAsync<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken = default)
    {
        var item = new Work<T>(work, cancellationToken);
        ObjectDisposedException.ThrowIf(!_queue.Writer.TryWrite(item), this);
        return item.Completion.Task;
    }

    public Task ExecuteAsync(Action<SqliteConnection> work, CancellationToken cancellationToken = default) =>
        ExecuteAsync(connection =>
        {
            work(connection);
            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="action"/> (on another connection) between two groups, the writer waiting until it ends: a
    /// WAL reset needs SQLite's writer lock, which a writer that commits group after group would almost never leave
    /// free long enough for a busy handler's retries to take it.
    /// </summary>
    public async Task<T> PauseAsync<T>(Func<T> action)
    {
        await _turn.WaitAsync();
        try
        {
            return action();
        }
        finally
        {
            _turn.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        await _connection.DisposeAsync();
    }

    private void RunLoop()
    {
        var group = new List<IWork>(MaxGroupSize);
        var reader = _queue.Reader;
        while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            group.Clear();
            while (group.Count < MaxGroupSize && reader.TryRead(out var work))
            {
                if (!work.IsCancelled)
                {
                    group.Add(work);
                }
            }

            if (group.Count > 0)
            {
                _turn.Wait();
                try
                {
                    RunGroup(group);
                }
                finally
                {
                    _turn.Release();
                }
            }
        }
    }

    private void RunGroup(List<IWork> group)
    {
        try
        {
            // Raw BEGIN/COMMIT rather than SqliteTransaction, so the work can run plain commands (Dapper)
            // without threading a transaction object through every call.
            Execute("BEGIN IMMEDIATE");
            foreach (var work in group)
            {
                Execute("SAVEPOINT request");
                if (work.Run(_connection))
                {
                    Execute("RELEASE request");
                }
                else
                {
                    Execute("ROLLBACK TO request; RELEASE request");
                }
            }

            Execute("COMMIT");
        }
        catch (Exception e)
        {
            if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
            {
                Execute("ROLLBACK");
            }

            // The commit itself failed (disk full, I/O error): nothing in the group is durable.
            foreach (var work in group)
            {
                work.Fail(e);
            }

            return;
        }

        foreach (var work in group)
        {
            work.Complete();
        }
    }

    private void Execute(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private interface IWork
    {
        bool IsCancelled { get; }

        /// <summary>Runs the work; false when it threw (its error is kept for <see cref="Complete"/>).</summary>
        bool Run(SqliteConnection connection);

        void Complete();

        void Fail(Exception error);
    }

    private sealed class Work<T>(Func<SqliteConnection, T> work, CancellationToken cancellationToken) : IWork
    {
        private T? _result;
        private Exception? _error;

        public TaskCompletionSource<T> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsCancelled
        {
            get
            {
                if (!cancellationToken.IsCancellationRequested)
                {
                    return false;
                }

                Completion.TrySetCanceled(cancellationToken);
                return true;
            }
        }

        public bool Run(SqliteConnection connection)
        {
            try
            {
                _result = work(connection);
                return true;
            }
            catch (Exception e)
            {
                _error = e;
                return false;
            }
        }

        public void Complete()
        {
            if (_error is null)
            {
                Completion.TrySetResult(_result!);
            }
            else
            {
                Completion.TrySetException(_error);
            }
        }

        public void Fail(Exception error) => Completion.TrySetException(_error ?? error);
    }
}
