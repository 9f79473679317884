using MlTrack.Server.Storage;
using MlTrack.Server.Storage.Postgres;
using MlTrack.Server.Storage.Sqlite;

namespace MlTrack.Server.Hosting;

/// <summary>Picks the store from --backend-store-uri's scheme: sqlite:/// (one process) or postgresql:// (any number of replicas).</summary>
internal static class StoreRegistration
{
    public static IServiceCollection AddMlTrackStorage(this IServiceCollection services, ServerOptions options)
    {
        if (options.PostgresConnectionString is { } connectionString)
        {
            services.AddSingleton(_ => new PostgresDatabase(connectionString));
            services.AddSingleton<ITrackingStore>(s => new PostgresTrackingStore(
                s.GetRequiredService<PostgresDatabase>(), options.ResolvedDefaultArtifactRoot, s.GetRequiredService<TimeProvider>()));
            services.AddSingleton<IModelRegistryStore>(s => new PostgresModelRegistryStore(
                s.GetRequiredService<PostgresDatabase>(), s.GetRequiredService<TimeProvider>()));
            return services;
        }

        services.AddSingleton(_ => new SqliteDatabase(options.SqlitePath, options.SqliteWalLimitBytes, options.SqliteCheckpointEvery));
        services.AddSingleton<ITrackingStore>(s => new SqliteTrackingStore(
            s.GetRequiredService<SqliteDatabase>(), options.ResolvedDefaultArtifactRoot, s.GetRequiredService<TimeProvider>()));
        services.AddSingleton<IModelRegistryStore>(s => new SqliteModelRegistryStore(
            s.GetRequiredService<SqliteDatabase>(), s.GetRequiredService<TimeProvider>()));
        return services;
    }
}
