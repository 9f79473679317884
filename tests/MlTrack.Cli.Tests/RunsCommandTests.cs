using System.Text.Json;
using MlTrack.Cli.Tests.Support;
using MlTrack.Client;

namespace MlTrack.Cli.Tests;

public sealed class RunsCommandTests : CliTestBase
{
    [Test]
    public async Task List_shows_id_status_start_time_and_name_newest_first()
    {
        var experimentId = await NewExperimentAsync();
        var older = await Client.Runs.CreateAsync(experimentId, new CreateRunOptions { RunName = "older", StartTime = 1_700_000_000_000 });
        var newer = await Client.Runs.CreateAsync(experimentId, new CreateRunOptions { RunName = "newer", StartTime = 1_700_000_060_000 });
        await Client.Runs.EndAsync(older.Info.RunId, RunStatus.Failed);

        var result = await MltrackAsync("runs", "list", "--experiment-id", experimentId);

        result.ExitCode.Should().Be(0, result.ToString());
        var lines = result.Out.Split('\n');
        var header = lines.Single(l => l.Contains("Run ID"));
        header.Should().MatchRegex(@"Run ID\s+Status\s+Start Time\s+Name");
        var newerLine = Array.FindIndex(lines, l => l.Contains(newer.Info.RunId));
        var olderLine = Array.FindIndex(lines, l => l.Contains(older.Info.RunId));
        newerLine.Should().BeGreaterThan(0).And.BeLessThan(olderLine, "runs are listed newest first");
        lines[newerLine].Should().MatchRegex(@"RUNNING\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+newer");
        lines[olderLine].Should().MatchRegex(@"FAILED\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\s+older");
    }

    [Test]
    public async Task List_of_an_unknown_experiment_fails_with_one_line()
    {
        var result = await MltrackAsync("runs", "list", "--experiment-id", "987654");

        ShouldFailWithOneLine(result, "RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task Describe_prints_the_run_as_mlflow_does()
    {
        var run = await NewRunAsync("described");
        await Client.Runs.LogBatchAsync(
            run.Info.RunId,
            metrics: [new Metric("rmse", 0.75, 1)],
            parameters: [new Param("alpha", "0.5")],
            tags: [new Tag("team", "ml")]);

        var result = await MltrackAsync("runs", "describe", "--run-id", run.Info.RunId);

        result.ExitCode.Should().Be(0, result.ToString());
        using var json = JsonDocument.Parse(result.Out);
        var root = json.RootElement;
        root.GetProperty("info").GetProperty("run_id").GetString().Should().Be(run.Info.RunId);
        root.GetProperty("info").GetProperty("run_name").GetString().Should().Be("described");
        root.GetProperty("info").GetProperty("status").GetString().Should().Be("RUNNING");
        root.GetProperty("data").GetProperty("metrics").GetProperty("rmse").GetDouble().Should().Be(0.75);
        root.GetProperty("data").GetProperty("params").GetProperty("alpha").GetString().Should().Be("0.5");
        root.GetProperty("data").GetProperty("tags").GetProperty("team").GetString().Should().Be("ml");
    }

    [Test]
    public async Task Describe_of_an_unknown_run_fails_with_one_line()
    {
        var result = await MltrackAsync("runs", "describe", "--run-id", "0123456789abcdef0123456789abcdef");

        ShouldFailWithOneLine(result, "RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task Delete_and_restore_change_the_runs_lifecycle()
    {
        var run = await NewRunAsync();

        (await MltrackAsync("runs", "delete", "--run-id", run.Info.RunId)).ExitCode.Should().Be(0);
        (await Client.Runs.GetAsync(run.Info.RunId)).Info.LifecycleStage.Should().Be("deleted");
        (await MltrackAsync("runs", "restore", "--run-id", run.Info.RunId)).ExitCode.Should().Be(0);
        (await Client.Runs.GetAsync(run.Info.RunId)).Info.LifecycleStage.Should().Be("active");
    }
}
