using MlTrack.Client;
using MlTrack.Trainer.Packaging;

namespace MlTrack.Cli.Serving;

/// <summary>Loads a model directory, from disk or downloaded through the tracking server into a temporary directory
/// that is deleted once the model is in memory. A local directory needs no tracking server.</summary>
internal sealed class ModelLoader(MlflowClient client)
{
    private MlflowClient Client { get; } = client;

    /// <summary>Loads what the reference names now; for an alias, the version it points at.</summary>
    public async Task<LoadedModel> LoadAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (reference.LocalDirectory is { } directory)
        {
            if (!Directory.Exists(directory))
            {
                throw new DirectoryNotFoundException($"The model directory {directory} does not exist.");
            }
            return new LoadedModel(ModelPackage.Load(directory), reference.Uri, null);
        }
        if (reference.FollowsAlias)
        {
            var version = await CurrentVersionAsync(reference, cancellationToken);
            return await LoadVersionAsync(reference, version, cancellationToken);
        }
        return new LoadedModel(await DownloadAsync(reference.Uri, cancellationToken), reference.Uri, reference.Version);
    }

    /// <summary>The version an alias points at now.</summary>
    public async Task<string> CurrentVersionAsync(ModelReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var version = await Client.RegisteredModels.GetVersionByAliasAsync(reference.ModelName!, reference.Alias!, cancellationToken);
        return version.Version;
    }

    /// <summary>Loads one version of the reference's registered model (pinned, so that an alias moving during the
    /// download cannot mix versions).</summary>
    public async Task<LoadedModel> LoadVersionAsync(ModelReference reference, string version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var model = await DownloadAsync($"models:/{reference.ModelName}/{version}", cancellationToken);
        return new LoadedModel(model, reference.Uri, version);
    }

    private async Task<Trainer.ElasticNetModel> DownloadAsync(string uri, CancellationToken cancellationToken)
    {
        var temporary = Directory.CreateTempSubdirectory("mltrack-serve-");
        try
        {
            var local = await Client.Artifacts.DownloadFromUriAsync(uri, temporary.FullName, cancellationToken);
            return ModelPackage.Load(local);
        }
        finally
        {
            temporary.Delete(recursive: true);
        }
    }
}
