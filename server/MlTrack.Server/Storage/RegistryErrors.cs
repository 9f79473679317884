using MlTrack.Server.Errors;

namespace MlTrack.Server.Storage;

/// <summary>The model registry's "not found" and "exists" errors, worded as MLflow's, for every store.</summary>
internal static class RegistryErrors
{
    public static MlflowException ModelNotFound(string name) => MlflowException.NotFound($"Registered Model with name={name} not found");

    public static MlflowException VersionNotFound(string name, long version) =>
        MlflowException.NotFound($"Model Version (name={name}, version={version}) not found");

    public static MlflowException ModelExists(string name) => MlflowException.AlreadyExists($"Registered Model (name={name}) already exists.");
}
