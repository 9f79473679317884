using MlTrack.Client.Tests.Support;

namespace MlTrack.Client.Tests;

public sealed class ActiveRunTests : ServerTestBase
{
    [Test]
    public async Task ACompletedScopeEndsTheRunFinishedWithEverythingLogged()
    {
        var experimentId = await NewExperimentAsync();
        string runId;
        await using (var run = await Client.StartRunAsync(new StartRunOptions { ExperimentId = experimentId, RunName = "scope" }))
        {
            runId = run.RunId;
            run.LogParam("alpha", "0.5");
            run.LogMetric("loss", 0.25, step: 1);
            run.SetTag("phase", "train");
            run.Complete();
        }

        var ended = await Client.Runs.GetAsync(runId);
        ended.Info.Status.Should().Be(RunStatus.Finished);
        ended.Info.EndTime.Should().BeGreaterThanOrEqualTo(ended.Info.StartTime!.Value);
        ended.Info.RunName.Should().Be("scope");
        ended.Data.Param("alpha").Should().Be("0.5");
        ended.Data.Metrics.Should().ContainSingle().Which.Should().Match<Metric>(m => m.Key == "loss" && m.Value == 0.25 && m.Step == 1);
        ended.Data.Tag("phase").Should().Be("train");
    }

    [Test]
    public async Task AnExceptionLeavingTheScopeEndsTheRunFailedAfterFlushing()
    {
        var experimentId = await NewExperimentAsync();
        var runId = "";
        async Task TrainAsync()
        {
            await using var run = await Client.StartRunAsync(new StartRunOptions { ExperimentId = experimentId });
            runId = run.RunId;
            run.LogMetric("loss", 1.5);
            throw new InvalidOperationException("diverged");
#pragma warning disable CS0162 // The point of the test: Complete is never reached.
            run.Complete();
#pragma warning restore CS0162
        }

        await FluentActions.Awaiting(TrainAsync).Should().ThrowAsync<InvalidOperationException>();

        var ended = await Client.Runs.GetAsync(runId);
        ended.Info.Status.Should().Be(RunStatus.Failed);
        ended.Info.EndTime.Should().NotBeNull();
        ended.Data.Metrics.Should().ContainSingle().Which.Value.Should().Be(1.5);
    }

    [Test]
    public async Task SetsMlflowsSystemTagsOnANewRun()
    {
        await using var run = await Client.StartRunAsync(new StartRunOptions { ExperimentId = await NewExperimentAsync(), RunName = "tagged" });
        run.Complete();

        var tags = (await Client.Runs.GetAsync(run.RunId)).Data;
        tags.Tag("mlflow.user").Should().Be(Environment.UserName);
        tags.Tag("mlflow.source.type").Should().Be("LOCAL");
        tags.Tag("mlflow.source.name").Should().Be(Path.GetFullPath(Environment.GetCommandLineArgs()[0]));
        tags.Tag("mlflow.runName").Should().Be("tagged");
        run.Run.Info.UserId.Should().Be(Environment.UserName);
        tags.Tag("mlflow.source.git.commit")?.Should().MatchRegex("^[0-9a-f]{40}$");
    }

    [Test]
    public async Task UserTagsOverrideSystemTagsAndAParentMakesANestedRun()
    {
        var experimentId = await NewExperimentAsync();
        await using var parent = await Client.StartRunAsync(new StartRunOptions { ExperimentId = experimentId });
        await using var child = await Client.StartRunAsync(new StartRunOptions
        {
            ExperimentId = experimentId,
            ParentRunId = parent.RunId,
            Tags = new Dictionary<string, string> { ["mlflow.source.type"] = "JOB", ["team"] = "ml" },
        });
        child.Complete();
        parent.Complete();

        var data = (await Client.Runs.GetAsync(child.RunId)).Data;
        data.Tag("mlflow.parentRunId").Should().Be(parent.RunId);
        data.Tag("mlflow.source.type").Should().Be("JOB");
        data.Tag("team").Should().Be("ml");
    }

    [Test]
    public async Task ResumesTheRunNamedByMlflowRunIdInsteadOfCreatingOne()
    {
        var experimentId = await NewExperimentAsync();
        var parentProcessRun = await Client.Runs.CreateAsync(experimentId);
        await Client.Runs.EndAsync(parentProcessRun.Info.RunId);
        var environment = new Dictionary<string, string>
        {
            ["MLFLOW_TRACKING_URI"] = Server.BaseAddress.ToString(),
            ["MLFLOW_RUN_ID"] = parentProcessRun.Info.RunId,
            ["MLFLOW_EXPERIMENT_ID"] = experimentId,
        };
        using var child = new MlflowClient(MlflowClientOptions.FromEnvironment(environment.GetValueOrDefault));

        await using (var run = await child.StartRunAsync(new StartRunOptions { Tags = new Dictionary<string, string> { ["resumed"] = "yes" } }))
        {
            run.IsResumed.Should().BeTrue();
            run.RunId.Should().Be(parentProcessRun.Info.RunId);
            run.Run.Info.Status.Should().Be(RunStatus.Running);
            (await Client.Runs.GetAsync(run.RunId)).Info.Status.Should().Be(RunStatus.Running);
            run.LogMetric("rmse", 0.7);
            run.Complete();
        }

        var runs = await Client.Runs.SearchAsync([experimentId]);
        var only = runs.Items.Should().ContainSingle().Subject;
        only.Info.Status.Should().Be(RunStatus.Finished);
        only.Data.Tag("resumed").Should().Be("yes");
        only.Data.Metrics.Should().ContainSingle().Which.Key.Should().Be("rmse");
    }

    [Test]
    public async Task ResolvesTheExperimentFromTheEnvironmentAsMlflowDoes()
    {
        var name = Unique();
        var byName = new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = Server.BaseAddress.ToString(), ["MLFLOW_EXPERIMENT_NAME"] = name };
        using var named = new MlflowClient(MlflowClientOptions.FromEnvironment(byName.GetValueOrDefault));
        await using var first = await named.StartRunAsync();
        first.Complete();

        var experiment = await Client.Experiments.GetByNameAsync(name);
        experiment.Should().NotBeNull("MLFLOW_EXPERIMENT_NAME creates a missing experiment");
        first.ExperimentId.Should().Be(experiment!.ExperimentId);

        var byId = new Dictionary<string, string>
        {
            ["MLFLOW_TRACKING_URI"] = Server.BaseAddress.ToString(),
            ["MLFLOW_EXPERIMENT_ID"] = experiment.ExperimentId,
        };
        using var identified = new MlflowClient(MlflowClientOptions.FromEnvironment(byId.GetValueOrDefault));
        await using var second = await identified.StartRunAsync();
        second.Complete();
        second.ExperimentId.Should().Be(experiment.ExperimentId);

        await using var fallback = await Client.StartRunAsync();
        fallback.Complete();
        fallback.ExperimentId.Should().Be("0");
    }

    [Test]
    public async Task AnUnknownMlflowExperimentIdIsRefused()
    {
        var options = Server.Options();
        options.ExperimentId = "424242";
        using var client = new MlflowClient(options);

        var act = () => client.StartRunAsync();

        (await act.Should().ThrowAsync<MlflowApiException>()).Which.ErrorCode.Should().Be("RESOURCE_DOES_NOT_EXIST");
    }

    [Test]
    public async Task AFailedLoggingRequestFailsTheRunAndSurfacesFromDispose()
    {
        var run = await Client.StartRunAsync(new StartRunOptions { ExperimentId = await NewExperimentAsync() });
        run.LogParam("alpha", "0.5");
        run.LogParam("alpha", "0.7");
        run.Complete();

        var error = (await FluentActions.Awaiting(async () => await run.DisposeAsync()).Should().ThrowAsync<MlflowApiException>()).Which;

        error.ErrorCode.Should().Be("INVALID_PARAMETER_VALUE");
        run.EndStatus.Should().Be(RunStatus.Failed);
        (await Client.Runs.GetAsync(run.RunId)).Info.Status.Should().Be(RunStatus.Failed);
    }

    [Test]
    public async Task EndEndsTheRunWithTheGivenStatusOnce()
    {
        await using var run = await Client.StartRunAsync(new StartRunOptions { ExperimentId = await NewExperimentAsync() });

        await run.EndAsync(RunStatus.Killed);
        await run.DisposeAsync();

        run.EndStatus.Should().Be(RunStatus.Killed);
        (await Client.Runs.GetAsync(run.RunId)).Info.Status.Should().Be(RunStatus.Killed);
    }

    [Test]
    public void FindsTheGitCommitOfABranchLooseOrPackedOrADetachedHead()
    {
        const string Commit = "0123456789abcdef0123456789abcdef01234567";
        var root = TempDirectory();
        var git = Directory.CreateDirectory(Path.Combine(root, ".git")).FullName;
        var nested = Directory.CreateDirectory(Path.Combine(root, "src", "app")).FullName;

        File.WriteAllText(Path.Combine(git, "HEAD"), "ref: refs/heads/main\n");
        File.WriteAllText(Path.Combine(git, "packed-refs"), $"# pack-refs with: peeled\n{Commit} refs/heads/main\n");
        Internal.RunContext.GitHead(nested).Should().Be(Commit);

        Directory.CreateDirectory(Path.Combine(git, "refs", "heads"));
        File.WriteAllText(Path.Combine(git, "refs", "heads", "main"), Commit.Replace('0', 'a') + "\n");
        Internal.RunContext.GitHead(nested).Should().Be(Commit.Replace('0', 'a'));

        File.WriteAllText(Path.Combine(git, "HEAD"), Commit + "\n");
        Internal.RunContext.GitHead(nested).Should().Be(Commit);
        Internal.RunContext.GitHead(Path.GetTempPath()).Should().BeNull();
    }
}
