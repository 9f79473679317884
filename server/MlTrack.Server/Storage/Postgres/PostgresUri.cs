using Npgsql;

namespace MlTrack.Server.Storage.Postgres;

/// <summary>
/// MLflow's PostgreSQL backend URI, postgresql://user:password@host:port/database?option=value (also postgres:// and
/// postgresql+psycopg2://), as an Npgsql connection string. Query options are Npgsql's connection-string keywords
/// (e.g. ?sslmode=require, ?Maximum Pool Size=50); user and password may be percent-encoded.
/// </summary>
internal static class PostgresUri
{
    public static bool IsPostgres(string uri) =>
        uri.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || uri.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
        || uri.StartsWith("postgresql+", StringComparison.OrdinalIgnoreCase);

    public static string ToConnectionString(string uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || string.IsNullOrEmpty(parsed.Host))
        {
            throw new ArgumentException($"Invalid PostgreSQL --backend-store-uri '{Redact(uri)}'. Use postgresql://user:password@host:port/database.");
        }

        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = parsed.Host.Trim('[', ']'),
            Port = parsed.IsDefaultPort || parsed.Port < 0 ? 5432 : parsed.Port,
            Database = Uri.UnescapeDataString(parsed.AbsolutePath.TrimStart('/')) is { Length: > 0 } database ? database : "postgres",
        };
        if (parsed.UserInfo.Length > 0)
        {
            var colon = parsed.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? parsed.UserInfo : parsed.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(parsed.UserInfo[(colon + 1)..]);
            }
        }

        foreach (var option in parsed.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = option.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? option : option[..equals]);
            builder[name] = equals < 0 ? "true" : Uri.UnescapeDataString(option[(equals + 1)..]);
        }

        return builder.ConnectionString;
    }

    /// <summary>The URI without its password, for messages and logs.</summary>
    public static string Redact(string uri) =>
        System.Text.RegularExpressions.Regex.Replace(uri, "(://[^:/@]*:)[^@]*@", "$1***@");
}
