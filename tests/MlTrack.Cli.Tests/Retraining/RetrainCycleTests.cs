using MlTrack.Cli.Retraining;
using MlTrack.Cli.Tests.Support;
using MlTrack.Client;

namespace MlTrack.Cli.Tests.Retraining;

/// <summary>Whole cycles through `mltrack retrain --once` against a real server, checked by reading the registry and runs back.</summary>
public sealed class RetrainCycleTests : CliTestBase
{
    [Test]
    public async Task A_first_cycle_logs_a_run_registers_version_1_and_makes_it_champion()
    {
        var (model, data) = (Unique(), WineFolder((0, 2000)));

        var result = await RetrainAsync(data, model);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().StartWith("promoted: version 1 is now");
        var champion = await Client.RegisteredModels.GetVersionByAliasAsync(model, "champion");
        champion.Version.Should().Be("1");
        var run = await Client.Runs.GetAsync(champion.RunId!);
        run.Info.Status.Should().Be(RunStatus.Finished);
        run.Data.Tag("mltrack.retrain.outcome").Should().Be("promoted");
        run.Data.Tag("mltrack.retrain.trigger").Should().Be("manual");
        run.Data.Tag("mltrack.data.files").Should().Be("batch-1.csv");
        run.Data.Tag("mltrack.data.rows").Should().Be("2000");
        run.Data.Tag("mltrack.retrain.decision").Should().Contain("no champion");
        run.Data.Metrics.Select(m => m.Key).Should().Contain(["rmse", "r2", "mae", "drift_max_psi"]);
        (await Client.Experiments.GetAsync(run.Info.ExperimentId)).Name.Should().Be(model);
        (await Client.Artifacts.ListAsync(run.Info.RunId, "validation")).Files.Select(f => f.Path).Should().Contain("validation/report.txt");
    }

    [Test]
    public async Task The_same_data_twice_is_not_retrained_unless_forced()
    {
        var (model, data) = (Unique(), WineFolder((0, 2000)));
        (await RetrainAsync(data, model)).ExitCode.Should().Be(0);

        var again = await RetrainAsync(data, model);
        var forced = await RetrainAsync(data, model, "--force");

        again.ExitCode.Should().Be(0, again.ToString());
        again.Out.Should().StartWith("skipped: this data was already used by run");
        forced.Out.Should().MatchRegex("^(promoted|kept_champion): version 2 ");
        (await Client.ModelVersions.SearchAsync(new SearchModelVersionsOptions { Filter = $"name = '{model}'" })).Items.Should().HaveCount(2);
    }

    [Test]
    public async Task New_data_that_makes_a_worse_model_registers_it_but_keeps_the_champion()
    {
        var model = Unique();
        var data = WineFolder((0, 2000));
        (await RetrainAsync(data, model)).Out.Should().StartWith("promoted");
        AddWineFile(data, "batch-2.csv", 2000, 4000);

        // α = 100 zeroes every coefficient: the challenger predicts the mean and loses to the champion.
        var result = await RetrainAsync(data, model, "--alpha", "100");

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().StartWith("kept_champion: version 2 registered, champion kept");
        (await Client.RegisteredModels.GetVersionByAliasAsync(model, "champion")).Version.Should().Be("1");
        var challenger = await Client.Runs.GetAsync((await Client.ModelVersions.GetAsync(model, "2")).RunId!);
        challenger.Data.Tag("mltrack.champion.version").Should().Be("1");
        var rmse = challenger.Data.Metrics.Single(m => m.Key == "rmse").Value;
        var championRmse = challenger.Data.Metrics.Single(m => m.Key == "champion_rmse").Value;
        rmse.Should().BeGreaterThan(championRmse);
        challenger.Data.Tag("mltrack.data.rows").Should().Be("4000");
    }

    [Test]
    public async Task A_better_model_on_new_data_takes_over_the_alias()
    {
        var model = Unique();
        var data = WineFolder((0, 2000));
        (await RetrainAsync(data, model, "--alpha", "5")).Out.Should().StartWith("promoted");
        AddWineFile(data, "batch-2.csv", 2000, 4000);

        var result = await RetrainAsync(data, model, "--alpha", "0.01");

        result.Out.Should().StartWith("promoted: version 2 is now");
        (await Client.RegisteredModels.GetVersionByAliasAsync(model, "champion")).Version.Should().Be("2");
    }

    [TestCase("few", "min_rows")]
    [TestCase("no-target", "schema")]
    public async Task Data_that_fails_the_gate_leaves_a_failed_run_and_changes_nothing_else(string problem, string rule)
    {
        var model = Unique();
        var data = WineFolder((0, 2000));
        (await RetrainAsync(data, model)).ExitCode.Should().Be(0);
        var bad = TempDirectory();
        var lines = File.ReadAllLines(WinePath);
        File.WriteAllLines(
            Path.Combine(bad, "bad.csv"),
            problem == "few" ? lines.Take(11) : lines.Select(l => string.Join(',', l.Split(',')[..^1])).Take(500));

        var result = await RetrainAsync(bad, model);

        result.ExitCode.Should().Be(Commands.RetrainCommand.GateFailed, result.ToString());
        result.Out.Should().StartWith("gate_failed:");
        (await Client.ModelVersions.SearchAsync(new SearchModelVersionsOptions { Filter = $"name = '{model}'" })).Items.Should().ContainSingle();
        (await Client.RegisteredModels.GetVersionByAliasAsync(model, "champion")).Version.Should().Be("1");
        var experiment = await Client.Experiments.GetByNameAsync(model);
        var failed = (await Client.Runs.SearchAsync([experiment!.ExperimentId], new SearchRunsOptions { Filter = "attributes.status = 'FAILED'" })).Items.Should().ContainSingle().Subject;
        failed.Data.Tag("mltrack.retrain.outcome").Should().Be("gate_failed");
        failed.Data.Tag("mltrack.validation").Should().Contain(rule);
        await using var report = await Client.Artifacts.OpenReadAsync(failed.Info.RunId, "validation/report.txt");
        (await new StreamReader(report).ReadToEndAsync()).Should().Contain(rule);
    }

    [Test]
    public async Task Two_cycles_started_together_run_once()
    {
        var (model, data) = (Unique(), WineFolder((0, 2000)));
        var settings = new RetrainSettings { DataDirectory = data, Target = "quality", ModelName = model };
        using var output = new StringWriter();
        using var error = new StringWriter();
        var context = Context(output, error);
        var log = new RetrainLog(context.Error, TimeProvider.System);

        var outcomes = await Task.WhenAll(
            Task.Run(() => new RetrainingCycle(context, settings, log).RunAsync(RetrainTrigger.Manual, CancellationToken.None)),
            Task.Run(() => new RetrainingCycle(context, settings, log).RunAsync(RetrainTrigger.NewData, CancellationToken.None)));

        outcomes.Select(o => o.Result).Should().BeEquivalentTo([CycleResult.Promoted, CycleResult.Skipped]);
        (await Client.ModelVersions.SearchAsync(new SearchModelVersionsOptions { Filter = $"name = '{model}'" })).Items.Should().ContainSingle();
    }

    [Test]
    public async Task A_cycle_cut_short_before_its_outcome_is_retried_by_the_next()
    {
        var (model, data) = (Unique(), WineFolder((0, 2000)));
        // What a crash after logging leaves: a run of this model on this data, without the outcome tag.
        var experimentId = await Client.Experiments.CreateAsync(model);
        var sha = new DataFolder(data, null).Take().Sha256;
        await Client.Runs.CreateAsync(experimentId, new CreateRunOptions
        {
            Tags = new Dictionary<string, string> { ["mltrack.retrain.model"] = model, ["mltrack.data.sha256"] = sha },
        });

        var result = await RetrainAsync(data, model);

        result.Out.Should().StartWith("promoted: version 1");
    }

    [Test]
    public async Task A_server_outage_fails_the_cycle_with_one_line_and_the_next_cycle_recovers()
    {
        var (model, data) = (Unique(), WineFolder((0, 2000)));

        var down = await MltrackWithAsync(
            new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = "http://127.0.0.1:9" }, "retrain", "--data", data, "--model-name", model, "--once");
        var up = await RetrainAsync(data, model);

        ShouldFailWithOneLine(down, "cannot reach the tracking server");
        up.Out.Should().StartWith("promoted: version 1");
    }

    [Test]
    public async Task A_bad_schedule_is_refused_with_one_line()
    {
        var result = await MltrackAsync("retrain", "--data", TempDirectory(), "--model-name", Unique(), "--schedule", "every day");

        ShouldFailWithOneLine(result, "not a 5-field cron expression");
    }

    private Task<CliResult> RetrainAsync(string data, string model, params string[] extra) =>
        MltrackAsync(["retrain", "--data", data, "--target", "quality", "--model-name", model, "--once", .. extra]);

    /// <summary>A folder with batch-1.csv holding the given rows of the wine data.</summary>
    private string WineFolder((int From, int To) rows)
    {
        var directory = TempDirectory();
        AddWineFile(directory, "batch-1.csv", rows.From, rows.To);
        return directory;
    }

    private static void AddWineFile(string directory, string name, int from, int to)
    {
        var lines = File.ReadAllLines(WinePath);
        File.WriteAllLines(Path.Combine(directory, name), [lines[0], .. lines.Skip(1 + from).Take(to - from)]);
    }
}
