using MlTrack.Server.Errors;

namespace MlTrack.Server.Auth;

/// <summary>MLflow's permissions (mlflow/server/auth/permissions.py), from none to MANAGE.</summary>
internal sealed record Permission(string Name, bool CanRead, bool CanUpdate, bool CanDelete, bool CanManage)
{
    public static readonly Permission Read = new("READ", true, false, false, false);
    public static readonly Permission Edit = new("EDIT", true, true, false, false);
    public static readonly Permission Manage = new("MANAGE", true, true, true, true);
    public static readonly Permission None = new("NO_PERMISSIONS", false, false, false, false);

    public static readonly IReadOnlyList<Permission> All = [Read, Edit, Manage, None];

    public static Permission Parse(string? name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw MlflowException.InvalidParameter(
            $"Invalid permission '{name}'. Valid permissions are: ({string.Join(", ", All.Select(p => $"'{p.Name}'"))})");

    public bool Allows(Access access) => access switch
    {
        Access.Read => CanRead,
        Access.Update => CanUpdate,
        Access.Delete => CanDelete,
        _ => CanManage,
    };
}

/// <summary>What a route does to its resource; each needs the matching capability of a <see cref="Permission"/>.</summary>
internal enum Access
{
    Read,
    Update,
    Delete,
    Manage,
}
