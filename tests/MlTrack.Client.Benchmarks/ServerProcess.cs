using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MlTrack.Client.Benchmarks;

/// <summary>
/// The Release server as a separate OS process on a free 127.0.0.1 port, in a work directory of its own.
/// Disposing kills that process by its PID.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
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

        throw new InvalidOperationException("Run the benchmark from inside the MlTrack repository (MlTrack.sln not found above the working directory).");
    }

    public static string ServerDll(string repoRoot) =>
        Path.Combine(repoRoot, "server", "MlTrack.Server", "bin", "Release", "net10.0", "MlTrack.Server.dll");

    /// <summary>dotnet build server/MlTrack.Server -c Release.</summary>
    public static async Task BuildAsync(string repoRoot, CancellationToken cancellationToken)
    {
        var build = new ProcessStartInfo("dotnet") { WorkingDirectory = repoRoot, RedirectStandardOutput = true };
        foreach (var argument in new[] { "build", "server/MlTrack.Server", "-c", "Release", "--nologo", "-v", "quiet" })
        {
            build.ArgumentList.Add(argument);
        }

        using var process = Process.Start(build)!;
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Building the server failed:\n{await output}");
        }
    }

    /// <summary>Starts <c>dotnet MlTrack.Server.dll --port P</c> in <paramref name="directory"/> and waits for /health.</summary>
    public static async Task<ServerProcess> StartAsync(string serverDll, string directory, CancellationToken cancellationToken)
    {
        if (!File.Exists(serverDll))
        {
            throw new FileNotFoundException("No Release build of the server; run without --no-build.", serverDll);
        }

        var port = FreePort();
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            serverDll, "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture),
            "--backend-store-uri", $"sqlite:///{Path.Combine(directory, "bench.db")}", "--artifacts-destination", Path.Combine(directory, "art"),
        })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = server.BaseAddress };
        for (var attempt = 0; attempt < 300 && !process.HasExited; attempt++)
        {
            try
            {
                if (await http.GetStringAsync("/health", cancellationToken) == "OK")
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, cancellationToken);
            }
        }

        server.Dispose();
        throw new InvalidOperationException("The server process did not answer /health within 30 s.");
    }

    /// <summary>CPU time the server process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        _process.Refresh();
        return _process.TotalProcessorTime;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
