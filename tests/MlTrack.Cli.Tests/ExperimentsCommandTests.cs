using MlTrack.Cli.Tests.Support;

namespace MlTrack.Cli.Tests;

public sealed class ExperimentsCommandTests : CliTestBase
{
    [Test]
    public async Task Create_prints_the_new_id_and_the_experiment_exists()
    {
        var name = Unique();

        var result = await MltrackAsync("experiments", "create", "--experiment-name", name);

        result.ExitCode.Should().Be(0, result.ToString());
        result.Out.Should().MatchRegex(@"^Created experiment with ID \d+\r?\n$");
        var id = result.Out.Trim()["Created experiment with ID ".Length..];
        (await Client.Experiments.GetAsync(id)).Name.Should().Be(name);
    }

    [Test]
    public async Task Create_with_a_taken_name_fails_with_the_servers_message()
    {
        var name = Unique();
        await Client.Experiments.CreateAsync(name);

        var result = await MltrackAsync("experiments", "create", "-n", name);

        ShouldFailWithOneLine(result, "RESOURCE_ALREADY_EXISTS");
        result.Error.Should().Contain(name);
    }

    [Test]
    public async Task Create_without_a_name_is_a_usage_error()
    {
        var result = await MltrackAsync("experiments", "create");

        result.ExitCode.Should().NotBe(0);
        result.Error.Should().Contain("--experiment-name");
    }

    [Test]
    public async Task Search_lists_active_experiments_and_deleted_ones_on_request()
    {
        var kept = Unique("kept");
        var deleted = Unique("deleted");
        var keptId = await Client.Experiments.CreateAsync(kept);
        await Client.Experiments.DeleteAsync(await Client.Experiments.CreateAsync(deleted));

        var active = await MltrackAsync("experiments", "search");
        var all = await MltrackAsync("experiments", "search", "--view", "all");

        active.ExitCode.Should().Be(0, active.ToString());
        active.Out.Should().Contain("Experiment Id").And.Contain("Artifact Location");
        active.Out.Split('\n').Should().Contain(line => line.Contains(keptId) && line.Contains(kept) && line.Contains($"mlflow-artifacts:/{keptId}"));
        active.Out.Should().NotContain(deleted);
        all.Out.Should().Contain(deleted).And.Contain(kept);
    }

    [Test]
    public async Task Search_with_an_unknown_view_type_is_a_usage_error()
    {
        var result = await MltrackAsync("experiments", "search", "--view", "sometimes");

        result.ExitCode.Should().NotBe(0);
        result.Error.Should().Contain("'sometimes' is not a view type");
    }
}
