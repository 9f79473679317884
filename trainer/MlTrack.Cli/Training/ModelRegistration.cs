using System.Net;
using MlTrack.Client;

namespace MlTrack.Cli.Training;

/// <summary>Registers a run's model as a new version of a registered model, creating the registered model when missing.</summary>
internal static class ModelRegistration
{
    public static async Task<ModelVersion> RegisterAsync(MlflowClient client, string name, Run run, string artifactPath, CancellationToken cancellationToken)
    {
        try
        {
            await client.RegisteredModels.CreateAsync(name, cancellationToken: cancellationToken);
        }
        catch (MlflowApiException e) when (e.ErrorCode == "RESOURCE_ALREADY_EXISTS" || e.StatusCode == HttpStatusCode.Conflict)
        {
            // Registered before: add a version to it.
        }
        // As MLflow's register_model: the source is the model's artifact location, linked to its run.
        var source = $"{run.Info.ArtifactUri?.TrimEnd('/')}/{artifactPath}";
        return await client.ModelVersions.CreateAsync(name, source, new CreateModelVersionOptions { RunId = run.Info.RunId }, cancellationToken);
    }
}
