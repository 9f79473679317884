using MlTrack.Server.Search;

namespace MlTrack.Server.Tests.Search;

/// <summary>runs/search order_by entries, checked against MLflow 2.12.2's parse_order_by_for_search_runs.</summary>
public class RunOrderByTests
{
    [Test]
    public void No_order_by_has_no_term()
    {
        RunSearchSyntax.ParseOrderBy(null).Should().BeEmpty();
        RunSearchSyntax.ParseOrderBy([]).Should().BeEmpty();
    }

    [TestCase("metrics.a", "Metric:a ASC")]
    [TestCase("metrics.a DESC", "Metric:a DESC")]
    [TestCase("metrics.a desc", "Metric:a DESC")]
    [TestCase("metrics.a Asc", "Metric:a ASC")]
    [TestCase("metric.a ASC", "Metric:a ASC")]
    [TestCase("metrics.`a b` DESC", "Metric:a b DESC")]
    [TestCase("metrics.\"a b\" ASC", "Metric:a b ASC")]
    [TestCase("params.lr", "Param:lr ASC")]
    [TestCase("parameters.lr DESC", "Param:lr DESC")]
    [TestCase("tags.foo", "Tag:foo ASC")]
    [TestCase("tags.mlflow.runName ASC", "Tag:mlflow.runName ASC")]
    [TestCase("tags.`mlflow.runName` DESC", "Tag:mlflow.runName DESC")]
    [TestCase("attributes.start_time DESC", "Attribute:start_time DESC")]
    [TestCase("attr.end_time", "Attribute:end_time ASC")]
    [TestCase("run.status ASC", "Attribute:status ASC")]
    [TestCase("run_name", "Attribute:run_name ASC")]
    [TestCase("run_id", "Attribute:run_id ASC")]
    [TestCase("user_id DESC", "Attribute:user_id DESC")]
    [TestCase("artifact_uri", "Attribute:artifact_uri ASC")]
    [TestCase("created DESC", "Attribute:start_time DESC")]
    [TestCase("Created", "Attribute:start_time ASC")]
    public void Valid_entry(string entry, string expected) =>
        SearchRender.Terms(RunSearchSyntax.ParseOrderBy([entry])).Should().Be(expected);

    [Test]
    public void Entries_keep_their_order() =>
        SearchRender.Terms(RunSearchSyntax.ParseOrderBy(["metrics.a DESC", "params.a", "tags.a ASC", "start_time"]))
            .Should().Be("Metric:a DESC, Param:a ASC, Tag:a ASC, Attribute:start_time ASC");

    [TestCase("", "Invalid order_by clause ''. Could not be parsed.")]
    [TestCase("metrics.a DESC extra", "Invalid order_by clause 'metrics.a DESC extra'. Could not be parsed.")]
    [TestCase("metrics.a ASC DESC", "Invalid order_by clause 'metrics.a ASC DESC'. Could not be parsed.")]
    [TestCase("metrics.a,metrics.b", "Invalid order_by clause 'metrics.a,metrics.b'. Could not be parsed.")]
    [TestCase("metrics.a DESC NULLS LAST", "Invalid order_by clause 'metrics.a DESC NULLS LAST'. Could not be parsed.")]
    [TestCase("(metrics.a)", "Invalid order_by clause '(metrics.a)'. Could not be parsed.")]
    [TestCase("metrics.a; metrics.b", "Invalid order_by clause 'metrics.a; metrics.b'. Could not be parsed.")]
    [TestCase("'metrics.a'", "Invalid order_by clause ''metrics.a''. Could not be parsed.")]
    [TestCase("metrics.a = 1", "Invalid order_by clause 'metrics.a = 1'. Could not be parsed.")]
    [TestCase("  metrics.a   DESC  ", "Invalid order_by clause '  metrics.a   DESC  '. Could not be parsed.")]
    [TestCase("1", "Invalid order_by clause '1'. Could not be parsed.")]
    [TestCase("metrics.a descending", "Invalid ordering key in order_by clause 'metrics.a descending'.")]
    [TestCase("metrics.a NULLS", "Invalid ordering key in order_by clause 'metrics.a NULLS'.")]
    [TestCase("foo.a", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")]
    [TestCase("foo", "Invalid attribute key 'foo' specified. Valid keys are '{")]
    [TestCase("experiment_id", "Invalid attribute key 'experiment_id' specified.")]
    [TestCase("lifecycle_stage", "Invalid attribute key 'lifecycle_stage' specified.")]
    [TestCase("`run name`", "Invalid attribute key 'run name' specified.")]
    [TestCase("datasets.foo", "Invalid dataset key 'foo' specified.")]
    [TestCase("dataset.name", "Invalid identifier type 'dataset'")]
    public void Invalid_entry(string entry, string message) => Message([entry]).Should().StartWith(message);

    // MLflow answers a repeated key with a 500; here it is a FilterSyntaxException (400).
    [TestCase("metrics.a", "metrics.a DESC", "`order_by` contains duplicate fields: ['metrics.a', 'metrics.a DESC']")]
    [TestCase("start_time", "created DESC", "`order_by` contains duplicate fields: ['start_time', 'created DESC']")]
    [TestCase("tags.a", "tag.a", "`order_by` contains duplicate fields: ['tags.a', 'tag.a']")]
    public void Repeated_key(string first, string second, string message) =>
        Message([first, second]).Should().Be(message);

    [Test]
    public void Same_key_under_different_entities_is_not_repeated() =>
        RunSearchSyntax.ParseOrderBy(["metrics.a", "params.a", "tags.a"]).Should().HaveCount(3);

    private static string Message(string[] orderBy)
    {
        var act = () => RunSearchSyntax.ParseOrderBy(orderBy);
        return act.Should().Throw<FilterSyntaxException>().Which.Message;
    }
}
