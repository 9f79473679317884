using System.Text;
using MlTrack.Client;

namespace MlTrack.Cli.Retraining;

/// <summary>Uploads a cycle's text reports as artifacts of its run.</summary>
internal sealed class CycleRecorder(MlflowClient client, ActiveRun run)
{
    public async Task UploadTextAsync(string artifactPath, string text, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        await client.Artifacts.UploadAsync(run.RunId, artifactPath, content, cancellationToken);
    }
}
