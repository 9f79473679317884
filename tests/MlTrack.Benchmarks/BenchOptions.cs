using System.Globalization;

namespace MlTrack.Benchmarks;

/// <summary>Sizes and switches of one benchmark invocation (full by default, smaller with --quick).</summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/MlTrack.Benchmarks -- [options]
          --quick                 small sizes for a smoke run (figures are not comparable with the targets)
          --reuse DIR             keep the server's database in DIR and reuse the search runs and the history
                                  run it already holds (a rerun then skips the slow data set-up)
          --keep                  keep the temporary directory (ignored with --reuse)
          --no-build              do not run 'dotnet build server/MlTrack.Server -c Release' first
          --runs N                runs in the search experiment (default 25000; quick 1000)
          --ingest-points N       metric points sent by the ingest figure (default 2000000; quick 100000)
          --ingest-clients N      concurrent ingest clients (default 8)
          --history-points N      points of the get-history metric (default 1000000; quick 50000)
          --artifact-mib N        size of the uploaded and downloaded artifact (default 1024; quick 64)
          --iterations N          timed iterations per search case (default 50; quick 10)
          --backend-store-uri URI the server's store (default sqlite:///DIR/bench.db), e.g. postgresql://user:pw@127.0.0.1:5432/bench
          --replicas N            server processes on that store (PostgreSQL only; default 1); requests go round-robin
          --only LIST             run only these of artifacts,ingest,search,pagination,history (comma-separated)
        JSON goes to stdout, progress to stderr.
        """;

    public bool Quick { get; init; }

    public string? ReuseDirectory { get; init; }

    public bool Keep { get; init; }

    public bool NoBuild { get; init; }

    /// <summary>--backend-store-uri of the server; null for a SQLite file in the work directory. Not reported: it may hold a password.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string? BackendStoreUri { get; init; }

    /// <summary>Server processes on the one store, each request sent to the next of them (a round-robin load balancer).</summary>
    public int Replicas { get; init; } = 1;

    public static readonly string[] Scenarios = ["artifacts", "ingest", "search", "pagination", "history"];

    /// <summary>The scenarios to run (all by default).</summary>
    public IReadOnlyList<string> Only { get; init; } = Scenarios;

    /// <summary>Concurrent clients of the ingest figure.</summary>
    public int IngestClients { get; init; } = 8;

    public int IngestPoints { get; init; } = 2_000_000;

    public int BatchSize { get; init; } = 1000;

    /// <summary>Metric keys per ingest run; each batch carries BatchSize / IngestKeys steps of every key.</summary>
    public int IngestKeys { get; init; } = 4;

    public int SearchRuns { get; init; } = 25_000;

    /// <summary>Concurrent clients creating the search runs.</summary>
    public int PopulateClients { get; init; } = 8;

    public int SearchWarmup { get; init; } = 10;

    public int SearchIterations { get; init; } = 50;

    public int PageIterations { get; init; } = 30;

    public int HistoryPoints { get; init; } = 1_000_000;

    public int HistoryLogClients { get; init; } = 4;

    public int HistoryReads { get; init; } = 5;

    public int ArtifactMiB { get; init; } = 1024;

    public static BenchOptions Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var options = quick
            ? new BenchOptions
            {
                Quick = true, IngestPoints = 100_000, SearchRuns = 1000, SearchWarmup = 2, SearchIterations = 10, PageIterations = 10,
                HistoryPoints = 50_000, HistoryReads = 3, ArtifactMiB = 64,
            }
            : new BenchOptions();

        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--quick" => options,
                "--keep" => options with { Keep = true },
                "--no-build" => options with { NoBuild = true },
                "--reuse" => options with { ReuseDirectory = Path.GetFullPath(Value(args, ref i)) },
                "--runs" => options with { SearchRuns = Number(args, ref i) },
                "--ingest-points" => options with { IngestPoints = Number(args, ref i) },
                "--ingest-clients" => options with { IngestClients = Number(args, ref i) },
                "--history-points" => options with { HistoryPoints = Number(args, ref i) },
                "--artifact-mib" => options with { ArtifactMiB = Number(args, ref i) },
                "--iterations" => options with { SearchIterations = Number(args, ref i) },
                "--only" => options with { Only = Names(args, ref i) },
                "--backend-store-uri" => options with { BackendStoreUri = Value(args, ref i) },
                "--replicas" => options with { Replicas = Number(args, ref i) },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'.\n{Usage}"),
            };
        }

        return options.Replicas > 1 && options.BackendStoreUri?.StartsWith("postgres", StringComparison.OrdinalIgnoreCase) != true
            ? throw new ArgumentException("--replicas needs a shared store: --backend-store-uri postgresql://...")
            : options;
    }

    private static string Value(string[] args, ref int i) =>
        ++i < args.Length ? args[i] : throw new ArgumentException($"{args[i - 1]} needs a value.\n{Usage}");

    private static string[] Names(string[] args, ref int i)
    {
        var names = Value(args, ref i).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = names.Except(Scenarios).ToList();
        return unknown.Count == 0 && names.Length > 0
            ? names
            : throw new ArgumentException($"--only takes some of {string.Join(',', Scenarios)}; got '{args[i]}'.");
    }

    public bool Includes(string scenario) => Only.Contains(scenario);

    private static int Number(string[] args, ref int i)
    {
        var text = Value(args, ref i);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{args[i - 1]} needs a positive integer, got '{text}'.");
    }
}
