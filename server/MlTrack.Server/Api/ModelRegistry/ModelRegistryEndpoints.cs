namespace MlTrack.Server.Api.ModelRegistry;

/// <summary>MLflow's model registry service: registered models (with tags and aliases) and their versions.</summary>
internal static class ModelRegistryEndpoints
{
    public static void Map(MlflowRoutes routes, IEndpointRouteBuilder app)
    {
        RegisteredModelsEndpoints.Map(routes);
        ModelVersionsEndpoints.Map(routes, app);
    }
}
