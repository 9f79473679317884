using MlTrack.Client.Tests.Support;
using Spectre.Console;

namespace MlTrack.Cli.Tests.Support;

/// <summary>What one mltrack command printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}\n--- stderr\n{Error}";
}

/// <summary>Runs mltrack commands in-process against the fixture's real server, as a user's shell would.</summary>
public abstract class CliTestBase : ServerTestBase
{
    /// <summary>The wine data set of MLflow's elastic-net example (examples/wine/wine-quality.csv).</summary>
    protected static string WinePath => Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", "wine-quality.csv");

    /// <summary>Runs `mltrack args...` with MLFLOW_TRACKING_URI set to the fixture's server and extra variables.</summary>
    protected Task<CliResult> MltrackAsync(params string[] args) => MltrackWithAsync(new Dictionary<string, string>(), args);

    protected async Task<CliResult> MltrackWithAsync(IReadOnlyDictionary<string, string> variables, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, Context(output, error, variables));
        var result = new CliResult(exitCode, output.ToString(), error.ToString());
        TestContext.Out.WriteLine($"mltrack {string.Join(' ', args)}\n{result}");
        return result;
    }

    /// <summary>A command context on the fixture's server whose output goes to the given writers.</summary>
    internal CliContext Context(StringWriter output, StringWriter error, IReadOnlyDictionary<string, string>? variables = null)
    {
        var environment = new Dictionary<string, string>
        {
            ["MLFLOW_TRACKING_URI"] = Server.BaseAddress.ToString(),
            ["MLFLOW_HTTP_REQUEST_MAX_RETRIES"] = "0",
        };
        foreach (var (key, value) in variables ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }
        return new CliContext
        {
            Out = CliContext.ConsoleOn(output, redirected: true),
            Error = CliContext.ConsoleOn(error, redirected: true),
            GetVariable = name => environment.GetValueOrDefault(name),
            WorkingDirectory = TestContext.CurrentContext.TestDirectory,
        };
    }

    /// <summary>Asserts that a command failed the way a user should see it: exit 1 and one "Error: ..." line, no stack trace.</summary>
    protected static void ShouldFailWithOneLine(CliResult result, string expectedFragment)
    {
        result.ExitCode.Should().Be(1, result.ToString());
        var lines = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        lines.Should().ContainSingle(l => l.StartsWith("Error: ", StringComparison.Ordinal), result.ToString());
        lines.Single(l => l.StartsWith("Error: ", StringComparison.Ordinal)).Should().Contain(expectedFragment);
        result.Error.Should().NotContain("   at ", "a user error must not print a stack trace");
        result.Error.Should().NotContain("Exception", "a user error must not print an exception type");
    }
}
