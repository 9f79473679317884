using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using MlTrack.Server.Api;
using MlTrack.Server.Errors;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Auth;

/// <summary>
/// With --auth: every request but /health and the UI's static files must carry valid credentials (401 with a
/// Basic challenge otherwise); every route then needs its rule from <see cref="RouteRules"/> (403 otherwise, and for
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
        if (rule?.Kind == RuleKind.Public || (endpoint is null && IsStaticAsset(context.Request)))
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

    // The UI's files hold no data: GET/HEAD outside the API that matched no route (the static file middleware).
    private static bool IsStaticAsset(HttpRequest request) =>
        (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))
        && !MlflowRoutes.Prefixes.Any(p => request.Path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase))
        && !request.Path.StartsWithSegments("/get-artifact", StringComparison.OrdinalIgnoreCase)
        && !request.Path.StartsWithSegments("/model-versions", StringComparison.OrdinalIgnoreCase);

    public static async Task WriteErrorAsync(HttpContext context, int status, ErrorCode code, string message)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(
            context.Response.Body, new MlflowErrorMiddleware.ErrorBody(code.ToString(), message), ErrorJsonContext.Default.ErrorBody, context.RequestAborted);
    }
}

