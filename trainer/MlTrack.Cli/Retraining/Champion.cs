using System.Net;
using MlTrack.Client;
using MlTrack.Cli.Training;
using MlTrack.Trainer;
using MlTrack.Trainer.Packaging;

namespace MlTrack.Cli.Retraining;

/// <summary>The model version the alias points at, loaded, with the profile of the data it was trained on.</summary>
internal sealed record Champion(ModelVersion Version, ElasticNetModel Model, DataProfile? Profile)
{
    /// <summary>The current champion, or null when the registered model or its alias does not exist yet.</summary>
    public static async Task<Champion?> LoadAsync(MlflowClient client, string modelName, string alias, CancellationToken cancellationToken)
    {
        ModelVersion version;
        try
        {
            version = await client.RegisteredModels.GetVersionByAliasAsync(modelName, alias, cancellationToken);
        }
        catch (MlflowApiException e) when (e.StatusCode == HttpStatusCode.NotFound || IsMissingAlias(e))
        {
            return null;
        }
        var staging = Directory.CreateTempSubdirectory("mltrack-champion-");
        try
        {
            var local = await client.Artifacts.DownloadFromUriAsync($"models:/{modelName}/{version.Version}", staging.FullName, cancellationToken);
            var model = ModelPackage.Load(local);
            return new Champion(version, model, await ProfileAsync(client, version, cancellationToken));
        }
        finally
        {
            staging.Delete(recursive: true);
        }
    }

    /// <summary>MLflow answers an alias that is not set with INVALID_PARAMETER_VALUE, not with a 404.</summary>
    private static bool IsMissingAlias(MlflowApiException e) =>
        e.ErrorCode == "INVALID_PARAMETER_VALUE" && e.ServerMessage.Contains("alias", StringComparison.OrdinalIgnoreCase)
        && e.ServerMessage.Contains("not found", StringComparison.OrdinalIgnoreCase);

    private static async Task<DataProfile?> ProfileAsync(MlflowClient client, ModelVersion version, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(version.RunId))
        {
            return null;
        }
        try
        {
            await using var stream = await client.Artifacts.OpenReadAsync(version.RunId, TrainingRecorder.SchemaArtifactPath, cancellationToken);
            using var reader = new StreamReader(stream);
            return DataProfile.FromJson(await reader.ReadToEndAsync(cancellationToken));
        }
        catch (MlflowApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
