using Npgsql;

namespace MlTrack.Server.Storage.Postgres;

/// <summary>A page's ids as one bigint[] parameter.</summary>
internal sealed class PostgresRunPageRows(NpgsqlConnection connection, long[] ids) : RunPageRows(connection)
{
    public override object Ids { get; } = new { ids };

    public override string InRuns(string column) => $"{column} = ANY(@ids)";
}
