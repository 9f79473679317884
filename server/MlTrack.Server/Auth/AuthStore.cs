using System.Security.Cryptography;
using System.Text;
using Dapper;
using System.Data.Common;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Auth;

internal sealed class AuthUser
{
    public long Id { get; init; }

    public string Username { get; init; } = "";

    public string PasswordHash { get; init; } = "";

    public bool IsAdmin { get; init; }
}

internal sealed record ExperimentGrant(string ExperimentId, long UserId, string Permission);

internal sealed record ModelGrant(string Name, long UserId, string Permission);

/// <summary>Users, their permissions and API tokens (<see cref="AuthDatabase"/>). Every statement is parameterised.</summary>
internal sealed class AuthStore(AuthDatabase database, int iterations)
{
    public AuthUser? FindUser(string username)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<AuthUser>(
            "SELECT id AS Id, username AS Username, password_hash AS PasswordHash, is_admin AS IsAdmin FROM users WHERE username = @username",
            new { username });
    }

    public AuthUser GetUser(string username) =>
        FindUser(username) ?? throw MlflowException.NotFound($"User with username={username} not found");

    public bool HasAdmin()
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<long>("SELECT COUNT(*) FROM users WHERE is_admin = 1") > 0;
    }

    public AuthUser CreateUser(string username, string password, bool isAdmin)
    {
        ValidateUsername(username);
        ValidatePassword(password);
        var hash = PasswordHashing.Hash(password, iterations);
        using var connection = database.Open();
        try
        {
            connection.Execute(
                "INSERT INTO users (username, password_hash, is_admin) VALUES (@username, @hash, @isAdmin)",
                new { username, hash, isAdmin = isAdmin ? 1 : 0 });
        }
        catch (DbException e) when (AuthDatabase.IsUniqueViolation(e))
        {
            throw MlflowException.AlreadyExists($"User (username={username}) already exists.");
        }

        return GetUser(username);
    }

    public void UpdatePassword(string username, string password)
    {
        ValidatePassword(password);
        var user = GetUser(username);
        var hash = PasswordHashing.Hash(password, iterations);
        using var connection = database.Open();
        connection.Execute("UPDATE users SET password_hash = @hash WHERE id = @id", new { hash, id = user.Id });
    }

    public void UpdateAdmin(string username, bool isAdmin)
    {
        var user = GetUser(username);
        using var connection = database.Open();
        connection.Execute("UPDATE users SET is_admin = @isAdmin WHERE id = @id", new { isAdmin = isAdmin ? 1 : 0, id = user.Id });
    }

    public void DeleteUser(string username)
    {
        var user = GetUser(username);
        using var connection = database.Open();
        connection.Execute("DELETE FROM users WHERE id = @id", new { id = user.Id });
    }

    // Tokens: 32 random bytes shown once; only their SHA-256 is kept (they are not guessable, so no slow hash is needed).
    public string CreateToken(string username, long nowMillis)
    {
        var user = GetUser(username);
        var token = "mlt_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        using var connection = database.Open();
        connection.Execute(
            "INSERT INTO tokens (user_id, token_hash, created_at) VALUES (@userId, @hash, @nowMillis)",
            new { userId = user.Id, hash = TokenHash(token), nowMillis });
        return token;
    }

    public void DeleteTokens(string username)
    {
        var user = GetUser(username);
        using var connection = database.Open();
        connection.Execute("DELETE FROM tokens WHERE user_id = @id", new { id = user.Id });
    }

    public AuthUser? FindUserByToken(string token)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<AuthUser>(
            """
            SELECT u.id AS Id, u.username AS Username, u.password_hash AS PasswordHash, u.is_admin AS IsAdmin
            FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = @hash
            """,
            new { hash = TokenHash(token) });
    }

    public IReadOnlyList<ExperimentGrant> ExperimentGrants(long userId)
    {
        using var connection = database.Open();
        return connection.Query<ExperimentGrant>(
            "SELECT experiment_id AS ExperimentId, user_id AS UserId, permission AS Permission FROM experiment_permissions WHERE user_id = @userId",
            new { userId }).AsList();
    }

    public IReadOnlyList<ModelGrant> ModelGrants(long userId)
    {
        using var connection = database.Open();
        return connection.Query<ModelGrant>(
            "SELECT name AS Name, user_id AS UserId, permission AS Permission FROM registered_model_permissions WHERE user_id = @userId",
            new { userId }).AsList();
    }

    public ExperimentGrant? FindExperimentGrant(string experimentId, long userId)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<ExperimentGrant>(
            """
            SELECT experiment_id AS ExperimentId, user_id AS UserId, permission AS Permission
            FROM experiment_permissions WHERE experiment_id = @experimentId AND user_id = @userId
            """,
            new { experimentId, userId });
    }

    public ModelGrant? FindModelGrant(string name, long userId)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<ModelGrant>(
            """
            SELECT name AS Name, user_id AS UserId, permission AS Permission
            FROM registered_model_permissions WHERE name = @name AND user_id = @userId
            """,
            new { name, userId });
    }

    public ExperimentGrant CreateExperimentGrant(string experimentId, string username, string permission, bool replace = false)
    {
        var userId = InsertGrant(ExperimentPermissionsTable, experimentId, username, permission, replace,
            $"Experiment permission (experiment_id={experimentId}, username={username}) already exists.");
        return new ExperimentGrant(experimentId, userId, permission);
    }

    public ExperimentGrant GetExperimentGrant(string experimentId, string username) =>
        FindExperimentGrant(experimentId, GetUser(username).Id)
        ?? throw MlflowException.NotFound($"Experiment permission with experiment_id={experimentId} and username={username} not found");

    public void UpdateExperimentGrant(string experimentId, string username, string permission)
    {
        Permission.Parse(permission);
        UpdateGrant(ExperimentPermissionsTable, experimentId, GetExperimentGrant(experimentId, username).UserId, permission);
    }

    public void DeleteExperimentGrant(string experimentId, string username) =>
        DeleteGrant(ExperimentPermissionsTable, experimentId, GetExperimentGrant(experimentId, username).UserId);

    public ModelGrant CreateModelGrant(string name, string username, string permission, bool replace = false)
    {
        var userId = InsertGrant(ModelPermissionsTable, name, username, permission, replace,
            $"Registered model permission (name={name}, username={username}) already exists.");
        return new ModelGrant(name, userId, permission);
    }

    public ModelGrant GetModelGrant(string name, string username) =>
        FindModelGrant(name, GetUser(username).Id)
        ?? throw MlflowException.NotFound($"Registered model permission with name={name} and username={username} not found");

    public void UpdateModelGrant(string name, string username, string permission)
    {
        Permission.Parse(permission);
        UpdateGrant(ModelPermissionsTable, name, GetModelGrant(name, username).UserId, permission);
    }

    public void DeleteModelGrant(string name, string username) =>
        DeleteGrant(ModelPermissionsTable, name, GetModelGrant(name, username).UserId);

    // The two grant tables differ only in their names; values are always bound as parameters.
    private sealed record GrantTable(string Table, string KeyColumn);

    private static readonly GrantTable ExperimentPermissionsTable = new("experiment_permissions", "experiment_id");
    private static readonly GrantTable ModelPermissionsTable = new("registered_model_permissions", "name");

    private long InsertGrant(GrantTable grants, string key, string username, string permission, bool replace, string conflictMessage)
    {
        Permission.Parse(permission);
        var user = GetUser(username);
        using var connection = database.Open();
        try
        {
            connection.Execute(
                $"INSERT INTO {grants.Table} ({grants.KeyColumn}, user_id, permission) VALUES (@key, @userId, @permission)"
                + (replace ? $" ON CONFLICT ({grants.KeyColumn}, user_id) DO UPDATE SET permission = excluded.permission" : ""),
                new { key, userId = user.Id, permission });
        }
        catch (DbException e) when (AuthDatabase.IsUniqueViolation(e))
        {
            throw MlflowException.AlreadyExists(conflictMessage);
        }

        return user.Id;
    }

    private void UpdateGrant(GrantTable grants, string key, long userId, string permission)
    {
        using var connection = database.Open();
        connection.Execute(
            $"UPDATE {grants.Table} SET permission = @permission WHERE {grants.KeyColumn} = @key AND user_id = @userId",
            new { permission, key, userId });
    }

    private void DeleteGrant(GrantTable grants, string key, long userId)
    {
        using var connection = database.Open();
        connection.Execute($"DELETE FROM {grants.Table} WHERE {grants.KeyColumn} = @key AND user_id = @userId", new { key, userId });
    }

    /// <summary>A deleted model's grants go with it, so a new model of the same name does not inherit them.</summary>
    public void DeleteAllModelGrants(string name)
    {
        using var connection = database.Open();
        connection.Execute("DELETE FROM registered_model_permissions WHERE name = @name", new { name });
    }

    /// <summary>A renamed model keeps its grants (MLflow 2.12 leaves them on the old name, for anyone who reuses it).</summary>
    public void RenameModelGrants(string name, string newName)
    {
        using var connection = database.Open();
        connection.Execute(
            """
            DELETE FROM registered_model_permissions WHERE name = @newName;
            UPDATE registered_model_permissions SET name = @newName WHERE name = @name;
            """,
            new { name, newName });
    }

    /// <summary>Failed logins of <paramref name="client"/> since <paramref name="windowStart"/> (Unix ms).</summary>
    public int RecentFailures(string client, long windowStart)
    {
        using var connection = database.Open();
        return connection.ExecuteScalar<int?>(
            "SELECT failures FROM login_failures WHERE client = @client AND since > @windowStart", new { client, windowStart }) ?? 0;
    }

    /// <summary>
    /// Counts a failed login of <paramref name="client"/> in the database, so that every replica sees the same count;
    /// a count older than the window starts over. Returns the new count.
    /// </summary>
    public int RecordFailure(string client, long now, long windowStart)
    {
        using var connection = database.Open();
        connection.Execute("DELETE FROM login_failures WHERE since <= @windowStart", new { windowStart });
        return connection.ExecuteScalar<int>(
            """
            INSERT INTO login_failures (client, failures, since) VALUES (@client, 1, @now)
            ON CONFLICT (client) DO UPDATE SET failures = login_failures.failures + 1
            RETURNING failures
            """,
            new { client, now });
    }

    public void ClearFailures(string client)
    {
        using var connection = database.Open();
        connection.Execute("DELETE FROM login_failures WHERE client = @client", new { client });
    }

    private static string TokenHash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static void ValidateUsername(string username)
    {
        if (string.IsNullOrWhiteSpace(username) || username.Length > 255 || username.Contains(':', StringComparison.Ordinal)
            || username.Any(char.IsControl))
        {
            throw MlflowException.InvalidParameter("Username must be 1-255 characters without ':' or control characters.");
        }
    }

    private static void ValidatePassword(string password)
    {
        if (password.Length < 8 || password.Length > 1024)
        {
            throw MlflowException.InvalidParameter("Password must be 8 to 1024 characters long.");
        }
    }
}
