using System.Globalization;
using Spectre.Console;

namespace MlTrack.Cli.Retraining;

/// <summary>Timestamped lines on standard error saying what a cycle did and why, readable in a service's log.</summary>
internal sealed class RetrainLog(IAnsiConsole console, TimeProvider time)
{
    public void Info(string message) =>
        console.WriteLine($"{time.GetUtcNow().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} {message}");
}
