using MlTrack.Client.Internal;

namespace MlTrack.Client.Tests;

/// <summary>How queued items become log-batch requests (MLflow's limits: 1000 metrics, 100 params, 100 tags, 1000 in all).</summary>
public sealed class BatchSplitterTests
{
    [TestCase(1000, 0, 0, new[] { 1000 })]
    [TestCase(1001, 0, 0, new[] { 1000, 1 })]
    [TestCase(0, 101, 0, new[] { 100, 1 })]
    [TestCase(0, 0, 250, new[] { 100, 100, 50 })]
    [TestCase(900, 100, 0, new[] { 1000 })]
    [TestCase(900, 100, 1, new[] { 1000, 1 })]
    [TestCase(2500, 0, 0, new[] { 1000, 1000, 500 })]
    public void CutsAtTheLimits(int metrics, int parameters, int tags, int[] expected)
    {
        var items = Enumerable.Range(0, metrics).Select(i => (object)new Metric("m", i, 0, i))
            .Concat(Enumerable.Range(0, parameters).Select(i => (object)new Param($"p{i}", "v")))
            .Concat(Enumerable.Range(0, tags).Select(i => (object)new Tag($"t{i}", "v")))
            .ToList();

        BatchSplitter.Split(items).Select(c => c.Count).Should().Equal(expected);
    }

    [Test]
    public void StartsANewRequestWhenAParamKeyRepeats()
    {
        object[] items = [new Param("a", "1"), new Metric("m", 1, 0), new Param("a", "1"), new Param("b", "2")];

        var chunks = BatchSplitter.Split(items).ToList();

        chunks.Select(c => c.Params.Select(p => p.Key)).Should().BeEquivalentTo(new[] { new[] { "a" }, new[] { "a", "b" } }, o => o.WithStrictOrdering());
        chunks[0].Metrics.Should().ContainSingle();
    }

    [Test]
    public void KeepsTheOrderOfEachKindAcrossRequests()
    {
        var items = Enumerable.Range(0, 3000).Select(i => i % 3 == 0 ? (object)new Tag($"t{i % 7}", $"{i}") : new Metric("m", i, 0, i)).ToList();

        var chunks = BatchSplitter.Split(items).ToList();

        chunks.SelectMany(c => c.Metrics).Select(m => m.Step).Should().BeInAscendingOrder().And.HaveCount(2000);
        chunks.SelectMany(c => c.Tags).Select(t => int.Parse(t.Value, System.Globalization.CultureInfo.InvariantCulture)).Should().BeInAscendingOrder();
        chunks.Should().OnlyContain(c => c.Tags.Count <= 100 && c.Count <= 1000);
    }
}
