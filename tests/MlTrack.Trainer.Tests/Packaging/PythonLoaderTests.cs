using System.Diagnostics;
using System.Globalization;
using MlTrack.Trainer.Packaging;
using MlTrack.Trainer.Tests.Support;

namespace MlTrack.Trainer.Tests.Packaging;

/// <summary>
/// The python_function flavor's loader, run by Debian's python3 with numpy and pandas (scripts/test.sh installs
/// python3-pandas), the way MLflow calls it: the code folder on sys.path, then _load_pyfunc(data path).predict(frame).
/// </summary>
public sealed class PythonLoaderTests
{
    private const string Python = "/usr/bin/python3";

    [Test]
    public async Task Python_predicts_what_dotnet_predicts()
    {
        var directory = Directory.CreateTempSubdirectory("mltrack-pyfunc-").FullName;
        var model = ModelPackageTests.WineModel();
        ModelPackage.Save(directory, model, new ModelPackageInfo());
        var script = """
            import sys, pandas as pd
            sys.path.insert(0, sys.argv[1] + "/code")
            import mltrack_elasticnet
            model = mltrack_elasticnet._load_pyfunc(sys.argv[1] + "/model.json")
            frame = pd.read_csv(sys.argv[2])
            for value in model.predict(frame.drop(columns=["quality"]).iloc[::-1]):
                print(repr(float(value)))
            """;

        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-c", script, directory, TestData.WinePath })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        process.ExitCode.Should().Be(0, $"{Python} with numpy and pandas must load the model: {error}");
        var python = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).Reverse().ToArray();
        var dotnet = model.Predict(TestData.WineTable);
        python.Should().HaveCount(dotnet.Length);
        for (int i = 0; i < dotnet.Length; i++)
        {
            python[i].Should().BeApproximately(dotnet[i], 1e-12 * Math.Max(1, Math.Abs(dotnet[i])));
        }
        Directory.Delete(directory, recursive: true);
    }
}
