namespace MlTrack.Server.Auth;

/// <summary>Authentication settings (<c>--auth</c> and friends); off by default, as MLflow's basic-auth app.</summary>
internal sealed record AuthOptions
{
    public bool Enabled { get; init; }

    /// <summary>sqlite:///path of the user and permission database; default basic_auth.db next to the tracking DB.</summary>
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

    /// <summary>The SQLite file of the auth database: by default next to a SQLite tracking database, and in the
    /// working directory (MLflow's default, sqlite:///basic_auth.db) when the tracking store is not SQLite.</summary>
    public string DatabasePath(string? trackingSqlitePath)
    {
        const string Scheme = "sqlite:///";
        if (string.IsNullOrEmpty(DatabaseUri))
        {
            var directory = trackingSqlitePath is null
                ? Environment.CurrentDirectory
                : Path.GetDirectoryName(Path.GetFullPath(trackingSqlitePath)) ?? ".";
            return Path.Combine(directory, "basic_auth.db");
        }

        return DatabaseUri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && DatabaseUri.Length > Scheme.Length
            ? DatabaseUri[Scheme.Length..]
            : throw new ArgumentException($"Unsupported --auth-db-uri '{DatabaseUri}'. Use sqlite:///path/to/basic_auth.db.");
    }
}
