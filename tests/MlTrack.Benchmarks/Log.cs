using System.Diagnostics;

namespace MlTrack.Benchmarks;

/// <summary>Progress lines on stderr, stamped with the time since start; stdout carries only the JSON report.</summary>
internal static class Log
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Info(string message) => Console.Error.WriteLine($"[{Clock.Elapsed:mm\\:ss}] {message}");
}
