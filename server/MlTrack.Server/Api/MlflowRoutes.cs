using MlTrack.Server.Storage;

namespace MlTrack.Server.Api;

/// <summary>What an MLflow RPC handler gets: the parsed request, the stores and the request's cancellation.</summary>
internal sealed record MlflowCall(MlflowRequest Request, ITrackingStore Tracking, HttpContext Http)
{
    public CancellationToken Cancellation => Http.RequestAborted;

    /// <summary>Any other service the handler needs (artifact locations, the registry store).</summary>
    public T Service<T>()
        where T : notnull => Http.RequestServices.GetRequiredService<T>();

    /// <summary>What the caller may read when authentication limits it; null when it may read everything.</summary>
    public ReadScopes? Readable => Http.Features.Get<ReadScopes>();
}

/// <summary>An RPC handler; its result is written as MLflow JSON, unless it is an <see cref="IResult"/> that writes itself.</summary>
internal delegate Task<object> MlflowHandler(MlflowCall call);

/// <summary>
/// Registers each MLflow RPC under /api/2.0 and /ajax-api/2.0 (mlflow/server/handlers.py _get_paths),
/// and keeps the list of mapped routes for the OpenAPI contract test.
/// </summary>
internal sealed class MlflowRoutes(IEndpointRouteBuilder app)
{
    public static readonly string[] Prefixes = ["/api/2.0", "/ajax-api/2.0"];

    public static readonly object Empty = new { };

    public void Get(string path, MlflowHandler handler) => Map(path, handler, HttpMethods.Get);

    public void Post(string path, MlflowHandler handler) => Map(path, handler, HttpMethods.Post);

    public void GetAndPost(string path, MlflowHandler handler) => Map(path, handler, HttpMethods.Get, HttpMethods.Post);

    public void Patch(string path, MlflowHandler handler) => Map(path, handler, HttpMethods.Patch);

    public void Delete(string path, MlflowHandler handler) => Map(path, handler, HttpMethods.Delete);

    public void Map(string path, MlflowHandler handler, params string[] methods)
    {
        foreach (var prefix in Prefixes)
        {
            app.MapMethods(prefix + path, methods, context => InvokeAsync(context, handler));
        }
    }

    /// <summary>Maps a route that reads and writes the raw HTTP exchange itself (artifact bodies), under both prefixes.</summary>
    public void MapRaw(string path, RequestDelegate handler, params string[] methods)
    {
        foreach (var prefix in Prefixes)
        {
            app.MapMethods(prefix + path, methods, handler);
        }
    }

    public static async Task InvokeAsync(HttpContext context, MlflowHandler handler)
    {
        // Disposed only once the answer is written, in case the result still refers to the request's elements.
        using var request = await RequestReader.ReadAsync(context);
        var tracking = context.RequestServices.GetRequiredService<ITrackingStore>();
        var result = await handler(new MlflowCall(request, tracking, context));
        if (result is IResult custom)
        {
            await custom.ExecuteAsync(context);
            return;
        }

        await context.Response.WriteAsJsonAsync(result, result.GetType(), MlflowJson.Options, context.RequestAborted);
    }
}
