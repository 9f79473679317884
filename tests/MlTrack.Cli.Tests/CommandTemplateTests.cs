using MlTrack.Cli.Projects;

namespace MlTrack.Cli.Tests;

public sealed class CommandTemplateTests
{
    // The expected values are Python's: shlex.quote(value) for each.
    [TestCase("0.5", "0.5")]
    [TestCase("wine-quality.csv", "wine-quality.csv")]
    [TestCase("/data/a_b@c%d+e=f:g,h", "/data/a_b@c%d+e=f:g,h")]
    [TestCase("", "''")]
    [TestCase("two words", "'two words'")]
    [TestCase("$HOME", "'$HOME'")]
    [TestCase("it's", "'it'\"'\"'s'")]
    [TestCase("a;rm -rf /", "'a;rm -rf /'")]
    [TestCase("é", "'é'")]
    public void Values_are_quoted_as_shlex_quote_does(string value, string expected) =>
        CommandTemplate.Quote(value).Should().Be(expected);

    [Test]
    public void Renders_defaults_given_values_braces_and_extra_parameters()
    {
        var entry = new EntryPoint("main", [new("alpha", "float", "0.5"), new("name", "string", "x")], "run {{literal}} --alpha {alpha} --name {name}");
        var given = new Dictionary<string, string> { ["name"] = "my run", ["extra"] = "1" };

        var values = CommandTemplate.ResolveParameters(entry, given, "/");
        var command = CommandTemplate.Render(entry, values);

        values.Select(p => (p.Key, p.Value)).Should().Equal(("alpha", "0.5"), ("name", "my run"), ("extra", "1"));
        command.Should().Be("run {literal} --alpha 0.5 --name 'my run' --extra 1");
    }

    [Test]
    public void A_parameter_without_default_or_value_is_named()
    {
        var entry = new EntryPoint("main", [new("alpha", "float", null), new("beta", "float", null)], "run {alpha} {beta}");

        var resolve = () => CommandTemplate.ResolveParameters(entry, new Dictionary<string, string>(), "/");

        resolve.Should().Throw<CliException>().WithMessage("No value given for missing parameters: 'alpha', 'beta'");
    }

    [TestCase("float", "abc")]
    [TestCase("int", "1.5")]
    public void Typed_values_are_checked(string type, string value)
    {
        var entry = new EntryPoint("main", [new("p", type, null)], "run {p}");

        var resolve = () => CommandTemplate.ResolveParameters(entry, new Dictionary<string, string> { ["p"] = value }, "/");

        resolve.Should().Throw<CliException>().WithMessage($"*'p'*{type}*'{value}'*");
    }

    [Test]
    public void Path_values_become_absolute_and_must_exist()
    {
        var directory = Directory.CreateTempSubdirectory("template-").FullName;
        File.WriteAllText(Path.Combine(directory, "data.csv"), "a\n1\n");
        var entry = new EntryPoint("main", [new("data", "path", null)], "run {data}");

        var found = CommandTemplate.ResolveParameters(entry, new Dictionary<string, string> { ["data"] = "data.csv" }, directory);
        var missing = () => CommandTemplate.ResolveParameters(entry, new Dictionary<string, string> { ["data"] = "nope.csv" }, directory);

        found.Single().Value.Should().Be(Path.Combine(directory, "data.csv"));
        missing.Should().Throw<CliException>().WithMessage("*nope.csv*no such file or directory*");
        Directory.Delete(directory, recursive: true);
    }

    [TestCase("run {unknown}", "{unknown}")]
    [TestCase("run {alpha", "unclosed")]
    [TestCase("run }", "single '}'")]
    public void Bad_templates_are_refused(string template, string fragment)
    {
        var entry = new EntryPoint("main", [new("alpha", "float", "1")], template);

        var render = () => CommandTemplate.Render(entry, CommandTemplate.ResolveParameters(entry, new Dictionary<string, string>(), "/"));

        render.Should().Throw<CliException>().WithMessage($"*{fragment}*");
    }
}
