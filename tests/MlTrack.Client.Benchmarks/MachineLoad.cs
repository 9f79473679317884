using System.Globalization;

namespace MlTrack.Client.Benchmarks;

/// <summary>Busy CPU time of the whole machine from /proc/stat, to tell how much other processes took during a run.</summary>
internal static class MachineLoad
{
    /// <summary>Seconds all cores have spent busy (user, nice, system, irq, softirq, steal) since boot; 0 off Linux.</summary>
    public static double BusySeconds()
    {
        if (!File.Exists("/proc/stat"))
        {
            return 0;
        }

        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = new[] { 1, 2, 3, 6, 7, 8 }.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));
        return ticks / 100.0; // USER_HZ is 100 on Linux.
    }
}
