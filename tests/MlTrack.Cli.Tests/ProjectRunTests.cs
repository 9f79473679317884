using MlTrack.Cli.Tests.Support;
using MlTrack.Client;

namespace MlTrack.Cli.Tests;

/// <summary>`mltrack run` starts real processes: bash, and in it the built mltrack (or `dotnet run` for the shipped example).</summary>
public sealed class ProjectRunTests : CliTestBase
{
    private static string MltrackDll => Path.Combine(TestContext.CurrentContext.TestDirectory, "mltrack.dll");

    [Test]
    public async Task Runs_the_entry_point_in_one_run_with_the_projects_tags_and_parameters()
    {
        var project = Project($$"""
            name: wine
            entry_points:
              main:
                parameters:
                  alpha: {type: float, default: 0.5}
                  l1_ratio: {type: float, default: 0.1}
                  data: path
                command: dotnet "{{MltrackDll}}" train --data {data} --alpha {alpha} --l1-ratio {l1_ratio}
            """);
        var experiment = Unique();

        var result = await MltrackAsync("run", project, "-P", "alpha=0.3", "-P", $"data={WinePath}", "--experiment-name", experiment);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Error.Should().Contain("=== Running command 'dotnet").And.Contain("succeeded ===");
        var experimentId = (await Client.Experiments.GetByNameAsync(experiment))!.ExperimentId;
        var run = (await Client.Runs.SearchAsync([experimentId])).Items.Should().ContainSingle().Subject;
        result.Out.Should().Contain($"Run ID: {run.Info.RunId}");
        run.Info.Status.Should().Be(RunStatus.Finished);
        run.Data.Param("alpha").Should().Be("0.3");
        run.Data.Param("l1_ratio").Should().Be("0.1");
        run.Data.Param("data").Should().Be(WinePath);
        run.Data.Tag("mlflow.source.type").Should().Be("PROJECT");
        run.Data.Tag("mlflow.project.entryPoint").Should().Be("main");
        run.Data.Tag("mlflow.source.name").Should().Be(project);
        run.Data.Metrics.Select(m => m.Key).Should().Contain(["rmse", "r2", "mae"], "the entry point logged into the project's run");
        (await Client.Artifacts.ListAsync(run.Info.RunId, "model")).Files.Should().Contain(f => f.Path == "model/MLmodel");
    }

    [Test]
    public async Task A_project_in_a_git_repository_tags_the_run_with_its_commit_branch_and_origin()
    {
        var project = Project("""
            name: versioned
            entry_points:
              main:
                command: "true"
            """);
        Git(project, "init", "-q", "-b", "retrain");
        Git(project, "add", ".");
        Git(project, "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "first");
        Git(project, "remote", "add", "origin", "https://example.com/team/models.git");
        var experimentId = await NewExperimentAsync();

        var result = await MltrackAsync("run", project, "--experiment-id", experimentId);

        result.ExitCode.Should().Be(0, result.ToString());
        var run = (await Client.Runs.SearchAsync([experimentId])).Items.Single();
        run.Data.Tag("mlflow.source.git.commit").Should().Be(Git(project, "rev-parse", "HEAD")).And.HaveLength(40);
        run.Data.Tag("mlflow.source.git.branch").Should().Be("retrain");
        run.Data.Tag("mlflow.source.git.repoURL").Should().Be("https://example.com/team/models.git");
        run.Data.Tag("mlflow.gitRepoURL").Should().Be("https://example.com/team/models.git");
    }

    [Test]
    public async Task A_project_outside_git_gets_no_git_tags()
    {
        var project = Project("""
            name: plain
            entry_points:
              main:
                command: "true"
            """);
        var experimentId = await NewExperimentAsync();

        (await MltrackAsync("run", project, "--experiment-id", experimentId)).ExitCode.Should().Be(0);

        var run = (await Client.Runs.SearchAsync([experimentId])).Items.Single();
        run.Data.Tags.Select(t => t.Key).Should().NotContain(k => k.StartsWith("mlflow.source.git"));
    }

    private static string Git(string directory, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, $"git {string.Join(' ', arguments)}");
        return output.Trim();
    }

    [Test]
    public async Task The_entry_point_sees_the_run_experiment_and_server_in_its_environment()
    {
        var project = Project("""
            name: env
            entry_points:
              main:
                command: printf '%s\n%s\n%s\n' "$MLFLOW_RUN_ID" "$MLFLOW_EXPERIMENT_ID" "$MLFLOW_TRACKING_URI" > env.txt
            """);
        var experimentId = await NewExperimentAsync();

        var result = await MltrackAsync("run", project, "--experiment-id", experimentId);

        result.ExitCode.Should().Be(0, result.ToString());
        var run = (await Client.Runs.SearchAsync([experimentId])).Items.Single();
        var lines = await File.ReadAllLinesAsync(Path.Combine(project, "env.txt"));
        lines.Should().Equal(run.Info.RunId, experimentId, Server.BaseAddress.ToString().TrimEnd('/'));
    }

    [Test]
    public async Task A_failing_entry_point_ends_the_run_failed_and_mltrack_non_zero()
    {
        var project = Project("""
            name: broken
            entry_points:
              main:
                command: "echo going wrong >&2; exit 3"
            """);
        var experimentId = await NewExperimentAsync();

        var result = await MltrackAsync("run", project, "--experiment-id", experimentId);

        result.ExitCode.Should().Be(1, result.ToString());
        result.Error.Should().Contain("failed (exit code 3)");
        (await Client.Runs.SearchAsync([experimentId])).Items.Single().Info.Status.Should().Be(RunStatus.Failed);
    }

    [Test]
    public async Task A_missing_parameter_fails_before_any_run_is_created()
    {
        var project = Project("""
            name: p
            entry_points:
              main:
                parameters: {alpha: float}
                command: "echo {alpha}"
            """);
        var experimentId = await NewExperimentAsync();

        var result = await MltrackAsync("run", project, "--experiment-id", experimentId);

        ShouldFailWithOneLine(result, "No value given for missing parameters: 'alpha'");
        (await Client.Runs.SearchAsync([experimentId])).Items.Should().BeEmpty();
    }

    [Test]
    public async Task Malformed_parameters_and_a_missing_directory_fail_with_one_line()
    {
        ShouldFailWithOneLine(await MltrackAsync("run", Project("name: p\nentry_points:\n  main:\n    command: echo\n"), "-P", "alpha"), "NAME=VALUE");
        ShouldFailWithOneLine(await MltrackAsync("run", "/nonexistent/project"), "Project directory not found");
    }

    [Test]
    [CancelAfter(300_000)]
    public async Task The_shipped_wine_project_trains_through_dotnet_run()
    {
        var experiment = Unique();

        var result = await MltrackAsync("run", MlProjectTests.RepositoryPath("examples", "wine"), "-P", "alpha=0.5", "-P", "l1_ratio=0.1", "--experiment-name", experiment);

        result.ExitCode.Should().Be(0, result.ToString());
        var experimentId = (await Client.Experiments.GetByNameAsync(experiment))!.ExperimentId;
        var run = (await Client.Runs.SearchAsync([experimentId])).Items.Should().ContainSingle().Subject;
        run.Info.Status.Should().Be(RunStatus.Finished);
        run.Data.Param("alpha").Should().Be("0.5");
        run.Data.Param("l1_ratio").Should().Be("0.1");
        run.Data.Metrics.Single(m => m.Key == "rmse").Value.Should().BeInRange(0.5, 1.0);
    }

    private string Project(string mlproject)
    {
        var directory = TempDirectory();
        File.WriteAllText(Path.Combine(directory, "MLproject"), mlproject);
        return directory;
    }
}
