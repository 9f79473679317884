namespace MlTrack.Server.Hosting;

/// <summary>The server's settings, named after `mlflow server`'s flags.</summary>
internal sealed record ServerOptions
{
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>0 lets the OS pick a free port (tests).</summary>
    public int Port { get; init; } = 5000;

    public string BackendStoreUri { get; init; } = "sqlite:///mlruns.db";

    /// <summary>Where new experiments put artifacts; defaults as mlflow server's resolve_default_artifact_root.</summary>
    public string? DefaultArtifactRoot { get; init; }

    public string ArtifactsDestination { get; init; } = "./mlartifacts";

    public bool ServeArtifacts { get; init; } = true;

    /// <summary>--auth and its settings (off by default).</summary>
    public Auth.AuthOptions Auth { get; init; } = new();

    /// <summary>Host allow-list and CORS origins (loopback by default).</summary>
    public Security.HardeningOptions Hardening { get; init; } = new();

    /// <summary>SQLite: the WAL size past which the checkpointer resets the log (no flag; tests set a small one).</summary>
    public long SqliteWalLimitBytes { get; init; } = Storage.Sqlite.SqliteDatabase.DefaultWalLimitBytes;

    /// <summary>SQLite: how often the background checkpointer runs (no flag; tests set a short one).</summary>
    public TimeSpan SqliteCheckpointEvery { get; init; } = Storage.Sqlite.SqliteDatabase.DefaultCheckpointEvery;

    /// <summary>
    /// mlflow-artifacts:/ when the server proxies artifacts, else ./mlruns as an absolute path, unless given.
    /// </summary>
    public string ResolvedDefaultArtifactRoot =>
        !string.IsNullOrEmpty(DefaultArtifactRoot) ? ResolveLocal(DefaultArtifactRoot)
        : ServeArtifacts ? "mlflow-artifacts:/"
        : Path.GetFullPath("./mlruns");

    /// <summary>The Npgsql connection string of a postgresql:// URI; null for any other scheme.</summary>
    public string? PostgresConnectionString =>
        Storage.Postgres.PostgresUri.IsPostgres(BackendStoreUri) ? Storage.Postgres.PostgresUri.ToConnectionString(BackendStoreUri) : null;

    /// <summary>The SQLite file of a sqlite:/// URI: sqlite:///rel.db is relative, sqlite:////abs.db absolute.</summary>
    public string SqlitePath
    {
        get
        {
            const string Scheme = "sqlite:///";
            return BackendStoreUri.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && BackendStoreUri.Length > Scheme.Length
                ? BackendStoreUri[Scheme.Length..]
                : throw new ArgumentException(
                    $"Unsupported --backend-store-uri '{BackendStoreUri}'. Use sqlite:///path/to/file.db (relative), sqlite:////absolute/path.db or postgresql://user:password@host:port/database.");
        }
    }

    // A plain path becomes absolute, as MLflow's resolve_uri_if_local; URIs stay as given.
    private static string ResolveLocal(string root) =>
        root.Contains(":/", StringComparison.Ordinal) ? root : Path.GetFullPath(root);
}
