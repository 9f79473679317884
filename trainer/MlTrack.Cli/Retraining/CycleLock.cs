using System.Security.Cryptography;
using System.Text;

namespace MlTrack.Cli.Retraining;

/// <summary>
/// One cycle at a time per registered model and tracking server, across threads and processes (a cron job that
/// starts `mltrack retrain --once` while the last one still runs): an exclusive lock on a file in the temp folder.
/// </summary>
internal sealed class CycleLock : IDisposable
{
    private readonly FileStream _file;

    private CycleLock(FileStream file) => _file = file;

    /// <summary>The lock, or null when another cycle holds it.</summary>
    public static CycleLock? TryAcquire(string key)
    {
        var name = "mltrack-retrain-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16] + ".lock";
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix. The file stays: deleting it could
            // let a third process lock a new file while the second still holds the old one.
            return new CycleLock(new FileStream(Path.Combine(Path.GetTempPath(), name), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException)
        {
            return null;
        }
    }

    public void Dispose() => _file.Dispose();
}
