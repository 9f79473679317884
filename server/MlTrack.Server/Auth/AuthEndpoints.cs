using MlTrack.Server.Api;
using MlTrack.Server.Errors;

namespace MlTrack.Server.Auth;

/// <summary>
/// MLflow's auth REST API (mlflow/server/auth/__init__.py, client.py: AuthServiceClient), with its request and
/// answer shapes, plus API tokens for MLFLOW_TRACKING_TOKEN: users/tokens/create (answers the token once) and
/// users/tokens/delete (revokes every token of the user).
/// </summary>
internal static class AuthEndpoints
{
    public static void Map(MlflowRoutes routes)
    {
        routes.Post("/mlflow/users/create", CreateUserAsync);
        routes.Get("/mlflow/users/get", GetUserAsync);
        routes.Patch("/mlflow/users/update-password", c => Empty(() => Store(c).UpdatePassword(c.Request.RequiredString("username"), c.Request.RequiredString("password"))));
        routes.Patch("/mlflow/users/update-admin", c => Empty(() => Store(c).UpdateAdmin(
            c.Request.RequiredString("username"), c.Request.Bool("is_admin") ?? throw MlflowRequest.Missing("is_admin"))));
        routes.Delete("/mlflow/users/delete", c => Empty(() => Store(c).DeleteUser(c.Request.RequiredString("username"))));
        routes.Post("/mlflow/users/tokens/create", c =>
        {
            var username = c.Request.RequiredString("username");
            var token = Store(c).CreateToken(username, c.Service<TimeProvider>().GetUtcNow().ToUnixTimeMilliseconds());
            return Task.FromResult(Answer(new { username, token }));
        });
        routes.Delete("/mlflow/users/tokens/delete", c => Empty(() => Store(c).DeleteTokens(c.Request.RequiredString("username"))));

        routes.Post("/mlflow/experiments/permissions/create", async c =>
        {
            var experimentId = c.Request.RequiredId("experiment_id");
            await c.Tracking.GetExperimentAsync(experimentId, c.Cancellation);
            var grant = Store(c).CreateExperimentGrant(experimentId, c.Request.RequiredString("username"), c.Request.RequiredString("permission"));
            return Answer(new { experiment_permission = Json(grant) });
        });
        routes.Get("/mlflow/experiments/permissions/get", c => Task.FromResult(Answer(new
        {
            experiment_permission = Json(Store(c).GetExperimentGrant(c.Request.RequiredId("experiment_id"), c.Request.RequiredString("username"))),
        })));
        routes.Patch("/mlflow/experiments/permissions/update", c => Empty(() => Store(c).UpdateExperimentGrant(
            c.Request.RequiredId("experiment_id"), c.Request.RequiredString("username"), c.Request.RequiredString("permission"))));
        routes.Delete("/mlflow/experiments/permissions/delete", c => Empty(() => Store(c).DeleteExperimentGrant(
            c.Request.RequiredId("experiment_id"), c.Request.RequiredString("username"))));

        routes.Post("/mlflow/registered-models/permissions/create", c => Task.FromResult(Answer(new
        {
            registered_model_permission = Json(Store(c).CreateModelGrant(
                c.Request.RequiredString("name"), c.Request.RequiredString("username"), c.Request.RequiredString("permission"))),
        })));
        routes.Get("/mlflow/registered-models/permissions/get", c => Task.FromResult(Answer(new
        {
            registered_model_permission = Json(Store(c).GetModelGrant(c.Request.RequiredString("name"), c.Request.RequiredString("username"))),
        })));
        routes.Patch("/mlflow/registered-models/permissions/update", c => Empty(() => Store(c).UpdateModelGrant(
            c.Request.RequiredString("name"), c.Request.RequiredString("username"), c.Request.RequiredString("permission"))));
        routes.Delete("/mlflow/registered-models/permissions/delete", c => Empty(() => Store(c).DeleteModelGrant(
            c.Request.RequiredString("name"), c.Request.RequiredString("username"))));
    }

    private static Task<object> CreateUserAsync(MlflowCall call)
    {
        var user = Store(call).CreateUser(call.Request.RequiredString("username"), call.Request.RequiredString("password"), isAdmin: false);
        return Task.FromResult(Answer(new { user = Json(Store(call), user) }));
    }

    private static Task<object> GetUserAsync(MlflowCall call)
    {
        var store = Store(call);
        return Task.FromResult(Answer(new { user = Json(store, store.GetUser(call.Request.RequiredString("username"))) }));
    }

    // User.to_json: never the password hash.
    private static object Json(AuthStore store, AuthUser user) => new
    {
        id = user.Id,
        username = user.Username,
        is_admin = user.IsAdmin,
        experiment_permissions = store.ExperimentGrants(user.Id).Select(Json).ToList(),
        registered_model_permissions = store.ModelGrants(user.Id).Select(Json).ToList(),
    };

    private static object Json(ExperimentGrant grant) => new { experiment_id = grant.ExperimentId, user_id = grant.UserId, permission = grant.Permission };

    private static object Json(ModelGrant grant) => new { name = grant.Name, user_id = grant.UserId, permission = grant.Permission };

    // MLflow's auth answers carry every field, false and [] included (the API's own JSON options omit defaults).
    private static object Answer(object value) => Results.Json(value, AnswerOptions);

    private static readonly System.Text.Json.JsonSerializerOptions AnswerOptions = new();

    private static AuthStore Store(MlflowCall call) => call.Service<AuthStore>();

    private static Task<object> Empty(Action action)
    {
        action();
        return Task.FromResult(MlflowRoutes.Empty);
    }
}
