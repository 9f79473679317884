using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MlTrack.Trainer;
using MlTrack.Trainer.Benchmarks;

const string Usage = """
    Usage: dotnet run -c Release --project tests/MlTrack.Trainer.Benchmarks -- [options]
      --rows N          rows of the synthetic problem (default 1000000)
      --cols N          features (default 50)
      --alphas LIST     comma-separated alphas, each fitted from zero (default 1,0.1,0.01,0.001)
      --l1-ratio R      (default 0.5)
      --tol T           (default 1e-4, scikit-learn's)
      --max-iter N      (default 1000, scikit-learn's)
      --seed N          (default 42)
      --repeat N        fits per alpha; the fastest counts, as the machine may be shared (default 3)
      --data PATH       where to write the problem for sklearn_bench.py (default: not written)
    JSON goes to stdout, progress to stderr.
    """;

var options = new Dictionary<string, string>(StringComparer.Ordinal)
{
    ["--rows"] = "1000000", ["--cols"] = "50", ["--alphas"] = "1,0.1,0.01,0.001", ["--l1-ratio"] = "0.5",
    ["--tol"] = "1e-4", ["--max-iter"] = "1000", ["--seed"] = "42", ["--data"] = "", ["--repeat"] = "3",
};
for (int i = 0; i < args.Length; i++)
{
    if (!options.ContainsKey(args[i]) || i + 1 >= args.Length)
    {
        Console.Error.WriteLine(Usage);
        return 2;
    }
    options[args[i]] = args[++i];
}
int rows = int.Parse(options["--rows"], CultureInfo.InvariantCulture);
int cols = int.Parse(options["--cols"], CultureInfo.InvariantCulture);
double[] alphas = options["--alphas"].Split(',').Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray();
double l1Ratio = double.Parse(options["--l1-ratio"], CultureInfo.InvariantCulture);
double tol = double.Parse(options["--tol"], CultureInfo.InvariantCulture);
int maxIter = int.Parse(options["--max-iter"], CultureInfo.InvariantCulture);
int seed = int.Parse(options["--seed"], CultureInfo.InvariantCulture);
string dataPath = options["--data"];
int repeat = int.Parse(options["--repeat"], CultureInfo.InvariantCulture);

var clock = Stopwatch.StartNew();
var problem = SyntheticProblem.Generate(rows, cols, seed);
Console.Error.WriteLine($"generated {rows} × {cols} in {clock.Elapsed.TotalSeconds:F1} s");
if (dataPath.Length > 0)
{
    problem.Write(Path.GetFullPath(dataPath));
    Console.Error.WriteLine($"wrote {dataPath}");
}

// Warm-up: JIT and tier up the kernels on a small problem before timing.
var warmUp = SyntheticProblem.Generate(20_000, cols, seed + 1);
new ElasticNetTrainer(new ElasticNetOptions { Alpha = alphas.Min(), L1Ratio = l1Ratio, Tolerance = tol, MaxIterations = maxIter })
    .Fit(warmUp.Features, warmUp.Target);

var fits = new List<FitTiming>();
foreach (double alpha in alphas)
{
    var trainer = new ElasticNetTrainer(
        new ElasticNetOptions { Alpha = alpha, L1Ratio = l1Ratio, Tolerance = tol, MaxIterations = maxIter });
    var samples = new List<double>();
    FitResult? fit = null;
    for (int r = 0; r < repeat; r++)
    {
        GC.Collect();
        clock.Restart();
        fit = trainer.Fit(problem.Features, problem.Target);
        samples.Add(clock.Elapsed.TotalSeconds);
    }
    Console.Error.WriteLine($"alpha {alpha}: {string.Join(", ", samples.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))} s, "
        + $"{fit!.Iterations} iterations, {fit.ExitReason}");
    fits.Add(new FitTiming(
        alpha, samples.Min(), samples, fit.Iterations, fit.ExitReason.ToString(), fit.DualityGap,
        fit.Coefficients.Count(c => c != 0), fit.Intercept, fit.Coefficients));
}

var report = new
{
    solver = "MlTrack.Trainer.ElasticNetTrainer",
    runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
    vector_bits = System.Numerics.Vector<double>.Count * 64,
    rows,
    cols,
    l1_ratio = l1Ratio,
    tol,
    max_iter = maxIter,
    seed,
    repeat,
    data = dataPath.Length > 0 ? Path.GetFullPath(dataPath) : null,
    total_seconds = fits.Sum(f => f.Seconds),
    fits,
};
Console.WriteLine(JsonSerializer.Serialize(report, new JsonSerializerOptions
{
    WriteIndented = true,
    PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
}));
return 0;

/// <summary>The fits of one alpha, as sklearn_bench.py reads them: Seconds is the fastest of the Samples.</summary>
internal sealed record FitTiming(
    double Alpha, double Seconds, IReadOnlyList<double> Samples, int Iterations, string ExitReason, double DualityGap, int Nonzero,
    double Intercept,
    IReadOnlyList<double> Coefficients);
