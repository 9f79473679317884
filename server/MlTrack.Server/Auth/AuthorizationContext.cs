using MlTrack.Server.Api;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Auth;

/// <summary>What a rule looks at: the signed-in user, the request's parameters and the user's permissions.</summary>
internal sealed class AuthorizationContext(HttpContext http, AuthUser user, AuthStore store, Permission defaultPermission)
{
    public HttpContext Http { get; } = http;

    public AuthUser User { get; } = user;

    public CancellationToken Cancellation => Http.RequestAborted;

    public ITrackingStore Tracking => Http.RequestServices.GetRequiredService<ITrackingStore>();

    /// <summary>The request's parameters; read once and kept for the handler.</summary>
    public Task<MlflowRequest> RequestAsync() => RequestReader.ReadAsync(Http);

    public Permission OfExperiment(string experimentId) =>
        store.FindExperimentGrant(experimentId, User.Id) is { } grant ? Permission.Parse(grant.Permission) : defaultPermission;

    public Permission OfModel(string name) =>
        store.FindModelGrant(name, User.Id) is { } grant ? Permission.Parse(grant.Permission) : defaultPermission;

    public async Task<Permission> OfRunAsync(string runId) =>
        OfExperiment((await Tracking.GetRunAsync(runId, Cancellation)).Info.ExperimentId);
}
