using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MlTrack.Benchmarks;

/// <summary>
/// The Release server as a separate OS process on a free 127.0.0.1 port, over a SQLite file in a work
/// directory. Disposing kills that process by its PID (never by name).
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private const string ServerProject = "server/MlTrack.Server";
    private readonly Process _process;

    private ServerProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    /// <summary>The directory holding MlTrack.sln, searched upwards from the working directory.</summary>
    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(Environment.CurrentDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "MlTrack.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException(
            "Run the benchmark from inside the MlTrack repository (no MlTrack.sln found above the working directory).");
    }

    public static string ServerDll(string repoRoot) =>
        Path.Combine(repoRoot, ServerProject, "bin", "Release", "net10.0", "MlTrack.Server.dll");

    /// <summary>dotnet build server/MlTrack.Server -c Release, its output forwarded to stderr.</summary>
    public static async Task BuildAsync(string repoRoot, CancellationToken cancellationToken)
    {
        Log.Info("building the server: dotnet build server/MlTrack.Server -c Release");
        using var build = Start(repoRoot, "dotnet", ["build", ServerProject, "-c", "Release", "-nologo", "-v", "quiet"], "build");
        await build.WaitForExitAsync(cancellationToken);
        if (build.ExitCode != 0)
        {
            throw new InvalidOperationException($"The server build failed (exit code {build.ExitCode}); see stderr.");
        }
    }

    public static async Task<ServerProcess> StartAsync(
        string dll, string workDirectory, CancellationToken cancellationToken, string? backendStoreUri = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"No server build at {dll}; run without --no-build.", dll);
        }

        var port = FreePort();
        var database = Path.Combine(workDirectory, "bench.db");
        string[] arguments =
        [
            dll, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--backend-store-uri", backendStoreUri ?? "sqlite:///" + database, "--artifacts-destination", Path.Combine(workDirectory, "art"),
        ];
        Log.Info($"starting the server: dotnet {string.Join(' ', arguments).Replace(backendStoreUri ?? "\0", RedactPassword(backendStoreUri), StringComparison.Ordinal)} (in {workDirectory})");
        var process = Start(workDirectory, "dotnet", arguments, "server");
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        try
        {
            await server.WaitHealthyAsync(cancellationToken);
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    private static string RedactPassword(string? uri) =>
        uri is null ? "" : System.Text.RegularExpressions.Regex.Replace(uri, "(://[^:/@]*:)[^@]*@", "$1***@");

    /// <summary>CPU time, memory and I/O of the server process now, from /proc.</summary>
    public ProcessSnapshot Snapshot()
    {
        _process.Refresh();
        var status = ReadProcFile("status");
        var io = ReadProcFile("io");
        return new ProcessSnapshot(
            _process.TotalProcessorTime,
            Field(status, "VmRSS:") * 1024,
            Field(status, "VmHWM:") * 1024,
            Field(io, "write_bytes:"),
            Field(io, "read_bytes:"),
            ThreadCpu());
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Log.Info($"stopping the server (kill PID {_process.Id})");
                _process.Kill(entireProcessTree: false);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // It already exited.
        }

        _process.Dispose();
    }

    private async Task WaitHealthyAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5),
        };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The server exited during start-up with code {_process.ExitCode}; see stderr.");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/health", UriKind.Relative), cancellationToken);
                var text = await response.Content.ReadAsStringAsync(cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK && text.Trim() == "OK")
                {
                    Log.Info($"server healthy at {BaseAddress} (PID {Pid}) after {deadline.Elapsed.TotalSeconds:F1} s");
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException("The server did not answer GET /health with OK within 60 s.");
    }

    private static Process Start(string workDirectory, string fileName, string[] arguments, string prefix)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Forward(prefix, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(prefix, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static void Forward(string prefix, string? line)
    {
        if (!string.IsNullOrWhiteSpace(line))
        {
            Console.Error.WriteLine($"  [{prefix}] {line}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private string[] ReadProcFile(string name)
    {
        try
        {
            return File.ReadAllLines($"/proc/{_process.Id}/{name}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>
    /// CPU seconds per thread name (the kernel's 15-character comm, e.g. ".NET Long Runni" for the SQLite writer,
    /// ".NET TP Worker" for the thread pool), summed over the live threads of that name.
    /// </summary>
    private Dictionary<string, double> ThreadCpu()
    {
        var cpu = new Dictionary<string, double>(StringComparer.Ordinal);
        try
        {
            foreach (var task in Directory.EnumerateDirectories($"/proc/{_process.Id}/task"))
            {
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var open = stat.IndexOf('(', StringComparison.Ordinal);
                var close = stat.LastIndexOf(')');
                var name = stat[(open + 1)..close];
                // After "(comm) " come state, ppid, ...; utime and stime are fields 14 and 15, in clock ticks of 1/100 s.
                var fields = stat[(close + 2)..].Split(' ');
                var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
                cpu[name] = cpu.GetValueOrDefault(name) + ticks / 100.0;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The process or one of its threads went away mid-read.
        }

        return cpu;
    }

    /// <summary>The number after a "Name:" line of a /proc file (kB in status, bytes in io); 0 when absent.</summary>
    private static long Field(string[] lines, string name)
    {
        var line = lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal));
        var number = line?[name.Length..].Trim().Split(' ')[0];
        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : 0;
    }
}

/// <summary>The server process's counters at one moment.</summary>
internal sealed record ProcessSnapshot(
    TimeSpan Cpu, long RssBytes, long PeakRssBytes, long WriteBytes, long ReadBytes, IReadOnlyDictionary<string, double> ThreadCpu);
