using MlTrack.Cli.Projects;

namespace MlTrack.Cli.Tests;

public sealed class MlProjectTests
{
    private const string Wine = """
        name: wine
        entry_points:
          main:
            parameters:
              alpha: {type: float, default: 0.5}
              l1_ratio: float
              data: {type: string, default: wine-quality.csv}
            command: "train --alpha {alpha} --l1-ratio {l1_ratio} --data {data}"
          validate:
            command: "check"
        """;

    [Test]
    public void Parses_entry_points_with_typed_parameters_and_defaults_in_file_order()
    {
        var project = MlProject.Parse("/p", Wine, "MLproject");

        project.Name.Should().Be("wine");
        var main = project.EntryPoint("main");
        main.Parameters.Should().Equal(
            new ProjectParameter("alpha", "float", "0.5"),
            new ProjectParameter("l1_ratio", "float", null),
            new ProjectParameter("data", "string", "wine-quality.csv"));
        main.Command.Should().Be("train --alpha {alpha} --l1-ratio {l1_ratio} --data {data}");
        project.EntryPoint("validate").Parameters.Should().BeEmpty();
    }

    [TestCase("name: x\nentry_points:\n  main:\n    parameters: {}\n", "needs a 'command'")]
    [TestCase("name: x\nentry_points:\n  main:\n    parameters:\n      a: {type: tensor}\n    command: run\n", "type 'tensor'")]
    [TestCase("name: [x\n", "not valid YAML")]
    [TestCase("- a\n- b\n", "YAML mapping")]
    [TestCase("name: x\nentry_points: [main]\n", "'entry_points' must be a mapping")]
    public void Malformed_files_are_refused_with_the_reason(string yaml, string fragment)
    {
        var parse = () => MlProject.Parse("/p", yaml, "MLproject");

        parse.Should().Throw<CliException>().WithMessage($"*{fragment}*");
    }

    [Test]
    public void An_unknown_entry_point_lists_the_known_ones()
    {
        var project = MlProject.Parse("/p", Wine, "MLproject");

        var find = () => project.EntryPoint("serve");

        find.Should().Throw<CliException>().WithMessage("*'serve'*main, validate*");
    }

    [Test]
    public void Without_an_MLproject_file_scripts_are_entry_points()
    {
        var directory = Directory.CreateTempSubdirectory("mlproject-").FullName;
        File.WriteAllText(Path.Combine(directory, "train.py"), "print(1)\n");
        File.WriteAllText(Path.Combine(directory, "go.sh"), "echo 1\n");

        var project = MlProject.Load(directory);

        project.EntryPoint("train.py").Command.Should().Be("python train.py");
        project.EntryPoint("go.sh").Command.Should().Be("bash go.sh");
        Directory.Delete(directory, recursive: true);
    }

    [Test]
    public void The_shipped_wine_project_declares_the_tutorials_parameters()
    {
        var project = MlProject.Load(RepositoryPath("examples", "wine"));

        var main = project.EntryPoint("main");
        main.Parameters.Select(p => (p.Name, p.Type, p.Default)).Should().Contain([("alpha", "float", "0.5"), ("l1_ratio", "float", "0.1")]);
        main.Command.Should().Contain("train").And.Contain("{alpha}").And.Contain("{l1_ratio}").And.Contain("{data}");
    }

    internal static string RepositoryPath(params string[] parts)
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MlTrack.sln")))
        {
            directory = directory.Parent;
        }
        return Path.Combine([directory?.FullName ?? throw new InvalidOperationException("Not inside the repository."), .. parts]);
    }
}
