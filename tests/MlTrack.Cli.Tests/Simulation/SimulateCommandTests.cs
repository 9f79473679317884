using MlTrack.Cli.Simulation;
using MlTrack.Cli.Tests.Support;
using MlTrack.Trainer;

namespace MlTrack.Cli.Tests.Simulation;

public sealed class SimulateCommandTests : CliTestBase
{
    [Test]
    public async Task Retraining_beats_a_model_trained_once_on_drifting_data_and_both_are_logged()
    {
        var output = TempDirectory();
        var model = Unique();

        var result = await MltrackAsync(
            "simulate", "--data", WinePath, "--out", output, "--days", "10", "--rows-per-day", "300", "--retrain-every", "2", "--window", "4", "--model-name", model);

        result.ExitCode.Should().Be(0, result.ToString());
        var experiment = await Client.Experiments.GetByNameAsync(model);
        var runs = (await Client.Runs.SearchAsync([experiment!.ExperimentId], new() { Filter = "tags.`mltrack.simulation.strategy` LIKE '%'" })).Items;
        var once = runs.Single(r => r.Data.Tag("mltrack.simulation.strategy") == "trained-once");
        var retrained = runs.Single(r => r.Data.Tag("mltrack.simulation.strategy") == "retrained");
        var onceHistory = await Client.Metrics.GetHistoryAllAsync(once.Info.RunId, "rmse").ToListAsync();
        var retrainedHistory = await Client.Metrics.GetHistoryAllAsync(retrained.Info.RunId, "rmse").ToListAsync();
        onceHistory.Select(m => m.Step).Should().Equal(1, 2, 3, 4, 5, 6, 7, 8, 9);
        retrainedHistory.Should().HaveCount(9);
        retrainedHistory.Average(m => m.Value).Should().BeLessThan(onceHistory.Average(m => m.Value), "the point of retraining");
        onceHistory[^1].Value.Should().BeGreaterThan(onceHistory[0].Value, "the stream drifts away from day 0");
        result.Out.Should().Contain("Mean RMSE, trained once:").And.Contain("Mean RMSE, retrained:");
        var chart = Path.Combine(output, "simulation.png");
        new FileInfo(chart).Length.Should().BeGreaterThan(10_000);
        (await Client.Artifacts.ListAsync(retrained.Info.RunId)).Files.Select(f => f.Path).Should().Contain("simulation.png");
        (await Client.ModelVersions.SearchAsync(new() { Filter = $"name = '{model}'" })).Items.Count.Should().BeGreaterThan(1);
    }

    [Test]
    public void The_stream_is_reproducible_and_drifts()
    {
        var wine = CsvTableReader.Load(WinePath);
        var stream = new DriftingWineStream(wine, "quality", days: 20, rowsPerDay: 500, seed: 3);

        var first = stream.Day(5);
        var again = new DriftingWineStream(wine, "quality", days: 20, rowsPerDay: 500, seed: 3).Day(5);

        first.Column("alcohol").ToArray().Should().Equal(again.Column("alcohol").ToArray());
        first.Column("quality").ToArray().Should().Equal(again.Column("quality").ToArray());
        Mean(stream.Day(19).Column("alcohol")).Should().BeGreaterThan(Mean(stream.Day(0).Column("alcohol")) + 0.5);
    }

    [Test]
    public async Task Impossible_settings_fail_with_one_line()
    {
        var result = await MltrackAsync("simulate", "--data", WinePath, "--days", "1");

        ShouldFailWithOneLine(result, "--days must be at least 2");
    }

    private static double Mean(ReadOnlySpan<double> values)
    {
        double sum = 0;
        foreach (var v in values)
        {
            sum += v;
        }
        return sum / values.Length;
    }
}
