using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace MlTrack.Server.Auth;

/// <summary>The outcome of reading a request's credentials.</summary>
internal enum AuthResult
{
    Missing,
    Invalid,
    LockedOut,
    Ok,
}

/// <summary>
/// Checks HTTP basic credentials (MLFLOW_TRACKING_USERNAME/PASSWORD) and bearer tokens (MLFLOW_TRACKING_TOKEN).
/// A verified password is remembered for a few minutes under an HMAC of the credentials with a per-process key,
/// since clients send it with every request and PBKDF2 is slow on purpose. The memory holds the user's stored hash:
/// a password changed or a user deleted through any replica ends it at the next request. Failed logins are counted
/// per client address in the auth database, so replicas share the count.
/// </summary>
internal sealed class Authenticator(AuthStore store, AuthOptions options, TimeProvider time, ILogger<Authenticator> logger)
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private const int MaxTrackedClients = 10_000;

    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (string Username, string PasswordHash, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);

    // A dummy hash so that an unknown user costs as much as a wrong password (no user enumeration by timing).
    private readonly Lazy<string> _dummyHash = new(() => PasswordHashing.Hash(Guid.NewGuid().ToString(), options.PasswordIterations));

    public (AuthResult Result, AuthUser? User) Authenticate(HttpContext context)
    {
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var failures = store.RecentFailures(client, WindowStart);
        if (failures >= options.MaxFailedLogins)
        {
            return (AuthResult.LockedOut, null);
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header) || !AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrEmpty(value.Parameter))
        {
            return (AuthResult.Missing, null);
        }

        AuthUser? user = null;
        if (value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase))
        {
            user = CheckBasic(value.Parameter);
        }
        else if (value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            user = store.FindUserByToken(value.Parameter);
        }

        if (user is null)
        {
            RecordFailure(client);
            return (AuthResult.Invalid, null);
        }

        if (failures > 0)
        {
            store.ClearFailures(client);
        }

        return (AuthResult.Ok, user);
    }

    public TimeSpan RetryAfter => options.LockoutWindow;

    private AuthUser? CheckBasic(string parameter)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(parameter));
        }
        catch (FormatException)
        {
            return null;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return null;
        }

        var username = decoded[..colon];
        var password = decoded[(colon + 1)..];
        var cacheKey = Convert.ToBase64String(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(decoded)));
        var now = time.GetUtcNow();
        var user = store.FindUser(username);
        if (_verified.TryGetValue(cacheKey, out var hit) && hit.Until > now && hit.Username == username && hit.PasswordHash == user?.PasswordHash)
        {
            return user;
        }

        if (!PasswordHashing.Verify(password, user?.PasswordHash ?? _dummyHash.Value) || user is null)
        {
            return null;
        }

        if (_verified.Count > MaxTrackedClients)
        {
            _verified.Clear();
        }

        _verified[cacheKey] = (username, user.PasswordHash, now + CacheFor);
        return user;
    }

    private long WindowStart => (time.GetUtcNow() - options.LockoutWindow).ToUnixTimeMilliseconds();

    private void RecordFailure(string client)
    {
        var count = store.RecordFailure(client, time.GetUtcNow().ToUnixTimeMilliseconds(), WindowStart);
        if (count == options.MaxFailedLogins)
        {
            logger.LogWarning("Client {Client} made {Count} failed logins; refused for {Window}.", client, count, options.LockoutWindow);
        }
    }
}
