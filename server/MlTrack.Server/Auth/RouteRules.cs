using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing.Patterns;
using MlTrack.Server.Api;

namespace MlTrack.Server.Auth;

/// <summary>Who may call a route: nobody is asked (public), any signed-in user, a user with a permission, or an admin.</summary>
internal enum RuleKind
{
    /// <summary>No credentials asked (/health only).</summary>
    Public,

    /// <summary>Any signed-in user; the route touches no one resource (version, creating an experiment).</summary>
    AnyUser,

    /// <summary>Any signed-in user; the answer lists only what the user may read.</summary>
    Filtered,

    /// <summary>The user's permission on the resource the request names.</summary>
    Resource,

    /// <summary>An admin, or the user the request names (users/get, update-password, tokens).</summary>
    Self,

    /// <summary>Admins only.</summary>
    Admin,
}

/// <summary>A route's rule: its kind and the check a non-admin must pass.</summary>
internal sealed record RouteRule(RuleKind Kind, Func<AuthorizationContext, Task<bool>> Check);

/// <summary>
/// The permission each route needs, keyed by method and route pattern without the /api/2.0 or /ajax-api/2.0 prefix,
/// as MLflow's BEFORE_REQUEST_HANDLERS plus the routes MLflow 2.12 left unchecked (runs/search, log-inputs,
/// delete-experiment-tag, the metric bulk routes, /get-artifact, model-versions/search and get-artifact, the artifact
/// proxy without an experiment id). A route missing here is refused to everyone: see <see cref="For"/>.
/// </summary>
internal static partial class RouteRules
{
    private static readonly RouteRule Public = new(RuleKind.Public, _ => Task.FromResult(true));
    private static readonly RouteRule AnyUser = new(RuleKind.AnyUser, _ => Task.FromResult(true));
    private static readonly RouteRule Filtered = new(RuleKind.Filtered, _ => Task.FromResult(true));
    private static readonly RouteRule Admin = new(RuleKind.Admin, _ => Task.FromResult(false));
    private static readonly RouteRule Self = new(RuleKind.Self, async c => (await c.RequestAsync()).RequiredString("username") == c.User.Username);

    private static RouteRule Experiment(Access access) =>
        new(RuleKind.Resource, async c => c.OfExperiment((await c.RequestAsync()).RequiredId("experiment_id")).Allows(access));

    private static RouteRule Run(Access access) =>
        new(RuleKind.Resource, async c => (await c.OfRunAsync((await c.RequestAsync()).RequiredRunId())).Allows(access));

    private static RouteRule Runs(string field) => new(RuleKind.Resource, async c =>
    {
        foreach (var runId in (await c.RequestAsync()).StringList(field))
        {
            if (!(await c.OfRunAsync(runId)).CanRead)
            {
                return false;
            }
        }

        return true;
    });

    private static RouteRule Model(Access access) =>
        new(RuleKind.Resource, async c => c.OfModel((await c.RequestAsync()).RequiredString("name")).Allows(access));

    private static readonly Dictionary<string, RouteRule> Rules = new(StringComparer.Ordinal)
    {
        ["GET /health"] = Public,
        ["GET /version"] = AnyUser,
        ["GET /openapi.yaml"] = AnyUser,
        ["GET /openapi/v1.json"] = AnyUser,

        // Experiments. Creating one is open to every user (who then MANAGEs it), but choosing its artifact location
        // is an admin's: it could point into another experiment's artifacts.
        ["POST /mlflow/experiments/create"] = new(RuleKind.AnyUser, async c => string.IsNullOrEmpty((await c.RequestAsync()).String("artifact_location"))),
        ["GET /mlflow/experiments/get"] = Experiment(Access.Read),
        ["GET /mlflow/experiments/get-by-name"] = new(RuleKind.Resource, async c =>
        {
            var experiment = await c.Tracking.GetExperimentByNameAsync((await c.RequestAsync()).RequiredString("experiment_name"), c.Cancellation);
            return experiment is null || c.OfExperiment(experiment.ExperimentId).CanRead;
        }),
        ["GET /mlflow/experiments/search"] = Filtered,
        ["POST /mlflow/experiments/search"] = Filtered,
        ["POST /mlflow/experiments/update"] = Experiment(Access.Update),
        ["POST /mlflow/experiments/delete"] = Experiment(Access.Delete),
        ["POST /mlflow/experiments/restore"] = Experiment(Access.Delete),
        ["POST /mlflow/experiments/set-experiment-tag"] = Experiment(Access.Update),
        ["POST /mlflow/experiments/delete-experiment-tag"] = Experiment(Access.Update),

        // Runs inherit their experiment's permission.
        ["POST /mlflow/runs/create"] = Experiment(Access.Update),
        ["GET /mlflow/runs/get"] = Run(Access.Read),
        ["POST /mlflow/runs/update"] = Run(Access.Update),
        ["POST /mlflow/runs/delete"] = Run(Access.Delete),
        ["POST /mlflow/runs/restore"] = Run(Access.Delete),
        ["POST /mlflow/runs/search"] = new(RuleKind.Resource, async c =>
            (await c.RequestAsync()).StringList("experiment_ids").All(id => c.OfExperiment(id).CanRead)),
        ["POST /mlflow/runs/set-tag"] = Run(Access.Update),
        ["POST /mlflow/runs/delete-tag"] = Run(Access.Update),
        ["POST /mlflow/runs/log-metric"] = Run(Access.Update),
        ["POST /mlflow/runs/log-parameter"] = Run(Access.Update),
        ["POST /mlflow/runs/log-batch"] = Run(Access.Update),
        ["POST /mlflow/runs/log-inputs"] = Run(Access.Update),
        ["POST /mlflow/runs/log-model"] = Run(Access.Update),
        ["GET /mlflow/metrics/get-history"] = Run(Access.Read),
        ["GET /mlflow/metrics/get-history-bulk-interval"] = Runs("run_ids"),
        ["GET /mlflow/metrics/get-history-bulk"] = Runs("run_id"),
        ["GET /mlflow/artifacts/list"] = Run(Access.Read),
        ["GET /get-artifact"] = Run(Access.Read),

        // The artifact proxy: paths start with the experiment id (mlflow-artifacts:/<experiment>/<run>/artifacts).
        ["GET /mlflow-artifacts/artifacts"] = ArtifactProxy(Access.Read, fromQuery: true),
        ["GET /mlflow-artifacts/artifacts/{**path}"] = ArtifactProxy(Access.Read),
        ["PUT /mlflow-artifacts/artifacts/{**path}"] = ArtifactProxy(Access.Update),
        ["DELETE /mlflow-artifacts/artifacts/{**path}"] = ArtifactProxy(Access.Manage),
        ["POST /mlflow-artifacts/mpu/create/{**path}"] = ArtifactProxy(Access.Update),
        ["POST /mlflow-artifacts/mpu/complete/{**path}"] = ArtifactProxy(Access.Update),
        ["POST /mlflow-artifacts/mpu/abort/{**path}"] = ArtifactProxy(Access.Update),

        // Model registry, by registered model name.
        ["POST /mlflow/registered-models/create"] = AnyUser,
        ["GET /mlflow/registered-models/get"] = Model(Access.Read),
        ["POST /mlflow/registered-models/rename"] = Model(Access.Update),
        ["PATCH /mlflow/registered-models/update"] = Model(Access.Update),
        ["DELETE /mlflow/registered-models/delete"] = Model(Access.Delete),
        ["GET /mlflow/registered-models/search"] = Filtered,
        ["GET /mlflow/registered-models/get-latest-versions"] = Model(Access.Read),
        ["POST /mlflow/registered-models/get-latest-versions"] = Model(Access.Read),
        ["POST /mlflow/registered-models/set-tag"] = Model(Access.Update),
        ["DELETE /mlflow/registered-models/delete-tag"] = Model(Access.Update),
        ["POST /mlflow/registered-models/alias"] = Model(Access.Update),
        ["DELETE /mlflow/registered-models/alias"] = Model(Access.Delete),
        ["GET /mlflow/registered-models/alias"] = Model(Access.Read),
        ["POST /mlflow/model-versions/create"] = new(RuleKind.Resource, ModelVersionCreateAsync),
        ["GET /mlflow/model-versions/get"] = Model(Access.Read),
        ["PATCH /mlflow/model-versions/update"] = Model(Access.Update),
        ["DELETE /mlflow/model-versions/delete"] = Model(Access.Delete),
        ["GET /mlflow/model-versions/search"] = Filtered,
        ["GET /mlflow/model-versions/get-download-uri"] = Model(Access.Read),
        ["POST /mlflow/model-versions/transition-stage"] = Model(Access.Update),
        ["POST /mlflow/model-versions/set-tag"] = Model(Access.Update),
        ["DELETE /mlflow/model-versions/delete-tag"] = Model(Access.Delete),
        ["GET /model-versions/get-artifact"] = Model(Access.Read),

        // MLflow's auth routes (mlflow/server/auth/__init__.py BEFORE_REQUEST_VALIDATORS), and API tokens.
        ["POST /mlflow/users/create"] = Admin,
        ["GET /mlflow/users/get"] = Self,
        ["PATCH /mlflow/users/update-password"] = Self,
        ["PATCH /mlflow/users/update-admin"] = Admin,
        ["DELETE /mlflow/users/delete"] = Admin,
        ["POST /mlflow/users/tokens/create"] = Self,
        ["DELETE /mlflow/users/tokens/delete"] = Self,
        ["POST /mlflow/experiments/permissions/create"] = Experiment(Access.Manage),
        ["GET /mlflow/experiments/permissions/get"] = Experiment(Access.Manage),
        ["PATCH /mlflow/experiments/permissions/update"] = Experiment(Access.Manage),
        ["DELETE /mlflow/experiments/permissions/delete"] = Experiment(Access.Manage),
        ["POST /mlflow/registered-models/permissions/create"] = Model(Access.Manage),
        ["GET /mlflow/registered-models/permissions/get"] = Model(Access.Manage),
        ["PATCH /mlflow/registered-models/permissions/update"] = Model(Access.Manage),
        ["DELETE /mlflow/registered-models/permissions/delete"] = Model(Access.Manage),
    };

    /// <summary>The rule of an endpoint, from its route pattern and HTTP methods; null when there is none (refused).</summary>
    public static RouteRule? For(Endpoint endpoint, string method)
    {
        if (endpoint is not RouteEndpoint route)
        {
            return null;
        }

        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        if (methods is null || !methods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        return Rules.GetValueOrDefault($"{method.ToUpperInvariant()} {Unprefixed(route.RoutePattern)}");
    }

    /// <summary>The route's path without its API prefix: the key of its rule.</summary>
    public static string Unprefixed(RoutePattern pattern)
    {
        var raw = "/" + (pattern.RawText ?? "").TrimStart('/');
        foreach (var prefix in MlflowRoutes.Prefixes)
        {
            if (raw.StartsWith(prefix + "/", StringComparison.Ordinal))
            {
                return raw[prefix.Length..];
            }
        }

        return raw;
    }

    // mlflow-artifacts paths are <experiment id>/<run id>/artifacts/...; anything else (the root, an experiment with a
    // custom location) is an admin's. A path with "..", "." or backslashes is refused before the store sees it.
    private static RouteRule ArtifactProxy(Access access, bool fromQuery = false) => new(RuleKind.Resource, c =>
    {
        var path = fromQuery ? c.Http.Request.Query["path"].ToString() : c.Http.Request.RouteValues["path"] as string ?? "";
        var match = ExperimentPath().Match(path);
        return Task.FromResult(match.Success && !path.Contains('\\', StringComparison.Ordinal)
            && !path.Split('/').Any(segment => segment is "." or "..")
            && c.OfExperiment(match.Groups[1].Value).Allows(access));
    });

    [GeneratedRegex(@"^([0-9]+)(/|$)")]
    private static partial Regex ExperimentPath();

    // MLflow checks only the model; the version's source must also be something the user may read, or registering
    // another experiment's run would expose its artifacts through model-versions/get-artifact.
    private static async Task<bool> ModelVersionCreateAsync(AuthorizationContext c)
    {
        var request = await c.RequestAsync();
        if (!c.OfModel(request.RequiredString("name")).CanUpdate)
        {
            return false;
        }

        if (request.String("run_id") is { Length: > 0 } runId && !(await c.OfRunAsync(runId)).CanRead)
        {
            return false;
        }

        var source = request.String("source") ?? "";
        if (source.StartsWith("runs:/", StringComparison.Ordinal))
        {
            var runPart = source["runs:/".Length..].Split('/')[0];
            return runPart.Length > 0 && (await c.OfRunAsync(runPart)).CanRead;
        }

        if (source.StartsWith("mlflow-artifacts:/", StringComparison.Ordinal))
        {
            var rest = source["mlflow-artifacts:/".Length..].TrimStart('/');
            var match = ExperimentPath().Match(rest);
            return match.Success && !rest.Split('/').Any(segment => segment is "." or "..") && c.OfExperiment(match.Groups[1].Value).CanRead;
        }

        if (source.StartsWith("models:/", StringComparison.Ordinal))
        {
            var model = source["models:/".Length..].Split('/', '@')[0];
            return model.Length > 0 && c.OfModel(model).CanRead;
        }

        // A file path or another scheme: only the run it belongs to can vouch for it.
        return request.String("run_id") is { Length: > 0 } && await RunOwnsSourceAsync(c, request.String("run_id")!, source);
    }

    private static async Task<bool> RunOwnsSourceAsync(AuthorizationContext c, string runId, string source)
    {
        var run = await c.Tracking.GetRunAsync(runId, c.Cancellation);
        var root = run.Info.ArtifactUri.TrimEnd('/');
        return source == root || (source.StartsWith(root + "/", StringComparison.Ordinal) && !source.Split('/').Any(s => s is "." or ".."));
    }
}
