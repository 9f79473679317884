using MlTrack.Server.Search;

namespace MlTrack.Server.Tests.Search;

/// <summary>
/// Filters MLflow 2.12.2 refuses for runs/search, with (part of) the message it gives. Messages that
/// print a Python set are matched only up to the set, whose order Python does not fix.
/// </summary>
public class RunFilterInvalidTests
{
    // Statement shape: only comparisons joined by AND.
    [TestCase("metrics.acc > 0.5 OR metrics.acc < 0.1", "Invalid clause(s) in filter string: 'OR'")]
    [TestCase("metrics.acc > 0.5 or metrics.acc < 0.1", "Invalid clause(s) in filter string: 'or'")]
    [TestCase("params.a = 'x' OR", "Invalid clause(s) in filter string: 'OR'")]
    [TestCase("(metrics.a > 1)", "Invalid clause(s) in filter string: '(metrics.a > 1)'")]
    [TestCase("metrics.a > 1 AND (metrics.b > 1)", "Invalid clause(s) in filter string: '(metrics.b > 1)'")]
    [TestCase("NOT metrics.a > 1", "Invalid clause(s) in filter string: 'NOT'")]
    [TestCase("metrics.a > 1 AND NOT metrics.b > 1", "Invalid clause(s) in filter string: 'NOT'")]
    [TestCase("metrics.a > 1;", "Invalid clause(s) in filter string: ';'")]
    [TestCase("metrics.a", "Invalid clause(s) in filter string: 'metrics.a'")]
    [TestCase("metrics.a >", "Invalid clause(s) in filter string: 'metrics.a', '>'")]
    [TestCase("metrics.a > 1 AND metrics.b > 2 AND metrics.c", "Invalid clause(s) in filter string: 'metrics.c'")]
    [TestCase("metrics.acc > - 1", "Invalid clause(s) in filter string: 'metrics.acc', '>', '-', '1'")]
    [TestCase("metrics.acc > +5", "Invalid clause(s) in filter string: 'metrics.acc', '>', '+', '5'")]
    [TestCase("run_id IN 'abc'", "Invalid clause(s) in filter string: 'run_id', 'IN', ''abc''")]
    [TestCase("run_id IN ('a'", "Invalid clause(s) in filter string: 'run_id', 'IN', '(', ''a''")]
    [TestCase("params.a = 'unterminated", "Invalid clause(s) in filter string: 'params.a', '=', ''', 'unterminated'")]
    [TestCase("params.a = \"unterminated", "Invalid clause(s) in filter string: 'params.a', '=', '\"', 'unterminated'")]
    [TestCase("params.a is null", "Invalid clause(s) in filter string: 'params.a', 'is', 'null'")]
    [TestCase("params.a LIKE", "Invalid clause(s) in filter string: 'params.a', 'LIKE'")]
    [TestCase("params.a b = 'x'", "Invalid clause(s) in filter string: 'params.a'")]
    [TestCase("metrics.a = TRUE", "Invalid clause(s) in filter string: 'metrics.a', '=', 'TRUE'")]
    [TestCase("metrics.a > 1 -- comment", "Invalid clause(s) in filter string: '-- comment'")]
    [TestCase("metrics.a > 1 /* c */", "Invalid clause(s) in filter string: '/* c */'")]
    [TestCase("metrics.a > 1 AND metrics.b > 2)", "Invalid clause(s) in filter string: ')'")]
    [TestCase("metrics.`a`b > 1", "Invalid clause(s) in filter string: 'metrics.`a`'")]
    [TestCase("OR", "Invalid clause(s) in filter string: 'OR'")]
    [TestCase("metrics.a > 1; metrics.b > 2",
        "Search filter contained multiple expression 'metrics.a > 1; metrics.b > 2'. Provide AND-ed expression list.")]
    [TestCase("metrics.a > 1;;", "Search filter contained multiple expression 'metrics.a > 1;;'.")]
    [TestCase("'a' = 'b'", "Invalid comparison clause. Expected 'Identifier' found ''a''")]
    [TestCase("1 = metrics.a", "Invalid comparison clause. Expected 'Identifier' found '1'")]
    public void Statement_errors(string filter, string message) => Message(filter).Should().StartWith(message);

    // Identifiers: entity prefixes, attribute and dataset keys.
    [TestCase("foo.a > 1", "Invalid entity type 'foo'. Valid values are ['metric', 'parameter', 'tag', 'attribute', 'dataset']")]
    [TestCase("\"metrics\".a > 1", "Invalid entity type '\"metrics\"'.")]
    [TestCase("`metrics.a` > 1", "Invalid entity type '`metrics'.")]
    [TestCase("attributes.foo = 'a'", "Invalid attribute key 'foo' specified. Valid keys are '{")]
    [TestCase("foo = 'a'", "Invalid attribute key 'foo' specified.")]
    [TestCase("lifecycle_stage = 'active'", "Invalid attribute key 'lifecycle_stage' specified.")]
    [TestCase("experiment_id = '1'", "Invalid attribute key 'experiment_id' specified.")]
    [TestCase("metrics > 1", "Invalid attribute key 'metrics' specified.")]
    [TestCase("RUN_ID = 'a'", "Invalid attribute key 'RUN_ID' specified.")]
    [TestCase("datasets.foo = 'x'", "Invalid dataset key 'foo' specified. Valid keys are '{")]
    [TestCase("dataset.source = 'x'", "Invalid dataset key 'source' specified.")]
    public void Identifier_errors(string filter, string message) => Message(filter).Should().StartWith(message);

    // Values: numbers for metrics and times, quoted strings elsewhere, lists for run_id and datasets only.
    [TestCase("metrics.acc = 'x'", "Expected numeric value type for metric. Found 'x'")]
    [TestCase("metrics.acc = \"x\"", "Expected numeric value type for metric. Found \"x\"")]
    [TestCase("metrics.a = NaN", "Expected numeric value type for metric. Found NaN")]
    [TestCase("metrics.a>=1AND metrics.b<2", "Expected numeric value type for metric. Found 1AND")]
    [TestCase("metrics.a IN (1,2)", "Expected numeric value type for metric. Found (1,2)")]
    [TestCase("params.a = x", "Parameter value is either not quoted or unidentified quote types used for string value x. "
        + "Use either single or double quotes.")]
    [TestCase("params.a = `x`", "Parameter value is either not quoted or unidentified quote types used for string value `x`.")]
    [TestCase("params.a = 1", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value 1")]
    [TestCase("params.a = null", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value null")]
    [TestCase("params.a IN ('a')", "Expected a quoted string value for parameter (e.g. 'my-value'). Got value ('a')")]
    [TestCase("tags.a = 5", "Expected a quoted string value for tag (e.g. 'my-value'). Got value 5")]
    [TestCase("start_time = 'x'", "Expected numeric value type for numeric attribute: start_time. Found 'x'")]
    [TestCase("created IN (1)", "Expected numeric value type for numeric attribute: created. Found (1)")]
    [TestCase("status = 1", "Expected a quoted string value for attributes. Got value 1")]
    [TestCase("status IN ('a')", "Only the 'run_id' attribute supports comparison with a list of quoted string values.")]
    [TestCase("dataset.name = 1", "Expected a quoted string value for dataset attributes. Got value 1")]
    [TestCase("metrics.a = 'x' AND foo.b = 1", "Expected numeric value type for metric. Found 'x'")]
    [TestCase("foo.b = 1 AND metrics.a = 'x'", "Invalid entity type 'foo'.")]
    public void Value_errors(string filter, string message) => Message(filter).Should().StartWith(message);

    [TestCase("run_id IN ()", "While parsing a list in the query, expected a non-empty list of string values, but got empty list")]
    [TestCase("run_id IN (1)", "While parsing a list in the query, expected a non-empty list of string values, but got ill-formed list.")]
    [TestCase("run_id IN (\"a\")", "but got ill-formed list.")]
    [TestCase("run_id IN ('a' 'b')", "but got ill-formed list.")]
    [TestCase("run_id IN ('a',)", "but got ill-formed list.")]
    [TestCase("run_id IN (('a'))", "but got ill-formed list.")]
    [TestCase("run_id IN ('a', ('b'))", "but got ill-formed list.")]
    [TestCase("run_id IN ('a' AND 'b')", "but got ill-formed list.")]
    [TestCase("run_id IN (1,2)", "While parsing a list in the query, expected string value, punctuation, or whitespace, "
        + "but got different type in list: (1,2)")]
    [TestCase("run_id IN (\"a\",\"b\")", "but got different type in list: (\"a\",\"b\")")]
    [TestCase("dataset.name IN ('a', b)", "but got different type in list: ('a', b)")]
    public void List_errors(string filter, string message) => Message(filter).Should().Contain(message);

    // Comparators allowed per entity (MLflow's store checks these after parsing every clause).
    [TestCase("metrics.a LIKE 1", "Invalid comparator 'LIKE' not one of '{")]
    [TestCase("metrics.a ilike 1", "Invalid comparator 'ILIKE' not one of '{")]
    [TestCase("metrics.a == 1", "Invalid comparator '==' not one of '{")]
    [TestCase("metrics.a <> 1", "Invalid comparator '<>' not one of '{")]
    [TestCase("metrics.a ! 1", "Invalid comparator '!' not one of '{")]
    [TestCase("params.a > 'x'", "Invalid comparator '>' not one of '{")]
    [TestCase("params.a NOT LIKE 'x'", "Invalid comparator 'NOT LIKE' not one of '{")]
    [TestCase("tags.a < 'x'", "Invalid comparator '<' not one of '{")]
    [TestCase("status > 'a'", "Invalid comparator '>' not one of '{")]
    [TestCase("start_time LIKE 1", "Invalid comparator 'LIKE' not one of '{")]
    [TestCase("dataset.name > 'a'", "Invalid comparator '>' not one of '{")]
    [TestCase("metrics.a LIKE 1 AND foo = 1", "Invalid attribute key 'foo' specified.")]
    public void Comparator_errors(string filter, string message) => Message(filter).Should().StartWith(message);

    // Our one stricter rule: MLflow passes "run_id = ('a')" on to SQL, which then fails.
    [Test]
    public void List_needs_IN_or_NOT_IN() =>
        Message("run_id = ('a')").Should().Be("Invalid comparator '=' for a list of values. Use 'IN' or 'NOT IN'.");

    [Test]
    public void Invalid_clause_message_is_exactly_mlflows() =>
        Message("metrics.acc > 0.5 OR metrics.acc < 0.1").Should().Be("Invalid clause(s) in filter string: 'OR'");

    private static string Message(string filter)
    {
        var act = () => RunSearchSyntax.ParseFilter(filter);
        return act.Should().Throw<FilterSyntaxException>().Which.Message;
    }
}
