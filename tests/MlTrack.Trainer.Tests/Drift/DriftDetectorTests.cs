using MlTrack.Trainer.Drift;
using MlTrack.Trainer.Tests.Support;

namespace MlTrack.Trainer.Tests.Drift;

[TestFixture]
public sealed class DriftDetectorTests
{
    private static readonly DataProfile WineProfile = DataProfile.Of(TestData.WineTable, "quality");

    [Test]
    public void IdenticalDataHasNoDrift()
    {
        var report = DriftDetector.Compare(WineProfile, TestData.WineTable, "quality");

        TestContext.Out.WriteLine(report.ToText());
        report.HasReference.Should().BeTrue();
        report.Features.Should().HaveCount(11).And.NotContain(f => f.Name == "quality");
        report.Target!.Name.Should().Be("quality");
        report.MaxPsi.Should().BeLessThan(0.05, "the same rows, binned by their own deciles, are no shift");
        report.Features.Single(f => f.Name == "density").Psi.Should().BeLessThan(0.001, "a continuous column's deciles cut it into exact tenths");
        report.Drifted(0.25).Should().BeFalse();
        report.DriftedFeatures(0.25).Should().BeEmpty();
    }

    [Test]
    public void ARandomHalfOfTheSameDataHasNoDrift()
    {
        var half = TestData.WineTable.Split(0.5, seed: 7).Test;

        var report = DriftDetector.Compare(WineProfile, half, "quality");

        report.MaxPsi.Should().BeLessThan(0.1);
    }

    [Test]
    public void AlcoholShiftedByTwoStandardDeviationsDrifts()
    {
        var alcohol = WineProfile.Columns.Single(c => c.Name == "alcohol");
        var shifted = WithColumn(TestData.WineTable, "alcohol", v => v + (2 * alcohol.StdDev));

        var report = DriftDetector.Compare(WineProfile, shifted, "quality");

        TestContext.Out.WriteLine(report.ToText());
        report.Features.Single(f => f.Name == "alcohol").Psi.Should().BeGreaterThan(0.25);
        report.Drifted(0.25).Should().BeTrue();
        report.DriftedFeatures(0.25).Select(f => f.Name).Should().Equal("alcohol");
        report.MaxPsi.Should().Be(report.Features.Single(f => f.Name == "alcohol").Psi);
        report.ToText().Should().Contain("alcohol").And.Contain("drifted");
    }

    [Test]
    public void MatchesAHandComputedPsi()
    {
        // Deciles 0..10: bins (-inf,1], (1,2], ..., (9,inf), each expected to hold 0.1 of the data.
        var reference = new DataProfile("y", 11, [new ColumnProfile("x", "double", 0, 10, 5, 3.16, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])]);
        // 20 values: 3 in each of the first five bins (0.15 each), 1 in each of the last five (0.05 each).
        var values = Enumerable.Range(0, 5).SelectMany(k => Enumerable.Repeat(k + 0.5, 3))
            .Concat(Enumerable.Range(5, 5).Select(k => k + 0.5)).ToArray();
        var current = new NumericTable(["x", "y"], [values, new double[values.Length]]);

        var psi = DriftDetector.Compare(reference, current, "y").Features.Single().Psi;

        // 5·(0.15−0.1)·ln(1.5) + 5·(0.05−0.1)·ln(0.5) = 0.25·(ln 1.5 − ln 0.5) = 0.25·ln 3
        psi.Should().BeApproximately(0.25 * Math.Log(3), 1e-12);
    }

    [Test]
    public void AnEmptyBinCountsWithEpsilonInsteadOfInfinity()
    {
        double[] expected = [0.5, 0.5];
        double[] actual = [1.0, 0.0];

        var psi = PopulationStability.Index(expected, actual);

        double e = PopulationStability.Epsilon;
        psi.Should().BeApproximately((0.5 * Math.Log(2)) + ((e - 0.5) * Math.Log(e / 0.5)), 1e-12);
        double.IsFinite(psi).Should().BeTrue();
    }

    [Test]
    public void AConstantColumnIsFiniteAndDriftsOnlyWhenItsValueChanges()
    {
        var constant = new NumericTable(["c", "y"], [Enumerable.Repeat(4.0, 200).ToArray(), Enumerable.Range(0, 200).Select(i => (double)i).ToArray()]);
        var reference = DataProfile.Of(constant, "y");
        var moved = new NumericTable(["c", "y"], [Enumerable.Repeat(5.0, 200).ToArray(), constant.Column("y").ToArray()]);

        var same = DriftDetector.Compare(reference, constant, "y").Features.Single();
        var changed = DriftDetector.Compare(reference, moved, "y").Features.Single();

        same.ExpectedShares[0].Should().Be(1);
        same.Psi.Should().Be(0);
        double.IsFinite(changed.Psi).Should().BeTrue();
        changed.Psi.Should().BeGreaterThan(0.25);
    }

    [Test]
    public void RepeatedDecilesOfAnIntegerColumnGiveTheirShareToTheBinHoldingTheValue()
    {
        // quality in the wine data: deciles 3,5,5,5,6,6,6,6,7,7,9.
        double[] deciles = [3, 5, 5, 5, 6, 6, 6, 6, 7, 7, 9];

        var expected = PopulationStability.ExpectedShares(deciles);

        expected.Should().Equal([0.3, 0, 0, 0.4, 0, 0, 0, 0.2, 0, 0.1], (a, b) => Math.Abs(a - b) < 1e-12);
    }

    [Test]
    public void NoReferenceMeansNoDrift()
    {
        var report = DriftDetector.Compare(null, TestData.WineTable, "quality");

        report.HasReference.Should().BeFalse();
        report.Features.Should().BeEmpty();
        report.MaxPsi.Should().Be(0);
        report.Drifted(0).Should().BeFalse();
        report.ToText().Should().Contain("no reference");
    }

    [Test]
    public void LeavesOutColumnsTheReferenceDoesNotKnow()
    {
        var table = new NumericTable(["x", "new", "y"], [[1.0, 2, 3], [1.0, 2, 3], [1.0, 2, 3]]);
        var reference = DataProfile.Of(new NumericTable(["x", "y"], [[1.0, 2, 3], [1.0, 2, 3]]), "y");

        var report = DriftDetector.Compare(reference, table, "y");

        report.Features.Select(f => f.Name).Should().Equal("x");
    }

    private static NumericTable WithColumn(NumericTable table, string name, Func<double, double> change)
    {
        var columns = Enumerable.Range(0, table.ColumnCount)
            .Select(j => table.ColumnNames[j] == name ? table.Column(j).ToArray().Select(change).ToArray() : table.Column(j).ToArray())
            .ToArray();
        return new NumericTable(table.ColumnNames, columns);
    }
}
