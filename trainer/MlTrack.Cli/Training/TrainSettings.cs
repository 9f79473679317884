using MlTrack.Trainer;

namespace MlTrack.Cli.Training;

/// <summary>What `mltrack train` was asked to do.</summary>
internal sealed record TrainSettings
{
    public required string DataPath { get; init; }

    public required string Target { get; init; }

    public ElasticNetOptions Model { get; init; } = new();

    public double TestFraction { get; init; } = 0.25;

    public int Seed { get; init; } = 42;

    public string? RegisterAs { get; init; }

    public string? ExperimentName { get; init; }

    public string? ExperimentId { get; init; }

    public string? RunName { get; init; }
}
