using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using MlTrack.Cli.Tests.Support;
using MlTrack.Client;
using MlTrack.Trainer;
using MlTrack.Trainer.Packaging;

namespace MlTrack.Cli.Tests;

public sealed partial class TrainCommandTests : CliTestBase
{
    [Test]
    public async Task Train_logs_params_metrics_data_tags_and_the_model_as_one_finished_run()
    {
        var experiment = Unique();

        var result = await MltrackAsync(
            "train", "--data", WinePath, "--target", "quality", "--alpha", "0.5", "--l1-ratio", "0.1", "--experiment-name", experiment);

        result.ExitCode.Should().Be(0, result.ToString());
        var run = await Client.Runs.GetAsync(RunIdIn(result));
        run.Info.Status.Should().Be(RunStatus.Finished);
        (await Client.Experiments.GetAsync(run.Info.ExperimentId)).Name.Should().Be(experiment);
        run.Data.Param("alpha").Should().Be("0.5");
        run.Data.Param("l1_ratio").Should().Be("0.1");
        run.Data.Param("test_fraction").Should().Be("0.25");
        run.Data.Param("seed").Should().Be("42");

        // The same split and fit through the library: what the run says must be what the data gives.
        var table = CsvTableReader.Load(WinePath);
        var (train, test) = table.Split(0.25, 42);
        var model = new ElasticNetTrainer(new ElasticNetOptions { Alpha = 0.5, L1Ratio = 0.1 }).Fit(train.ToRegressionData("quality")).ToModel("quality");
        var expected = RegressionMetrics.Compute(test.Column("quality"), model.Predict(test));
        Metric("rmse").Should().BeApproximately(expected.Rmse, 1e-12);
        Metric("mae").Should().BeApproximately(expected.Mae, 1e-12);
        Metric("r2").Should().BeApproximately(expected.R2, 1e-12);
        Metric("training_rmse").Should().BeGreaterThan(0);
        result.Out.Should().Contain("RMSE: " + expected.Rmse.ToString("0.######", CultureInfo.InvariantCulture));

        run.Data.Tag("mltrack.data.file").Should().Be("wine-quality.csv");
        run.Data.Tag("mltrack.data.rows").Should().Be("4898");
        run.Data.Tag("mltrack.data.sha256").Should().Be(Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(WinePath))));
        run.Inputs.DatasetInputs.Should().ContainSingle().Which.Dataset.Name.Should().Be("wine-quality.csv");
        run.Data.Tag("mlflow.log-model.history").Should().Contain("mltrack_elasticnet");

        // The model directory comes back as the same model.
        var local = await Client.Artifacts.DownloadAsync(run.Info.RunId, "model", TempDirectory());
        var loaded = ModelPackage.Load(local);
        loaded.FeatureNames.Should().Equal(model.FeatureNames);
        loaded.Coefficients.Should().Equal(model.Coefficients);
        loaded.Intercept.Should().Be(model.Intercept);
        var mlmodel = await File.ReadAllTextAsync(Path.Combine(local, "MLmodel"));
        mlmodel.Should().Contain($"run_id: '{run.Info.RunId}'").And.Contain("loader_module: 'mltrack_elasticnet'").And.Contain("signature:");
        File.Exists(Path.Combine(local, "input_example.json")).Should().BeTrue();

        var root = await Client.Artifacts.ListAsync(run.Info.RunId);
        root.Files.Select(f => f.Path).Should().Contain(["model", "plots", "data_schema.json"]);
        await using (var png = await Client.Artifacts.OpenReadAsync(run.Info.RunId, "plots/predicted_vs_actual.png"))
        {
            var header = new byte[8];
            await png.ReadExactlyAsync(header);
            header.Should().Equal(0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A);
        }
        await using var schemaStream = await Client.Artifacts.OpenReadAsync(run.Info.RunId, "data_schema.json");
        var schema = DataProfile.FromJson(await new StreamReader(schemaStream).ReadToEndAsync());
        schema.RowCount.Should().Be(train.RowCount);
        schema.Columns.Select(c => c.Name).Should().Equal(table.ColumnNames);

        double Metric(string key) => run.Data.Metrics.Single(m => m.Key == key).Value;
    }

    [Test]
    public async Task Register_as_adds_a_version_per_run_linked_to_it()
    {
        var name = Unique();

        var first = await MltrackAsync("train", "--data", WinePath, "--register-as", name, "--experiment-name", name);
        var second = await MltrackAsync("train", "--data", WinePath, "--alpha", "0.1", "--register-as", name, "--experiment-name", name);

        second.ExitCode.Should().Be(0, second.ToString());
        second.Out.Should().Contain($"Registered model '{name}' version 2");
        var version = await Client.ModelVersions.GetAsync(name, "2");
        version.RunId.Should().Be(RunIdIn(second));
        version.Source.Should().EndWith($"{RunIdIn(second)}/artifacts/model");
        (await Client.ModelVersions.GetAsync(name, "1")).RunId.Should().Be(RunIdIn(first));
    }

    [Test]
    public async Task Test_fraction_zero_trains_and_evaluates_on_every_row()
    {
        var result = await MltrackAsync("train", "--data", WinePath, "--test-fraction", "0", "--experiment-name", Unique());

        result.ExitCode.Should().Be(0, result.ToString());
        var run = await Client.Runs.GetAsync(RunIdIn(result));
        run.Data.Metrics.Select(m => m.Key).Should().Contain("training_rmse").And.NotContain("rmse");
        result.Out.Should().Contain("on training rows (4898)");
        var local = await Client.Artifacts.DownloadAsync(run.Info.RunId, "model", TempDirectory());
        var all = new ElasticNetTrainer(new ElasticNetOptions { Alpha = 0.5, L1Ratio = 0.5 }).Fit(CsvTableReader.Load(WinePath).ToRegressionData("quality"));
        ModelPackage.Load(local).Coefficients.Should().Equal(all.Coefficients);
    }

    [Test]
    public async Task With_MLFLOW_RUN_ID_it_logs_into_that_run_and_keeps_its_params()
    {
        var experimentId = await NewExperimentAsync();
        var given = await Client.Runs.CreateAsync(experimentId);
        await Client.Runs.LogParamAsync(given.Info.RunId, "alpha", ".5");

        var result = await MltrackWithAsync(
            new Dictionary<string, string> { ["MLFLOW_RUN_ID"] = given.Info.RunId }, "train", "--data", WinePath, "--alpha", "0.5");

        result.ExitCode.Should().Be(0, result.ToString());
        RunIdIn(result).Should().Be(given.Info.RunId);
        var run = await Client.Runs.GetAsync(given.Info.RunId);
        run.Data.Param("alpha").Should().Be(".5");
        run.Data.Metrics.Select(m => m.Key).Should().Contain("rmse");
        run.Info.Status.Should().Be(RunStatus.Finished);
        (await Client.Runs.SearchAsync([experimentId])).Items.Should().ContainSingle();
    }

    [TestCase("missing.csv", "Data file not found")]
    [TestCase("ragged.csv", "line 3")]
    [TestCase("words.csv", "'five' is not a number")]
    [TestCase("empty.csv", "empty")]
    public async Task A_bad_data_file_fails_with_one_line_and_logs_nothing(string file, string fragment)
    {
        var directory = TempDirectory();
        await File.WriteAllTextAsync(Path.Combine(directory, "ragged.csv"), "a,b,quality\n1,2,3\n4,5\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "words.csv"), "a,b,quality\n1,2,3\n4,five,6\n");
        await File.WriteAllTextAsync(Path.Combine(directory, "empty.csv"), "");
        var experiment = Unique();

        var result = await MltrackAsync("train", "--data", Path.Combine(directory, file), "--experiment-name", experiment);

        ShouldFailWithOneLine(result, fragment);
        (await Client.Experiments.GetByNameAsync(experiment)).Should().BeNull("nothing is logged for data that cannot be read");
    }

    [Test]
    public async Task A_missing_target_column_names_the_columns_there_are()
    {
        var result = await MltrackAsync("train", "--data", WinePath, "--target", "price");

        ShouldFailWithOneLine(result, "price");
        result.Error.Should().Contain("alcohol");
    }

    [TestCase("--alpha", "-1", "Alpha")]
    [TestCase("--l1-ratio", "1.5", "L1Ratio")]
    [TestCase("--test-fraction", "1", "--test-fraction")]
    public async Task Settings_out_of_range_fail_with_one_line(string option, string value, string fragment)
    {
        var result = await MltrackAsync("train", "--data", WinePath, option, value);

        ShouldFailWithOneLine(result, fragment);
    }

    [Test]
    public async Task An_unreachable_server_fails_with_one_line_naming_it()
    {
        var result = await MltrackWithAsync(
            new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = "http://127.0.0.1:9" }, "train", "--data", WinePath);

        ShouldFailWithOneLine(result, "cannot reach the tracking server at http://127.0.0.1:9");
    }

    private static string RunIdIn(CliResult result) => RunIdLine().Match(result.Out) is { Success: true } m
        ? m.Groups[1].Value
        : throw new AssertionException($"No run ID in the output:\n{result}");

    [GeneratedRegex(@"Run ID: ([0-9a-f]{32})")]
    private static partial Regex RunIdLine();
}
