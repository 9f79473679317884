using MlTrack.Server.Api;
using MlTrack.Server.Api.Artifacts;
using MlTrack.Server.Artifacts;
using MlTrack.Server.Api.Experiments;
using MlTrack.Server.Api.Metrics;
using MlTrack.Server.Api.ModelRegistry;
using MlTrack.Server.Api.Runs;
using MlTrack.Server.Errors;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Hosting;

/// <summary>Builds the server: storage, MLflow's API on both prefixes, health routes and the OpenAPI documents.</summary>
internal static class MlTrackApp
{
    /// <summary>The MLflow version whose API this server speaks (reported by /version).</summary>
    public const string MlflowVersion = "2.12.2";

    // The UI's bulk metric routes send up to 1,000 run ids in one GET (about 14 KB); Kestrel's 8 KB is not enough.
    private const int MaxRequestLineBytes = 64 * 1024;

    public static WebApplication Build(ServerOptions options, string[]? args = null)
    {
        // The content root is the app's folder, not the working directory: the host watches its content root for
        // appsettings changes, and the working directory is where the database is written many times a second.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args ?? [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestLineSize = MaxRequestLineBytes;
            kestrel.Limits.MaxRequestHeadersTotalSize = MaxRequestLineBytes + 32 * 1024;
            // Bodies are limited per route: JSON calls in RequestReader, artifact uploads stream without a cap.
            kestrel.Limits.MaxRequestBodySize = null;
            // A deeper request pipe lets a streamed upload arrive in larger reads (Kestrel's default pauses at 1 MiB).
            kestrel.Limits.MaxRequestBufferSize = 8 * 1024 * 1024;
        });
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.WebHost.UseUrls($"http://{FormatHost(options.Host)}:{options.Port}");

        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddMlTrackStorage(options);
        builder.Services.AddSingleton<ArtifactLocations>();
        builder.Services.AddOpenApi();
        Security.SecuritySetup.AddServices(builder.Services, options);

        var app = builder.Build();
        // Open (and migrate) the database at start-up rather than on the first request.
        app.Services.GetRequiredService<ITrackingStore>();

        app.UseMiddleware<MlflowErrorMiddleware>();
        Security.SecuritySetup.UsePipeline(app, options);
        Ui.UiEndpoints.Map(app);
        MapRoutes(app, options);
        return app;
    }

    private static void MapRoutes(WebApplication app, ServerOptions options)
    {
        var routes = new MlflowRoutes(app);
        Security.SecuritySetup.MapRoutes(routes, options);
        ExperimentsEndpoints.Map(routes);
        RunsEndpoints.Map(routes);
        RunLoggingEndpoints.Map(routes);
        MetricsEndpoints.Map(routes, app);
        MlflowArtifactsEndpoints.Map(routes);
        RunArtifactsEndpoints.Map(routes, app);
        ModelRegistryEndpoints.Map(routes, app);

        app.MapGet("/health", () => Results.Content("OK", "text/html"));
        app.MapGet("/version", () => Results.Content(MlflowVersion, "text/html"));
        app.MapOpenApi("/openapi/v1.json");
        app.MapGet("/openapi.yaml", () => Results.Stream(
            typeof(MlTrackApp).Assembly.GetManifestResourceStream("MlTrack.Server.openapi.yaml")!, "application/yaml"));
    }

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
