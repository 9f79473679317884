using MlTrack.Server.Search;

namespace MlTrack.Server.Tests.Search;

/// <summary>registered-models/search filter and order_by, checked against MLflow 2.12.2's SearchModelUtils and SQL store.</summary>
public class RegisteredModelSearchSyntaxTests
{
    [TestCase(null)]
    [TestCase(" ")]
    public void Blank_filter_has_no_clause(string? filter) => RegisteredModelSearchSyntax.ParseFilter(filter).Should().BeEmpty();

    [TestCase("name = 'a'", "Attribute:name = 'a'")]
    [TestCase("name != 'a'", "Attribute:name != 'a'")]
    [TestCase("name LIKE '%a%'", "Attribute:name LIKE '%a%'")]
    [TestCase("name ilike '%a%'", "Attribute:name ILIKE '%a%'")]
    [TestCase("name = \"a\"", "Attribute:name = 'a'")]
    [TestCase("attribute.name = 'a'", "Attribute:name = 'a'")]
    [TestCase("tags.a = 'b'", "Tag:a = 'b'")]
    [TestCase("tag.a LIKE 'b%'", "Tag:a LIKE 'b%'")]
    [TestCase("tags.`a b` = 'b'", "Tag:a b = 'b'")]
    [TestCase("tags.\"a\" = 'b'", "Tag:a = 'b'")]
    [TestCase("name = 'a' AND tags.t = 'v'", "Attribute:name = 'a' AND Tag:t = 'v'")]
    [TestCase("name = 'a' AND", "Attribute:name = 'a'")]
    public void Valid_filter(string filter, string expected) =>
        SearchRender.Clauses(RegisteredModelSearchSyntax.ParseFilter(filter)).Should().Be(expected);

    [TestCase("name = 'a' OR name = 'b'", "Invalid clause(s) in filter string: OR")]
    [TestCase("metric.a = 'a'", "Invalid entity type 'metric'. Valid entity types are ('attribute', 'tag', 'tags')")]
    [TestCase("attributes.name = 'a'", "Invalid entity type 'attributes'.")]
    [TestCase("run_id = 'a'", "Invalid attribute key 'run_id' specified. Valid keys are '{'name'}'")]
    [TestCase("`name` = 'a'", "Invalid attribute key '`name`' specified.")] // the registry checks the key before unquoting
    [TestCase("name = 1", "Expected a quoted string value or a list of quoted string values for attributes. Got value 1")]
    [TestCase("name = x", "Parameter value is either not quoted or unidentified quote types used for string value x.")]
    [TestCase("name IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [TestCase("tags.a = 1", "Expected a quoted string value for tag (e.g. 'my-value'). Got value 1")]
    [TestCase("name > 'a'", "Invalid comparator for attribute: >")]
    [TestCase("name NOT LIKE 'a'", "Invalid comparator for attribute: NOT LIKE")]
    [TestCase("tags.a > 'b'", "Invalid comparator for tag: >")]
    public void Invalid_filter(string filter, string message)
    {
        var act = () => RegisteredModelSearchSyntax.ParseFilter(filter);
        act.Should().Throw<FilterSyntaxException>().Which.Message.Should().StartWith(message);
    }

    // Both timestamp keys order by the last update, so both come back as last_updated_timestamp.
    [TestCase("name", "Attribute:name ASC")]
    [TestCase("name DESC", "Attribute:name DESC")]
    [TestCase("timestamp DESC", "Attribute:last_updated_timestamp DESC")]
    [TestCase("last_updated_timestamp ASC", "Attribute:last_updated_timestamp ASC")]
    public void Valid_order_by(string entry, string expected) =>
        SearchRender.Terms(RegisteredModelSearchSyntax.ParseOrderBy([entry])).Should().Be(expected);

    [TestCase("creation_timestamp", "Invalid order by key 'creation_timestamp' specified. Valid keys are '{")]
    [TestCase("attribute.name", "Invalid order by key 'attribute.name' specified.")]
    [TestCase("tags.foo", "Invalid order by key 'tags.foo' specified.")]
    [TestCase("foo", "Invalid order by key 'foo' specified.")]
    [TestCase("name sideways", "Invalid ordering key in order_by clause 'name sideways'.")]
    [TestCase("", "Invalid order_by clause ''. Could not be parsed.")]
    public void Invalid_order_by(string entry, string message)
    {
        var act = () => RegisteredModelSearchSyntax.ParseOrderBy([entry]);
        act.Should().Throw<FilterSyntaxException>().Which.Message.Should().StartWith(message);
    }

    [TestCase("name", "name DESC")]
    [TestCase("timestamp", "last_updated_timestamp")]
    public void Repeated_order_key(string first, string second)
    {
        var act = () => RegisteredModelSearchSyntax.ParseOrderBy([first, second]);
        act.Should().Throw<FilterSyntaxException>()
            .Which.Message.Should().Be($"`order_by` contains duplicate fields: ['{first}', '{second}']");
    }

    [Test]
    public void Order_by_keeps_entry_order() =>
        SearchRender.Terms(RegisteredModelSearchSyntax.ParseOrderBy(["timestamp DESC", "name"]))
            .Should().Be("Attribute:last_updated_timestamp DESC, Attribute:name ASC");
}
