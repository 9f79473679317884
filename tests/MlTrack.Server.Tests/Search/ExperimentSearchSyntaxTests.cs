using MlTrack.Server.Search;

namespace MlTrack.Server.Tests.Search;

/// <summary>experiments/search filter and order_by, checked against MLflow 2.12.2's SearchExperimentsUtils.</summary>
public class ExperimentSearchSyntaxTests
{
    [TestCase(null)]
    [TestCase("")]
    [TestCase("  ")]
    public void Blank_filter_has_no_clause(string? filter) => ExperimentSearchSyntax.ParseFilter(filter).Should().BeEmpty();

    [TestCase("name = 'a'", "Attribute:name = 'a'")]
    [TestCase("name = \"a\"", "Attribute:name = 'a'")]
    [TestCase("name != 'a'", "Attribute:name != 'a'")]
    [TestCase("name LIKE 'a%'", "Attribute:name LIKE 'a%'")]
    [TestCase("name ILIKE 'A%'", "Attribute:name ILIKE 'A%'")]
    [TestCase("name like 'a%'", "Attribute:name LIKE 'a%'")] // MLflow refuses lower-case here only; we accept it
    [TestCase("attribute.name = 'a'", "Attribute:name = 'a'")]
    [TestCase("`name` = 'a'", "Attribute:name = 'a'")]
    [TestCase("\"name\" = 'a'", "Attribute:name = 'a'")]
    [TestCase("creation_time > 5", "Attribute:creation_time > 5")]
    [TestCase("creation_time >= 5 AND last_update_time < 10", "Attribute:creation_time >= 5 AND Attribute:last_update_time < 10")]
    [TestCase("last_update_time = 1.5", "Attribute:last_update_time = 1.5")]
    [TestCase("last_update_time != -1", "Attribute:last_update_time != -1")]
    [TestCase("tags.a = 'b'", "Tag:a = 'b'")]
    [TestCase("tag.a != 'b'", "Tag:a != 'b'")]
    [TestCase("tags.`a b` = 'b'", "Tag:a b = 'b'")]
    [TestCase("tags.\"a.b\" LIKE '%b'", "Tag:a.b LIKE '%b'")]
    [TestCase("tags.a.b ILIKE 'c'", "Tag:a.b ILIKE 'c'")]
    [TestCase("name = 'a' and tags.x = 'y' AND creation_time > 0",
        "Attribute:name = 'a' AND Tag:x = 'y' AND Attribute:creation_time > 0")]
    public void Valid_filter(string filter, string expected) =>
        SearchRender.Clauses(ExperimentSearchSyntax.ParseFilter(filter)).Should().Be(expected);

    // The experiment variant prints invalid clauses without quotes.
    [TestCase("name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: OR")]
    [TestCase("name = 'a' AND (name = 'b')", "Invalid clause(s) in filter string: (name = 'b')")]
    [TestCase("name", "Invalid clause(s) in filter string: name")]
    [TestCase("name = 'a'; name = 'b'", "Search filter contained multiple expression 'name = 'a'; name = 'b''.")]
    [TestCase("metrics.a > 1", "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')")]
    [TestCase("attributes.name = 'a'", "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')")]
    [TestCase("attr.name = 'a'", "Invalid entity type 'attr'.")]
    [TestCase("`attribute`.name = 'a'", "Invalid entity type '`attribute`'.")]
    [TestCase("experiment_id = '1'", "Invalid attribute key 'experiment_id' specified. Valid keys are '{")]
    [TestCase("lifecycle_stage = 'active'", "Invalid attribute key 'lifecycle_stage' specified.")]
    [TestCase("creation_time = '5'", "Expected numeric value type for numeric attribute: creation_time. Found '5'")]
    [TestCase("creation_time IN (5)", "Expected numeric value type for numeric attribute: creation_time. Found (5)")]
    [TestCase("name = 1", "Expected a quoted string value for attributes. Got value 1")]
    [TestCase("name = x", "Parameter value is either not quoted or unidentified quote types used for string value x.")]
    [TestCase("name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [TestCase("name NOT IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [TestCase("tags.a = 1", "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1")]
    [TestCase("tags.a IN ('a')", "Expected a quoted string value for tag (e.g. 'my-value'). Got value ('a')")]
    [TestCase("name > 'a'", "Invalid comparator '>' not one of '{")]
    [TestCase("creation_time LIKE 5", "Invalid comparator 'LIKE' not one of '{")]
    [TestCase("tags.a > 'b'", "Invalid comparator for tag: >")]
    [TestCase("tags.a NOT LIKE 'b'", "Invalid comparator for tag: NOT LIKE")]
    public void Invalid_filter(string filter, string message)
    {
        var act = () => ExperimentSearchSyntax.ParseFilter(filter);
        act.Should().Throw<FilterSyntaxException>().Which.Message.Should().StartWith(message);
    }

    [TestCase("name", "Attribute:name ASC")]
    [TestCase("name DESC", "Attribute:name DESC")]
    [TestCase("experiment_id ASC", "Attribute:experiment_id ASC")]
    [TestCase("creation_time DESC", "Attribute:creation_time DESC")]
    [TestCase("last_update_time", "Attribute:last_update_time ASC")]
    [TestCase("attribute.name", "Attribute:name ASC")]
    [TestCase("`name` DESC", "Attribute:name DESC")]
    public void Valid_order_by(string entry, string expected) =>
        SearchRender.Terms(ExperimentSearchSyntax.ParseOrderBy([entry])).Should().Be(expected);

    [Test]
    public void Order_by_allows_a_repeated_key_as_mlflow_does() =>
        SearchRender.Terms(ExperimentSearchSyntax.ParseOrderBy(["name", "name DESC", "experiment_id"]))
            .Should().Be("Attribute:name ASC, Attribute:name DESC, Attribute:experiment_id ASC");

    [TestCase("tags.foo", "Invalid order_by entity: tag")]
    [TestCase("metrics.a", "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')")]
    [TestCase("attributes.name", "Invalid entity type 'attributes'.")]
    [TestCase("foo", "Invalid attribute key 'foo' specified. Valid keys are '{")]
    [TestCase("lifecycle_stage", "Invalid attribute key 'lifecycle_stage' specified.")]
    [TestCase("name sideways", "Invalid ordering key in order_by clause 'name sideways'.")]
    [TestCase("name DESC, experiment_id", "Invalid order_by clause 'name DESC, experiment_id'. Could not be parsed.")]
    public void Invalid_order_by(string entry, string message)
    {
        var act = () => ExperimentSearchSyntax.ParseOrderBy([entry]);
        act.Should().Throw<FilterSyntaxException>().Which.Message.Should().StartWith(message);
    }
}
