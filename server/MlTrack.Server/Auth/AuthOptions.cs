using MlTrack.Server.Storage.Postgres;

namespace MlTrack.Server.Auth;

/// <summary>Authentication settings (<c>--auth</c> and friends); off by default, as MLflow's basic-auth app.</summary>
internal sealed record AuthOptions
{
    public bool Enabled { get; init; }

    /// <summary>The user and permission database, sqlite:///path or postgresql://...; see <see cref="OpenDatabase"/>.</summary>
    public string? DatabaseUri { get; init; }

    /// <summary>The first admin, created on first start when no user of that name exists (never a default password).</summary>
    public string? AdminUsername { get; init; }

    public string? AdminPassword { get; init; }

    /// <summary>What a user may do on a resource without an explicit grant (MLflow's default_permission).</summary>
    public string DefaultPermission { get; init; } = Permission.Read.Name;

    /// <summary>PBKDF2-SHA256 iterations for new password hashes (OWASP 2023: 600,000).</summary>
    public int PasswordIterations { get; init; } = 600_000;

    /// <summary>Failed logins a client (remote address) may make within <see cref="LockoutWindow"/> before it is refused.</summary>
    public int MaxFailedLogins { get; init; } = 10;

    public TimeSpan LockoutWindow { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The auth database: <see cref="DatabaseUri"/> when given (sqlite:///path or postgresql://...); else the tracking
    /// store's PostgreSQL database, so that replicas share their users; else basic_auth.db next to the SQLite tracking
    /// database.
    /// </summary>
    public AuthDatabase OpenDatabase(PostgresDatabase? trackingPostgres, string? trackingSqlitePath)
    {
        const string Scheme = "sqlite:///";
        if (string.IsNullOrEmpty(DatabaseUri))
        {
            return trackingPostgres is not null
                ? AuthDatabase.Postgres(trackingPostgres)
                : AuthDatabase.Sqlite(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(trackingSqlitePath ?? throw new ArgumentNullException(nameof(trackingSqlitePath)))) ?? ".", "basic_auth.db"));
        }

        if (PostgresUri.IsPostgres(DatabaseUri))
        {
            return AuthDatabase.Postgres(PostgresUri.ToConnectionString(DatabaseUri));
        }

        return DatabaseUri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && DatabaseUri.Length > Scheme.Length
            ? AuthDatabase.Sqlite(DatabaseUri[Scheme.Length..])
            : throw new ArgumentException(
                $"Unsupported --auth-db-uri '{PostgresUri.Redact(DatabaseUri)}'. Use sqlite:///path/to/basic_auth.db or postgresql://user:password@host:port/database.");
    }
}
