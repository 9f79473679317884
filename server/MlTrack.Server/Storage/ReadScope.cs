namespace MlTrack.Server.Storage;

/// <summary>
/// Which experiments (by id) or registered models (by name) a signed-in user may read: all but the listed ones when
/// <paramref name="ByDefault"/>, otherwise only the listed ones. A search applies it in SQL, so its pages stay full and
/// its tokens exact, where filtering a fetched page would leave it short.
/// </summary>
internal sealed record ReadScope(bool ByDefault, IReadOnlyList<string> Exceptions);

/// <summary>The caller's read scopes, set on the request by authentication for users who are not admins.</summary>
internal sealed record ReadScopes(ReadScope Experiments, ReadScope Models);
