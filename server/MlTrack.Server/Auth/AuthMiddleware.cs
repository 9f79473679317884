using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Server.Errors;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Auth;

/// <summary>
/// With --auth: every request but /health must carry valid credentials (401 with a Basic challenge otherwise), the
/// UI's page and files included, so that opening the UI brings up the browser's sign-in prompt (as MLflow's basic-auth
/// app does for its pages); every route then needs its rule from <see cref="RouteRules"/> (403 otherwise, and for
/// routes without a rule). Admins pass every rule. After a successful call the creator of an experiment or model gets
/// MANAGE, and searches list only what the user may read (<see cref="ReadScopes"/>).
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
        if (rule.Kind == RuleKind.Filtered && !user.IsAdmin)
        {
            context.Features.Set(ReadScopesOf(user));
        }

        if (key is not ("POST /mlflow/experiments/create" or "POST /mlflow/registered-models/create"
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

        // Buffer the (small) answer to read it.
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
            After(key, authorization, buffer.ToArray(), name, newName);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    // The creator of an experiment or model manages it; a model's grants follow it through rename and delete.
    private void After(string key, AuthorizationContext c, byte[] body, string? name, string? newName)
    {
        switch (key)
        {
            case "POST /mlflow/experiments/create":
                var id = JsonNode.Parse(body)?["experiment_id"]?.GetValue<string>();
                if (id is not null)
                {
                    store.CreateExperimentGrant(id, c.User.Username, Permission.Manage.Name, replace: true);
                }

                break;
            case "POST /mlflow/registered-models/create":
                store.CreateModelGrant(name!, c.User.Username, Permission.Manage.Name, replace: true);
                break;
            case "DELETE /mlflow/registered-models/delete":
                store.DeleteAllModelGrants(name!);
                break;
            case "POST /mlflow/registered-models/rename":
                store.RenameModelGrants(name!, newName!);
                break;
        }
    }

    // Searches list only what the user may read: the default permission, except where a grant says otherwise.
    private ReadScopes ReadScopesOf(AuthUser user) => new(
        new ReadScope(_default.CanRead,
            [.. store.ExperimentGrants(user.Id).Where(g => Permission.Parse(g.Permission).CanRead != _default.CanRead).Select(g => g.ExperimentId)]),
        new ReadScope(_default.CanRead,
            [.. store.ModelGrants(user.Id).Where(g => Permission.Parse(g.Permission).CanRead != _default.CanRead).Select(g => g.Name)]));

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

