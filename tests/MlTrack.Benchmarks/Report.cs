using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace MlTrack.Benchmarks;

/// <summary>
/// One headline figure against its target. <paramref name="Comparison"/> is "&gt;=" or "&lt;=";
/// <paramref name="Valid"/> is false when the server's answers were wrong, which fails the figure too.
/// </summary>
internal sealed record Figure(
    string Name, double Value, string Unit, string Comparison, double Target, string Meaning, JsonObject? Info = null, bool Valid = true)
{
    public bool Pass => Valid && (Comparison == ">=" ? Value >= Target : Value <= Target);

    public JsonObject ToJson()
    {
        var json = new JsonObject
        {
            ["value"] = Stats.Round(Value),
            ["unit"] = Unit,
            ["target"] = $"{Comparison} {Target.ToString(CultureInfo.InvariantCulture)}",
            ["pass"] = Pass,
            ["meaning"] = Meaning,
        };
        if (!Valid)
        {
            json["valid"] = false;
        }

        foreach (var (key, value) in Info ?? [])
        {
            json[key] = value?.DeepClone();
        }

        return json;
    }
}

/// <summary>What a scenario measured: its headline figures and the supporting numbers.</summary>
internal sealed record ScenarioResult(IReadOnlyList<Figure> Figures, JsonObject Details);

/// <summary>
/// Wall time and the server's CPU, memory and disk use per phase, so a slow figure can be told apart as
/// CPU-bound (server CPU near cores x wall) or waiting (on fsync, on the single writer, on the client).
/// </summary>
internal sealed class Phases(ServerProcess server)
{
    private readonly JsonObject _phases = [];

    public async Task<T> RunAsync<T>(string name, Func<Task<T>> body)
    {
        Log.Info($"== {name}");
        var before = server.Snapshot();
        var machineBefore = MachineCpu();
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var result = await body();
        var wall = clock.Elapsed.TotalSeconds;
        var after = server.Snapshot();
        var serverCpu = (after.Cpu - before.Cpu).TotalSeconds;
        var clientCpu = (Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalSeconds;
        var machine = MachineCpu();
        var machineBusy = (machine.Busy - machineBefore.Busy) / wall;
        var others = Math.Max(0, machineBusy - (serverCpu + clientCpu) / wall);
        _phases[name] = new JsonObject
        {
            ["wall_s"] = Stats.Round(wall),
            ["server_cpu_s"] = Stats.Round(serverCpu),
            ["server_cores_busy"] = Stats.Round(serverCpu / wall),
            ["client_cpu_s"] = Stats.Round(clientCpu),
            // All processes on the machine (from /proc/stat); 'other' is what neither server nor benchmark used.
            ["machine_cores_busy"] = Stats.Round(machineBusy),
            ["other_processes_cores_busy"] = Stats.Round(others),
            ["machine_iowait_cores"] = Stats.Round((machine.IoWait - machineBefore.IoWait) / wall),
            ["server_disk_write_mib"] = Stats.Round((after.WriteBytes - before.WriteBytes) / 1048576.0),
            ["server_disk_read_mib"] = Stats.Round((after.ReadBytes - before.ReadBytes) / 1048576.0),
            ["server_rss_mib_after"] = Stats.Round(after.RssBytes / 1048576.0),
            ["server_peak_rss_mib_after"] = Stats.Round(after.PeakRssBytes / 1048576.0),
            ["server_thread_cpu_s"] = ThreadDelta(before, after),
        };
        Log.Info($"   {name}: {wall:F1} s wall, server {serverCpu:F1} s CPU, other processes {others:F2} cores, "
            + $"RSS {after.RssBytes / 1048576.0:F0} MiB (peak {after.PeakRssBytes / 1048576.0:F0})");
        return result;
    }

    public JsonObject ToJson() => (JsonObject)_phases.DeepClone();

    /// <summary>CPU seconds per server thread name during the phase (threads that ended within it are missed), busiest first.</summary>
    private static JsonObject ThreadDelta(ProcessSnapshot before, ProcessSnapshot after) => new(after.ThreadCpu
        .Select(t => (t.Key, Seconds: t.Value - before.ThreadCpu.GetValueOrDefault(t.Key)))
        .Where(t => t.Seconds >= 0.05)
        .OrderByDescending(t => t.Seconds)
        .Select(t => KeyValuePair.Create(t.Key, Stats.Round(t.Seconds))));

    /// <summary>Seconds of CPU busy (all but idle and iowait) and in iowait, summed over cores, since boot.</summary>
    private static (double Busy, double IoWait) MachineCpu()
    {
        // cpu user nice system idle iowait irq softirq steal ..., in USER_HZ (100 per second on Linux).
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..]
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var total = fields.Take(8).Sum();
        return ((total - fields[3] - fields[4]) / 100.0, fields[4] / 100.0);
    }
}

/// <summary>The machine the figures come from.</summary>
internal static class Machine
{
    public static JsonObject Describe(string repoRoot, string workDirectory) => new()
    {
        ["cores"] = Environment.ProcessorCount,
        ["cpu"] = ProcLine("/proc/cpuinfo", "model name"),
        ["memory_mib"] = MemoryMib(),
        ["os"] = OsName(),
        ["kernel"] = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null,
        ["load_average_at_start"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : null,
        ["arch"] = RuntimeInformation.OSArchitecture.ToString(),
        ["runtime"] = RuntimeInformation.FrameworkDescription,
        ["git"] = Git(repoRoot),
        ["work_directory"] = workDirectory,
    };

    private static string? OsName()
    {
        var line = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            : null;
        return line?["PRETTY_NAME=".Length..].Trim('"') ?? RuntimeInformation.OSDescription;
    }

    private static string? ProcLine(string file, string name)
    {
        var line = File.Exists(file) ? File.ReadLines(file).FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal)) : null;
        return line?[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
    }

    private static long? MemoryMib()
    {
        var text = ProcLine("/proc/meminfo", "MemTotal")?.Split(' ')[0];
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var kb) ? kb / 1024 : null;
    }

    /// <summary>git describe --always --dirty of the repository, or null without git.</summary>
    private static string? Git(string repoRoot)
    {
        try
        {
            var info = new ProcessStartInfo("git")
            {
                WorkingDirectory = repoRoot, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            foreach (var argument in new[] { "describe", "--always", "--dirty" })
            {
                info.ArgumentList.Add(argument);
            }

            using var git = Process.Start(info)!;
            var output = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return git.ExitCode == 0 ? output : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
