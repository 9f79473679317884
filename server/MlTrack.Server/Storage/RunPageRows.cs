using System.Data.Common;
using System.Runtime.InteropServices;
using Dapper;
using MlTrack.Server.Domain;

namespace MlTrack.Server.Storage;

/// <summary>
/// How a dialect selects and reads the rows of a page of runs: the page's ids bound as @ids, and the params, tags and
/// latest metrics grouped by run. The rows come through a data reader; a dialect may read them faster its own way.
/// </summary>
internal abstract class RunPageRows(DbConnection connection)
{
    public DbConnection Connection { get; } = connection;

    /// <summary>Dapper parameters that bind @ids.</summary>
    public abstract object Ids { get; }

    /// <summary>"<paramref name="column"/> is one of @ids".</summary>
    public abstract string InRuns(string column);

    /// <summary>(run_id, key, value) rows as params or tags by run.</summary>
    public virtual Task<Dictionary<long, List<KeyValue>>> KeyValuesAsync(string sql, CancellationToken cancellationToken) =>
        ReadByRunAsync(sql, static r => new KeyValue(r.GetString(1), r.GetString(2)), cancellationToken);

    /// <summary>(run_id, key, value, timestamp, step, is_nan) rows as metrics by run.</summary>
    public virtual Task<Dictionary<long, List<Metric>>> MetricsAsync(string sql, CancellationToken cancellationToken) =>
        ReadByRunAsync(
            sql, static r => new Metric(r.GetString(1), r.GetInt32(5) != 0 ? double.NaN : r.GetDouble(2), r.GetInt64(3), r.GetInt64(4)),
            cancellationToken);

    // Read column by column rather than through Dapper, which boxes every value: a page of 1,000 runs has some
    // 40,000 of these rows.
    private async Task<Dictionary<long, List<T>>> ReadByRunAsync<T>(string sql, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        var byRun = new Dictionary<long, List<T>>();
        await using var reader = await Connection.ExecuteReaderAsync(new CommandDefinition(sql, Ids, cancellationToken: cancellationToken));
        while (await reader.ReadAsync(cancellationToken))
        {
            Of(byRun, reader.GetInt64(0)).Add(read(reader));
        }

        return byRun;
    }

    /// <summary>The list of <paramref name="run"/>'s rows, new at its first row.</summary>
    protected static List<T> Of<T>(Dictionary<long, List<T>> byRun, long run) =>
        CollectionsMarshal.GetValueRefOrAddDefault(byRun, run, out _) ??= [];
}
