using MlTrack.Server.Search;
using MlTrack.Server.Storage;

namespace MlTrack.Server.Api.ModelRegistry;

/// <summary>
/// registered-models/* of MLflow's model registry (handlers.py _create_registered_model ... _get_model_version_by_alias).
/// PATCH and DELETE read their parameters from a JSON body, as MLflow's client sends them.
/// </summary>
internal static class RegisteredModelsEndpoints
{
    public const int DefaultSearchResults = 100;
    public const int MaxSearchResults = 1000;

    private const string Path = "/mlflow/registered-models";

    public static void Map(MlflowRoutes routes)
    {
        routes.Post($"{Path}/create", CreateAsync);
        routes.Get($"{Path}/get", GetAsync);
        routes.Post($"{Path}/rename", RenameAsync);
        routes.Patch($"{Path}/update", UpdateAsync);
        routes.Delete($"{Path}/delete", DeleteAsync);
        routes.Get($"{Path}/search", SearchAsync);
        routes.GetAndPost($"{Path}/get-latest-versions", GetLatestVersionsAsync);
        routes.Post($"{Path}/set-tag", SetTagAsync);
        routes.Delete($"{Path}/delete-tag", DeleteTagAsync);
        routes.Post($"{Path}/alias", SetAliasAsync);
        routes.Delete($"{Path}/alias", DeleteAliasAsync);
        routes.Get($"{Path}/alias", GetByAliasAsync);
    }

    private static async Task<object> CreateAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var tags = request.Array("tags").Select(t => RegistryValidation.RegisteredModelTag(
            MlflowRequest.ItemString(t, "key", "tags"), MlflowRequest.ItemString(t, "value", "tags"))).ToList();
        var model = await Registry(call).CreateRegisteredModelAsync(name, tags, request.String("description"), call.Cancellation);
        return new { RegisteredModel = model };
    }

    private static async Task<object> GetAsync(MlflowCall call) =>
        new { RegisteredModel = await Registry(call).GetRegisteredModelAsync(call.Request.RequiredString("name"), call.Cancellation) };

    private static async Task<object> RenameAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var newName = request.RequiredString("new_name");
        return new { RegisteredModel = await Registry(call).RenameRegisteredModelAsync(name, newName, call.Cancellation) };
    }

    // An absent description clears it: MLflow passes the proto's "" on.
    private static async Task<object> UpdateAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        return new { RegisteredModel = await Registry(call).UpdateRegisteredModelAsync(name, request.String("description"), call.Cancellation) };
    }

    private static async Task<object> DeleteAsync(MlflowCall call)
    {
        await Registry(call).DeleteRegisteredModelAsync(call.Request.RequiredString("name"), call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> SearchAsync(MlflowCall call)
    {
        var request = call.Request;
        var maxResults = RegistryValidation.MaxResults(request.Int64("max_results") ?? DefaultSearchResults, MaxSearchResults);
        var query = new RegisteredModelQuery(
            RegisteredModelSearchSyntax.ParseFilter(request.String("filter")),
            RegisteredModelSearchSyntax.ParseOrderBy(request.StringList("order_by")),
            maxResults,
            PageToken.Decode(request.String("page_token")),
            call.Readable?.Models);
        var page = await Registry(call).SearchRegisteredModelsAsync(query, call.Cancellation);
        return new { RegisteredModels = page.Items, page.NextPageToken };
    }

    private static async Task<object> GetLatestVersionsAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var stages = request.StringList("stages").Select(RegistryValidation.Stage).ToList();
        return new { ModelVersions = await Registry(call).GetLatestVersionsAsync(name, stages, call.Cancellation) };
    }

    private static async Task<object> SetTagAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var tag = RegistryValidation.RegisteredModelTag(request.RequiredString("key"), request.String("value"));
        await Registry(call).SetRegisteredModelTagAsync(name, tag, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> DeleteTagAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var key = RegistryValidation.TagName(request.RequiredString("key"));
        await Registry(call).DeleteRegisteredModelTagAsync(name, key, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> SetAliasAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var alias = request.RequiredString("alias");
        var version = request.RequiredId("version");
        await Registry(call).SetRegisteredModelAliasAsync(
            name, RegistryValidation.Alias(alias), RegistryValidation.Version(version), call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> DeleteAliasAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var alias = RegistryValidation.Alias(request.RequiredString("alias"));
        await Registry(call).DeleteRegisteredModelAliasAsync(name, alias, call.Cancellation);
        return MlflowRoutes.Empty;
    }

    private static async Task<object> GetByAliasAsync(MlflowCall call)
    {
        var request = call.Request;
        var name = request.RequiredString("name");
        var alias = RegistryValidation.Alias(request.RequiredString("alias"));
        return new { ModelVersion = await Registry(call).GetModelVersionByAliasAsync(name, alias, call.Cancellation) };
    }

    internal static IModelRegistryStore Registry(MlflowCall call) => call.Service<IModelRegistryStore>();
}
