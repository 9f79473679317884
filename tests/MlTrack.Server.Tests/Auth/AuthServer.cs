using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using MlTrack.Server.Auth;
using MlTrack.Server.Tests.Support;

namespace MlTrack.Server.Tests.Auth;

/// <summary>A server started with --auth, an admin, and helpers to call it as a given user.</summary>
internal static class AuthServer
{
    public const string Admin = "admin";
    public const string AdminPassword = "admin-password-1";
    public const string UserPassword = "user-password-1";

    public static Task<RunningServer> StartAsync(string defaultPermission = "NO_PERMISSIONS", int maxFailedLogins = 1000) =>
        RunningServer.StartAsync(o => o with
        {
            Auth = new AuthOptions
            {
                Enabled = true,
                AdminUsername = Admin,
                AdminPassword = AdminPassword,
                DefaultPermission = defaultPermission,
                PasswordIterations = 1000,
                MaxFailedLogins = maxFailedLogins,
            },
        });

    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    public static Task<ApiResponse> CallAsync(
        this RunningServer server, AuthenticationHeaderValue? auth, HttpMethod method, string path, object? body = null) =>
        server.CallRawAsync(auth, method, path, body is null ? null : JsonSerializer.Serialize(body));

    public static async Task<ApiResponse> CallRawAsync(
        this RunningServer server, AuthenticationHeaderValue? auth, HttpMethod method, string path, string? json, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = auth;
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        }

        using var response = await server.Client.SendAsync(request);
        var result = await ApiResponse.ReadAsync(response);
        return result with { Challenge = response.Headers.WwwAuthenticate.ToString() };
    }

    public static async Task<AuthenticationHeaderValue> CreateUserAsync(this RunningServer server, string username)
    {
        var response = await server.CallAsync(Basic(Admin, AdminPassword), HttpMethod.Post, "/api/2.0/mlflow/users/create",
            new { username, password = UserPassword });
        response.EnsureOk();
        return Basic(username, UserPassword);
    }
}
