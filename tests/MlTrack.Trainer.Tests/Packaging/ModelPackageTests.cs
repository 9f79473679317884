using System.Text.Json.Nodes;
using MlTrack.Trainer.Packaging;
using MlTrack.Trainer.Tests.Support;

namespace MlTrack.Trainer.Tests.Packaging;

public sealed class ModelPackageTests
{
    private string _directory = "";

    [SetUp]
    public void CreateDirectory() => _directory = Directory.CreateTempSubdirectory("mltrack-package-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, recursive: true);

    [Test]
    public void A_saved_model_loads_back_bit_for_bit()
    {
        var model = WineModel();

        ModelPackage.Save(_directory, model, new ModelPackageInfo { RunId = "r1" }, TestData.WineTable);
        var loaded = ModelPackage.Load(_directory);

        loaded.TargetName.Should().Be("quality");
        loaded.FeatureNames.Should().Equal(model.FeatureNames);
        loaded.Coefficients.Should().Equal(model.Coefficients);
        loaded.Intercept.Should().Be(model.Intercept);
        loaded.Options.Alpha.Should().Be(0.5);
        loaded.Options.L1Ratio.Should().Be(0.1);
        loaded.Predict(TestData.WineTable).Should().Equal(model.Predict(TestData.WineTable));
    }

    [Test]
    public void The_MLmodel_file_is_what_MLflow_reads()
    {
        var created = new DateTimeOffset(2026, 11, 27, 15, 10, 0, TimeSpan.Zero).AddTicks(1234560);

        var descriptor = ModelPackage.Save(
            _directory, WineModel(), new ModelPackageInfo { RunId = "abc", ArtifactPath = "model", ModelUuid = "u1", CreatedAt = created }, TestData.WineTable);
        var yaml = File.ReadAllText(Path.Combine(_directory, "MLmodel"));
        var reread = MlModelFile.Read(Path.Combine(_directory, "MLmodel"));

        reread.ToJsonString().Should().Be(descriptor.ToJsonString(), "the YAML file and the log-model JSON hold the same tree");
        yaml.Should().StartWith("artifact_path: 'model'\nflavors:\n");
        yaml.Should().Contain("utc_time_created: '2026-11-27 15:10:00.123456'", "quoted, so YAML readers keep it a string as MLflow does");
        descriptor["run_id"]!.GetValue<string>().Should().Be("abc");
        descriptor["model_uuid"]!.GetValue<string>().Should().Be("u1");
        var pyfunc = descriptor["flavors"]!["python_function"]!;
        pyfunc["loader_module"]!.GetValue<string>().Should().Be("mltrack_elasticnet");
        pyfunc["data"]!.GetValue<string>().Should().Be("model.json");
        File.Exists(Path.Combine(_directory, "code", "mltrack_elasticnet.py")).Should().BeTrue();
        var inputs = JsonNode.Parse(descriptor["signature"]!["inputs"]!.GetValue<string>())!.AsArray();
        inputs.Select(i => i!["name"]!.GetValue<string>()).Should().Equal(TestData.WineData.FeatureNames);
        inputs.Should().OnlyContain(i => i!["type"]!.GetValue<string>() == "double");
        var example = JsonNode.Parse(File.ReadAllText(Path.Combine(_directory, "input_example.json")))!;
        example["columns"]!.AsArray().Count.Should().Be(11);
        example["data"]!.AsArray().Count.Should().Be(5);
    }

    [Test]
    public void A_directory_without_MLmodel_is_refused()
    {
        var load = () => ModelPackage.Load(_directory);

        load.Should().Throw<InvalidDataException>().WithMessage("*no MLmodel file*");
    }

    [Test]
    public void A_model_of_another_flavor_is_refused_naming_its_flavors()
    {
        File.WriteAllText(Path.Combine(_directory, "MLmodel"), "flavors:\n  sklearn:\n    pickled_model: model.pkl\n");

        var load = () => ModelPackage.Load(_directory);

        load.Should().Throw<InvalidDataException>().WithMessage("*no 'mltrack_elasticnet' flavor*sklearn*");
    }

    [TestCase("{ not json")]
    [TestCase("{\"format\": \"other\", \"format_version\": 1}")]
    [TestCase("{\"format\": \"mltrack-elasticnet\", \"format_version\": 1, \"target\": \"y\", \"features\": [\"a\"], \"coefficients\": [], \"intercept\": 0}")]
    public void A_damaged_data_file_is_refused(string json)
    {
        ModelPackage.Save(_directory, WineModel(), new ModelPackageInfo());
        File.WriteAllText(Path.Combine(_directory, "model.json"), json);

        var load = () => ModelPackage.Load(_directory);

        load.Should().Throw<InvalidDataException>();
    }

    internal static ElasticNetModel WineModel() =>
        new ElasticNetTrainer(new ElasticNetOptions { Alpha = 0.5, L1Ratio = 0.1 }).Fit(TestData.WineData).ToModel("quality");
}
