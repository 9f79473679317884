using MlTrack.Server.Search;

namespace MlTrack.Server.Tests.Search;

/// <summary>
/// Filters MLflow 2.12.2 accepts for runs/search, with the clauses they mean. Expected values were
/// checked against MLflow's own SearchUtils.parse_search_filter plus its SQL store's checks.
/// </summary>
public class RunFilterValidTests
{
    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("\t\n")]
    public void Blank_filter_has_no_clause(string? filter) =>
        RunSearchSyntax.ParseFilter(filter).Should().BeEmpty();

    // Entities and their aliases.
    [TestCase("metrics.acc > 0.5", "Metric:acc > 0.5")]
    [TestCase("metric.acc > 0.5", "Metric:acc > 0.5")]
    [TestCase("params.lr = '0.1'", "Param:lr = '0.1'")]
    [TestCase("param.lr = '0.1'", "Param:lr = '0.1'")]
    [TestCase("parameter.lr = '0.1'", "Param:lr = '0.1'")]
    [TestCase("parameters.lr = '0.1'", "Param:lr = '0.1'")]
    [TestCase("tags.team = 'ml'", "Tag:team = 'ml'")]
    [TestCase("tag.team = 'ml'", "Tag:team = 'ml'")]
    [TestCase("attributes.status = 'FINISHED'", "Attribute:status = 'FINISHED'")]
    [TestCase("attribute.status = 'FINISHED'", "Attribute:status = 'FINISHED'")]
    [TestCase("attr.status = 'FINISHED'", "Attribute:status = 'FINISHED'")]
    [TestCase("run.status = 'FINISHED'", "Attribute:status = 'FINISHED'")]
    [TestCase("status = 'FINISHED'", "Attribute:status = 'FINISHED'")]
    [TestCase("dataset.name = 'ds'", "Dataset:name = 'ds'")]
    [TestCase("datasets.digest = 'abc'", "Dataset:digest = 'abc'")]
    [TestCase("`metrics`.acc > 1", "Metric:acc > 1")]
    public void Entity_prefixes_and_aliases(string filter, string expected) =>
        Parse(filter).Should().Be(expected);

    // Keys: split at the first dot, quoted with backticks, double or single quotes, case kept.
    [TestCase("tags.mlflow.runName = 'x'", "Tag:mlflow.runName = 'x'")]
    [TestCase("tags.`mlflow.runName` = 'x'", "Tag:mlflow.runName = 'x'")]
    [TestCase("tags.\"mlflow.runName\" = 'x'", "Tag:mlflow.runName = 'x'")]
    [TestCase("metrics.`my-metric` > 1", "Metric:my-metric > 1")]
    [TestCase("metrics.\"my metric\" > 1", "Metric:my metric > 1")]
    [TestCase("metrics.'my metric' > 1", "Metric:my metric > 1")]
    [TestCase("metrics.a.b > 1", "Metric:a.b > 1")]
    [TestCase("params.`a b` = 'x'", "Param:a b = 'x'")]
    [TestCase("params.1a = 'x'", "Param:1a = 'x'")]
    [TestCase("params.Select = 'x'", "Param:Select = 'x'")]
    [TestCase("tags.ACC = 'x'", "Tag:ACC = 'x'")]
    [TestCase("params.ünï = 'x'", "Param:ünï = 'x'")]
    public void Keys(string filter, string expected) => Parse(filter).Should().Be(expected);

    // Attribute keys and their aliases, made canonical.
    [TestCase("run_id = 'abc'", "Attribute:run_id = 'abc'")]
    [TestCase("run_name = 'x'", "Attribute:run_name = 'x'")]
    [TestCase("user_id ILIKE 'bob'", "Attribute:user_id ILIKE 'bob'")]
    [TestCase("artifact_uri LIKE 's3://%'", "Attribute:artifact_uri LIKE 's3://%'")]
    [TestCase("start_time >= 1700000000000", "Attribute:start_time >= 1700000000000")]
    [TestCase("end_time <= 100", "Attribute:end_time <= 100")]
    [TestCase("created > 5", "Attribute:start_time > 5")]
    [TestCase("Created > 5", "Attribute:start_time > 5")]
    [TestCase("attributes.created >= 5", "Attribute:start_time >= 5")]
    [TestCase("`run name` = 'x'", "Attribute:run_name = 'x'")]
    [TestCase("\"Run name\" = 'x'", "Attribute:run_name = 'x'")]
    [TestCase("attributes.`Run Name` = 'x'", "Attribute:run_name = 'x'")]
    [TestCase("attribute.`run_id` = 'a'", "Attribute:run_id = 'a'")]
    [TestCase("`run_id` = 'a'", "Attribute:run_id = 'a'")]
    public void Attribute_keys_are_canonical(string filter, string expected) => Parse(filter).Should().Be(expected);

    // Operators by entity, keywords in any case.
    [TestCase("metrics.a = 1", "Metric:a = 1")]
    [TestCase("metrics.a != 1", "Metric:a != 1")]
    [TestCase("metrics.a < 1", "Metric:a < 1")]
    [TestCase("metrics.a <= 1", "Metric:a <= 1")]
    [TestCase("metrics.a>1", "Metric:a > 1")]
    [TestCase("metrics.a >= 1", "Metric:a >= 1")]
    [TestCase("params.a != 'x'", "Param:a != 'x'")]
    [TestCase("params.a LIKE 'x%'", "Param:a LIKE 'x%'")]
    [TestCase("params.a like 'x%'", "Param:a LIKE 'x%'")]
    [TestCase("params.a ilike 'x'", "Param:a ILIKE 'x'")]
    [TestCase("tags.a ILIKE '%x'", "Tag:a ILIKE '%x'")]
    [TestCase("run_name LIKE 'x%'", "Attribute:run_name LIKE 'x%'")]
    [TestCase("status != 'FAILED'", "Attribute:status != 'FAILED'")]
    [TestCase("start_time != 0", "Attribute:start_time != 0")]
    [TestCase("dataset.digest LIKE 'ab%'", "Dataset:digest LIKE 'ab%'")]
    [TestCase("dataset.context ILIKE 'TRAIN'", "Dataset:context ILIKE 'TRAIN'")]
    public void Operators(string filter, string expected) => Parse(filter).Should().Be(expected);

    // Numbers: negative, float, exponent; strings: single or double quotes, taken verbatim.
    [TestCase("metrics.a > -1", "Metric:a > -1")]
    [TestCase("metrics.a = -1.5e-3", "Metric:a = -0.0015")]
    [TestCase("metrics.a > 1e-3", "Metric:a > 0.001")]
    [TestCase("metrics.a > 1E3", "Metric:a > 1000")]
    [TestCase("metrics.a > .5", "Metric:a > 0.5")]
    [TestCase("metrics.a = -.5", "Metric:a = -0.5")]
    [TestCase("metrics.a > 5.", "Metric:a > 5")]
    [TestCase("metrics.a = 00012", "Metric:a = 12")]
    [TestCase("end_time <= 1.5", "Attribute:end_time <= 1.5")]
    [TestCase("params.a = \"x\"", "Param:a = 'x'")]
    [TestCase("params.a = ''", "Param:a = ''")]
    [TestCase("params.a = \"it's\"", "Param:a = 'it's'")]
    [TestCase("params.a = 'it''s'", "Param:a = 'it''s'")]
    [TestCase("params.a = ' spaced '", "Param:a = ' spaced '")]
    [TestCase("params.a = 'ünï'", "Param:a = 'ünï'")]
    [TestCase("dataset.context = \"train\"", "Dataset:context = 'train'")]
    public void Values(string filter, string expected) => Parse(filter).Should().Be(expected);

    // IN / NOT IN lists: run_id and dataset keys; values not all lower case are dropped (as MLflow).
    [TestCase("run_id IN ('abc')", "Attribute:run_id IN ('abc')")]
    [TestCase("attributes.run_id IN ('abc', 'def')", "Attribute:run_id IN ('abc', 'def')")]
    [TestCase("run.run_id NOT IN ('abc')", "Attribute:run_id NOT IN ('abc')")]
    [TestCase("run_id not in ('a','b')", "Attribute:run_id NOT IN ('a', 'b')")]
    [TestCase("run_id IN ('a','B','c1')", "Attribute:run_id IN ('a', 'c1')")]
    [TestCase("run_id IN ('ABC')", "Attribute:run_id IN ()")]
    [TestCase("run_id IN ('123abc', '123')", "Attribute:run_id IN ('123abc')")]
    [TestCase("run_id IN ('a' , 'b')", "Attribute:run_id IN ('a', 'b')")]
    [TestCase("run_id IN ('a','b',)", "Attribute:run_id IN ('a', 'b')")]
    [TestCase("run_id IN ('it''s', 'x')", "Attribute:run_id IN ('its', 'x')")]
    [TestCase("run_id IN ('a\\'b', 'c')", "Attribute:run_id IN ('a'b', 'c')")]
    [TestCase("datasets.name IN ('a', 'b')", "Dataset:name IN ('a', 'b')")]
    [TestCase("dataset.digest NOT IN ('ABC', 'abc')", "Dataset:digest NOT IN ('abc')")]
    [TestCase("dataset.context IN ('train','eval')", "Dataset:context IN ('train', 'eval')")]
    public void Lists(string filter, string expected) => Parse(filter).Should().Be(expected);

    // AND in any case; MLflow also tolerates stray ANDs and even a missing one.
    [TestCase("params.a = 'x' and params.b = 'y' And params.c = 'z'", "Param:a = 'x' AND Param:b = 'y' AND Param:c = 'z'")]
    [TestCase("metrics.a > 1 AND metrics.a < 2", "Metric:a > 1 AND Metric:a < 2")]
    [TestCase("metrics.a > 1 AND", "Metric:a > 1")]
    [TestCase("AND metrics.a > 1", "Metric:a > 1")]
    [TestCase("params.a = 'x' and and params.b = 'y'", "Param:a = 'x' AND Param:b = 'y'")]
    [TestCase("metrics.a > 1 metrics.b > 2", "Metric:a > 1 AND Metric:b > 2")]
    [TestCase("  metrics.a > 1  ", "Metric:a > 1")]
    [TestCase("status = 'RUNNING' AND run_name = 'x' AND start_time > 0",
        "Attribute:status = 'RUNNING' AND Attribute:run_name = 'x' AND Attribute:start_time > 0")]
    [TestCase("params.a = 'x' AND metrics.b > 1 AND tags.c = 'y' AND dataset.name = 'd'",
        "Param:a = 'x' AND Metric:b > 1 AND Tag:c = 'y' AND Dataset:name = 'd'")]
    public void Conjunctions(string filter, string expected) => Parse(filter).Should().Be(expected);

    [Test]
    public void Clause_records_carry_typed_values()
    {
        RunSearchSyntax.ParseFilter("metrics.acc >= 0.9 AND tags.mlflow.runName = 'r1' AND run_id IN ('a1', 'b2')")
            .Should().SatisfyRespectively(
                c => c.Should().Be(new FilterClause(EntityType.Metric, "acc", ComparisonOperator.GreaterOrEqual, new NumberValue(0.9))),
                c => c.Should().Be(new FilterClause(EntityType.Tag, "mlflow.runName", ComparisonOperator.Equal, new StringValue("r1"))),
                c =>
                {
                    c.Operator.Should().Be(ComparisonOperator.In);
                    c.Value.Should().BeOfType<StringListValue>().Which.Values.Should().Equal("a1", "b2");
                });
    }

    private static string Parse(string filter) => SearchRender.Clauses(RunSearchSyntax.ParseFilter(filter));
}
