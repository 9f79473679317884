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
        var header = context.Request.Headers.Authorization.ToString();
        if (string.IsNullOrEmpty(header) || !AuthenticationHeaderValue.TryParse(header, out var value) || string.IsNullOrEmpty(value.Parameter))
        {
            return (AuthResult.Missing, null);
        }

        var basic = value.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase) ? BasicCredentials.Parse(value.Parameter) : null;
        var named = basic is null ? null : store.FindUser(basic.Username);
        if (basic is not null && named is not null && Remembered(basic, named))
        {
            return (AuthResult.Ok, named);
        }

        // Only a credential that must be checked again counts toward, or is refused by, the lockout: the common case
        // (a remembered login) costs no query for it.
        var client = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        var failures = store.RecentFailures(client, WindowStart);
        if (failures >= options.MaxFailedLogins)
        {
            return (AuthResult.LockedOut, null);
        }

        var user = basic is not null ? Verify(basic, named)
            : value.Scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) ? store.FindUserByToken(value.Parameter)
            : null;
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

    // A login verified within CacheFor whose stored hash has not changed since (on any replica).
    private bool Remembered(BasicCredentials credentials, AuthUser user) =>
        _verified.TryGetValue(CacheKey(credentials), out var hit) && hit.Until > time.GetUtcNow()
        && hit.Username == user.Username && hit.PasswordHash == user.PasswordHash;

    // The password against the stored hash (or a dummy one for an unknown user, which costs the same).
    private AuthUser? Verify(BasicCredentials credentials, AuthUser? user)
    {
        if (!PasswordHashing.Verify(credentials.Password, user?.PasswordHash ?? _dummyHash.Value) || user is null)
        {
            return null;
        }

        if (_verified.Count > MaxTrackedClients)
        {
            _verified.Clear();
        }

        _verified[CacheKey(credentials)] = (user.Username, user.PasswordHash, time.GetUtcNow() + CacheFor);
        return user;
    }

    private string CacheKey(BasicCredentials credentials) =>
        Convert.ToBase64String(HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes($"{credentials.Username}:{credentials.Password}")));

    private long WindowStart => (time.GetUtcNow() - options.LockoutWindow).ToUnixTimeMilliseconds();

    private void RecordFailure(string client)
    {
        var count = store.RecordFailure(client, time.GetUtcNow().ToUnixTimeMilliseconds(), WindowStart);
        if (count == options.MaxFailedLogins)
        {
            logger.LogWarning("Client {Client} made {Count} failed logins; refused for {Window}.", client, count, options.LockoutWindow);
        }
    }

    private sealed record BasicCredentials(string Username, string Password)
    {
        /// <summary>user:password from base64, or null when the parameter is not that.</summary>
        public static BasicCredentials? Parse(string parameter)
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
            return colon <= 0 ? null : new BasicCredentials(decoded[..colon], decoded[(colon + 1)..]);
        }
    }
}
