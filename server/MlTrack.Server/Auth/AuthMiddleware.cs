using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Auth;

/// <summary>
/// With --auth: every request but /health must carry valid credentials (401 with a Basic challenge otherwise), the
/// UI's page and files included, so that opening the UI brings up the browser's sign-in prompt (as MLflow's basic-auth
/// app does for its pages); every route then needs its rule from <see cref="RouteRules"/> (403 otherwise, and for
/// routes without a rule). Admins pass every rule. After a successful call the creator of an experiment or model gets
/// MANAGE, and search answers are filtered to what the user may read.
/// </summary>
internal sealed class AuthMiddleware(RequestDelegate next, AuthStore store, Authenticator authenticator, AuthOptions options)
{
    public const string Challenge = "Basic realm=\"mlflow\"";
    private static readonly object UserKey = new();

    private readonly Permission _default = Permission.Parse(options.DefaultPermission);

    public static AuthUser? CurrentUser(HttpContext context) => context.Items.TryGetValue(UserKey, out var user) ? user as AuthUser : null;

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var method = context.Request.Method;
        var rule = endpoint is null ? null : RouteRules.For(endpoint, method);
        if (rule?.Kind == RuleKind.Public)
        {
            await next(context);
            return;
        }

        var (result, user) = authenticator.Authenticate(context);
        switch (result)
        {
            case AuthResult.LockedOut:
                context.Response.Headers.RetryAfter = ((int)authenticator.RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                await WriteErrorAsync(context, 429, ErrorCode.REQUEST_LIMIT_EXCEEDED, "Too many failed logins from this client; try again later.");
                return;
            case AuthResult.Missing or AuthResult.Invalid:
                context.Response.Headers.WWWAuthenticate = Challenge;
                if (IsBrowserNavigation(context.Request))
                {
                    await WriteSignInPageAsync(context);
                    return;
                }

                await WriteErrorAsync(context, 401, ErrorCode.UNAUTHENTICATED,
                    "You are not authenticated. Send HTTP basic credentials (MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD) "
                    + "or a bearer token (MLFLOW_TRACKING_TOKEN).");
                return;
        }

        context.Items[UserKey] = user;
        // No route, or routing's own 405 endpoint (not a RouteEndpoint): the error middleware answers 404/405.
        if (endpoint is not RouteEndpoint)
        {
            await next(context);
            return;
        }

        if (rule is null)
        {
            await WriteErrorAsync(context, 403, ErrorCode.PERMISSION_DENIED, "Permission denied: this route has no authorization rule.");
            return;
        }

        var authorization = new AuthorizationContext(context, user!, store, _default);
        if (!user!.IsAdmin && !await rule.Check(authorization))
        {
            await WriteErrorAsync(context, 403, ErrorCode.PERMISSION_DENIED, "Permission denied");
            return;
        }

        var key = $"{method.ToUpperInvariant()} {RouteRules.Unprefixed(((RouteEndpoint)endpoint).RoutePattern)}";
        var filter = rule.Kind == RuleKind.Filtered && !user.IsAdmin;
        if (!filter && key is not ("POST /mlflow/experiments/create" or "POST /mlflow/registered-models/create"
            or "DELETE /mlflow/registered-models/delete" or "POST /mlflow/registered-models/rename"))
        {
            await next(context);
            return;
        }

        // The handler disposes the parsed request when it is done: take what the after-step needs now.
        string? name = null, newName = null;
        if (key.StartsWith("POST /mlflow/registered-models/", StringComparison.Ordinal) || key.StartsWith("DELETE /mlflow/registered-models/", StringComparison.Ordinal))
        {
            var request = await authorization.RequestAsync();
            name = request.RequiredString("name");
            newName = key.EndsWith("/rename", StringComparison.Ordinal) ? request.RequiredString("new_name") : null;
        }

        // Buffer the (small) answer to read or rewrite it.
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.StatusCode == 200)
        {
            var rewritten = After(key, authorization, buffer.ToArray(), filter, name, newName);
            if (rewritten is not null)
            {
                context.Response.ContentLength = rewritten.Length;
                await original.WriteAsync(rewritten, context.RequestAborted);
                return;
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    private byte[]? After(string key, AuthorizationContext c, byte[] body, bool filter, string? name, string? newName)
    {
        switch (key)
        {
            case "POST /mlflow/experiments/create":
                var id = JsonNode.Parse(body)?["experiment_id"]?.GetValue<string>();
                if (id is not null)
                {
                    store.CreateExperimentGrant(id, c.User.Username, Permission.Manage.Name, replace: true);
                }

                return null;
            case "POST /mlflow/registered-models/create":
                store.CreateModelGrant(name!, c.User.Username, Permission.Manage.Name, replace: true);
                return null;
            case "DELETE /mlflow/registered-models/delete":
                store.DeleteAllModelGrants(name!);
                return null;
            case "POST /mlflow/registered-models/rename":
                store.RenameModelGrants(name!, newName!);
                return null;
        }

        if (!filter)
        {
            return null;
        }

        var (list, field, readable) = key switch
        {
            _ when key.EndsWith("/mlflow/experiments/search", StringComparison.Ordinal) =>
                ("experiments", "experiment_id", (Func<string, bool>)(v => c.OfExperiment(v).CanRead)),
            _ when key.EndsWith("/mlflow/registered-models/search", StringComparison.Ordinal) =>
                ("registered_models", "name", v => c.OfModel(v).CanRead),
            _ => ("model_versions", "name", (Func<string, bool>)(v => c.OfModel(v).CanRead)),
        };
        var root = JsonNode.Parse(body) as JsonObject;
        if (root?[list] is not JsonArray items)
        {
            return null;
        }

        foreach (var item in items.ToList())
        {
            var value = item?[field]?.GetValue<string>();
            if (value is null || !readable(value))
            {
                items.Remove(item);
            }
        }

        if (items.Count == 0)
        {
            root.Remove(list);
        }

        return JsonSerializer.SerializeToUtf8Bytes(root, AuthJsonContext.Default.JsonObject);
    }

    // A browser navigation gets a page for a person (shown when its sign-in prompt is cancelled or refused), not API JSON.
    private static bool IsBrowserNavigation(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase);

    private const string SignInPage = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Sign in required - MlTrack</title></head>
        <body style="font-family: system-ui, sans-serif; margin: 40px; color: #1d2430">
        <h1>Sign in required</h1>
        <p>This MlTrack server asks for a user name and password. Reload the page and enter them in the browser's
        sign-in prompt. If you have no account or forgot your password, ask an administrator of this server.</p>
        </body></html>
        """;

    private static async Task WriteSignInPageAsync(HttpContext context)
    {
        context.Response.StatusCode = 401;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(SignInPage, context.RequestAborted);
    }

    public static async Task WriteErrorAsync(HttpContext context, int status, ErrorCode code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(
            context.Response.Body, new MlflowErrorMiddleware.ErrorBody(code.ToString(), message), ErrorJsonContext.Default.ErrorBody, context.RequestAborted);
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(JsonObject))]
internal sealed partial class AuthJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
