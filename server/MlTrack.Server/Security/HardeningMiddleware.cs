using System.Net;
using MlTrack.Server.Api;
using MlTrack.Server.Errors;
using MlTrack.Server.Hosting;

namespace MlTrack.Server.Security;

/// <summary>
/// Refuses requests whose Host is not allowed (a DNS-rebinding page reaches a loopback server under its own name),
/// answers CORS for allowed origins only (and refuses writes from other origins), and sets security headers:
/// nosniff, frame and referrer policies on every answer, a content security policy on the UI's, and a sandbox on
/// artifact downloads so that an uploaded HTML file cannot run script as the server's origin.
/// </summary>
internal sealed class HardeningMiddleware(RequestDelegate next, ServerOptions server, HardeningOptions options)
{
    private const string UiPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; form-action 'self'";

    private const string ArtifactPolicy = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; frame-ancestors 'self'";

    private static readonly string[] LoopbackNames = ["localhost", "127.0.0.1", "::1"];

    private readonly string[] _hosts = options.AllowedHosts.Count > 0
        ? [.. options.AllowedHosts.Select(h => h.Trim().ToLowerInvariant())]
        : [.. LoopbackNames, .. IsWildcard(server.Host) ? Array.Empty<string>() : [server.Host.Trim('[', ']').ToLowerInvariant()]];

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HostAllowed(request.Host))
        {
            await WriteAsync(context, 403, "Invalid Host header: this server answers only to its allowed hosts (--allowed-hosts).");
            return;
        }

        // Set as the answer starts: error pages clear the headers set before them.
        var path = request.Path;
        context.Response.OnStarting(() =>
        {
            var sent = context.Response.Headers;
            sent.XContentTypeOptions = "nosniff";
            sent.XFrameOptions = "SAMEORIGIN";
            sent["Referrer-Policy"] = "same-origin";
            sent["Cross-Origin-Resource-Policy"] = "same-origin";
            if (IsArtifactDownload(path))
            {
                sent.ContentSecurityPolicy = ArtifactPolicy;
            }
            else if (!IsApi(path))
            {
                sent.ContentSecurityPolicy = UiPolicy;
            }

            return Task.CompletedTask;
        });

        var headers = context.Response.Headers;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length > 0 && !IsSameOrigin(origin, request))
        {
            var allowed = OriginAllowed(origin);
            var preflight = HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey("Access-Control-Request-Method");
            if (!allowed && (preflight || !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method))))
            {
                await WriteAsync(context, 403, "Cross-origin request from a disallowed origin (--cors-allowed-origins).");
                return;
            }

            if (allowed)
            {
                headers.AccessControlAllowOrigin = origin;
                headers.Vary = "Origin";
                if (preflight)
                {
                    headers.AccessControlAllowMethods = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
                    headers.AccessControlAllowHeaders = "Authorization, Content-Type";
                    headers.AccessControlMaxAge = "600";
                    context.Response.StatusCode = 204;
                    return;
                }
            }
        }

        await next(context);
    }

    private bool HostAllowed(HostString host)
    {
        if (!host.HasValue)
        {
            return false;
        }

        var name = host.Host.Trim('[', ']').ToLowerInvariant();
        return _hosts.Any(allowed => allowed == "*" || allowed.Trim('[', ']') == name
            || (allowed.StartsWith("*.", StringComparison.Ordinal) && name.EndsWith(allowed[1..], StringComparison.Ordinal)));
    }

    private bool OriginAllowed(string origin)
    {
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return false;
        }

        if (options.CorsAllowedOrigins.Count == 0)
        {
            var host = uri.Host.Trim('[', ']');
            return host == "localhost" || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
        }

        var normalized = origin.TrimEnd('/');
        return options.CorsAllowedOrigins.Any(o => o == "*" || string.Equals(o.TrimEnd('/'), normalized, StringComparison.OrdinalIgnoreCase));
    }

    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        string.Equals(origin.TrimEnd('/'), $"{request.Scheme}://{request.Host}", StringComparison.OrdinalIgnoreCase);

    public static bool IsWildcard(string host) => host is "0.0.0.0" or "::" or "[::]" or "*" or "+";

    private static bool IsApi(PathString path) =>
        MlflowRoutes.Prefixes.Any(p => path.StartsWithSegments(p, StringComparison.OrdinalIgnoreCase));

    private static bool IsArtifactDownload(PathString path) =>
        path.StartsWithSegments("/get-artifact", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/model-versions/get-artifact", StringComparison.OrdinalIgnoreCase)
        || MlflowRoutes.Prefixes.Any(p => path.StartsWithSegments(p + "/mlflow-artifacts/artifacts", StringComparison.OrdinalIgnoreCase));

    private static Task WriteAsync(HttpContext context, int status, string message) =>
        Auth.AuthMiddleware.WriteErrorAsync(context, status, ErrorCode.PERMISSION_DENIED, message);
}
