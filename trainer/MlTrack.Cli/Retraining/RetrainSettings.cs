using MlTrack.Trainer;

namespace MlTrack.Cli.Retraining;

/// <summary>What `mltrack retrain` watches, how it trains, and when a new model replaces the champion.</summary>
internal sealed record RetrainSettings
{
    public required string DataDirectory { get; init; }

    public required string Target { get; init; }

    public required string ModelName { get; init; }

    /// <summary>The alias that marks the served model.</summary>
    public string Alias { get; init; } = "champion";

    /// <summary>The experiment of the cycles' runs; the model name when not given.</summary>
    public string? ExperimentName { get; init; }

    public ElasticNetOptions Model { get; init; } = new() { Alpha = 0.5, L1Ratio = 0.1 };

    public double TestFraction { get; init; } = 0.25;

    public int Seed { get; init; } = 42;

    /// <summary>Use only the N most recently written CSV files of the folder; all of them when null.</summary>
    public int? RecentFiles { get; init; }

    /// <summary>A challenger is promoted when its holdout RMSE is below the champion's by at least this fraction.</summary>
    public double MinImprovement { get; init; }

    /// <summary>Retrain even when the data is the same as in an earlier completed cycle.</summary>
    public bool Force { get; init; }

    /// <summary>The PSI above which a feature counts as drifted.</summary>
    public double DriftThreshold { get; init; } = 0.25;

    public string ExperimentNameOrDefault => ExperimentName ?? ModelName;
}
