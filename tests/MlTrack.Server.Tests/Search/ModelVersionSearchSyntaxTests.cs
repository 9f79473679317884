using MlTrack.Server.Search;

namespace MlTrack.Server.Tests.Search;

/// <summary>model-versions/search filter and order_by, checked against MLflow 2.12.2's SearchModelVersionUtils and SQL store.</summary>
public class ModelVersionSearchSyntaxTests
{
    [TestCase(null)]
    [TestCase("")]
    public void Blank_filter_has_no_clause(string? filter) => ModelVersionSearchSyntax.ParseFilter(filter).Should().BeEmpty();

    [TestCase("name = 'a'", "Attribute:name = 'a'")]
    [TestCase("name LIKE 'a%'", "Attribute:name LIKE 'a%'")]
    [TestCase("name != \"a\"", "Attribute:name != 'a'")]
    [TestCase("version_number = 3", "Attribute:version_number = 3")]
    [TestCase("version_number > 1.5", "Attribute:version_number > 1.5")]
    [TestCase("version_number <= -1", "Attribute:version_number <= -1")]
    [TestCase("version_number = '3'", "Attribute:version_number = 3")] // MLflow lets SQL compare it as a number
    [TestCase("attribute.version_number = 1", "Attribute:version_number = 1")]
    [TestCase("run_id = 'abc'", "Attribute:run_id = 'abc'")]
    [TestCase("run_id IN ('abc', 'DEF', 'a1')", "Attribute:run_id IN ('abc', 'a1')")]
    [TestCase("run_id in ('a')", "Attribute:run_id IN ('a')")]
    [TestCase("source_path = 's3://x'", "Attribute:source_path = 's3://x'")]
    [TestCase("source_path LIKE '%x'", "Attribute:source_path LIKE '%x'")]
    [TestCase("tags.a = 'b'", "Tag:a = 'b'")]
    [TestCase("name = 'a' AND version_number = 1 AND tags.t = 'v'",
        "Attribute:name = 'a' AND Attribute:version_number = 1 AND Tag:t = 'v'")]
    public void Valid_filter(string filter, string expected) =>
        SearchRender.Clauses(ModelVersionSearchSyntax.ParseFilter(filter)).Should().Be(expected);

    [TestCase("name = 'a' OR version_number = 1", "Invalid clause(s) in filter string: OR")]
    [TestCase("attributes.version_number = 1", "Invalid entity type 'attributes'. Valid entity types are ('attribute', 'tag', 'tags')")]
    [TestCase("source = 'x'", "Invalid attribute key 'source' specified. Valid keys are '{")]
    [TestCase("creation_timestamp > 1", "Invalid attribute key 'creation_timestamp' specified.")]
    [TestCase("name = 3", "Only the '{")]
    [TestCase("run_id = 3", "Only the '{")]
    [TestCase("version_number = 'three'", "Expected numeric value type for numeric attribute: version_number. Found 'three'")]
    [TestCase("version_number IN (3)", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [TestCase("name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [TestCase("source_path IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [TestCase("run_id IN ()", "expected a non-empty list of string values, but got empty list")]
    [TestCase("run_id IN (1, 2)", "but got different type in list: (1, 2)")]
    [TestCase("tags.a = 3", "Expected a quoted string value for tag (e.g. 'my-value'). Got value 3")]
    [TestCase("version_number LIKE 3", "Invalid comparator for attribute version_number: LIKE")]
    [TestCase("run_id NOT IN ('a')", "Invalid comparator for attribute: NOT IN")]
    [TestCase("name > 'a'", "Invalid comparator for attribute: >")]
    [TestCase("tags.a > 'b'", "Invalid comparator for tag: >")]
    public void Invalid_filter(string filter, string message)
    {
        var act = () => ModelVersionSearchSyntax.ParseFilter(filter);
        act.Should().Throw<FilterSyntaxException>().Which.Message.Should().Contain(message);
    }

    [TestCase("name", "Attribute:name ASC")]
    [TestCase("version_number DESC", "Attribute:version_number DESC")]
    [TestCase("creation_timestamp ASC", "Attribute:creation_timestamp ASC")]
    [TestCase("last_updated_timestamp DESC", "Attribute:last_updated_timestamp DESC")]
    [TestCase("attribute.name", "Attribute:name ASC")]
    public void Valid_order_by(string entry, string expected) =>
        SearchRender.Terms(ModelVersionSearchSyntax.ParseOrderBy([entry])).Should().Be(expected);

    [Test]
    public void Default_order_parses() =>
        SearchRender.Terms(ModelVersionSearchSyntax.ParseOrderBy(["last_updated_timestamp DESC", "name ASC", "version_number DESC"]))
            .Should().Be("Attribute:last_updated_timestamp DESC, Attribute:name ASC, Attribute:version_number DESC");

    [TestCase("timestamp", "Invalid attribute key 'timestamp' specified. Valid keys are '{")]
    [TestCase("run_id", "Invalid attribute key 'run_id' specified.")]
    [TestCase("metrics.a", "Invalid entity type 'metrics'. Valid entity types are ('attribute', 'tag', 'tags')")]
    [TestCase("tags.foo", "Invalid order_by entity: tag")] // MLflow would order by an attribute named like the tag
    [TestCase("name DESC NULLS LAST", "Invalid order_by clause 'name DESC NULLS LAST'. Could not be parsed.")]
    public void Invalid_order_by(string entry, string message)
    {
        var act = () => ModelVersionSearchSyntax.ParseOrderBy([entry]);
        act.Should().Throw<FilterSyntaxException>().Which.Message.Should().StartWith(message);
    }

    [Test]
    public void Repeated_order_key()
    {
        var act = () => ModelVersionSearchSyntax.ParseOrderBy(["name", "name DESC"]);
        act.Should().Throw<FilterSyntaxException>()
            .Which.Message.Should().Be("`order_by` contains duplicate fields: ['name', 'name DESC']");
    }
}
