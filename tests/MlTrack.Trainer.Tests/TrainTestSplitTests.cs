using MlTrack.Trainer.Tests.Support;

namespace MlTrack.Trainer.Tests;

[TestFixture]
public sealed class TrainTestSplitTests
{
    [Test]
    public void GivesTheSameSplitForTheSameSeed()
    {
        var first = TrainTestSplit.Create(4898, 0.25, 42);
        var second = TrainTestSplit.Create(4898, 0.25, 42);

        second.TrainRows.Should().Equal(first.TrainRows);
        second.TestRows.Should().Equal(first.TestRows);
    }

    [Test]
    public void GivesADifferentSplitForAnotherSeed()
    {
        TrainTestSplit.Create(4898, 0.25, 43).TestRows.Should().NotEqual(TrainTestSplit.Create(4898, 0.25, 42).TestRows);
    }

    [Test]
    public void IsFixedAcrossMachinesAndVersions()
    {
        // SplitMix64 and Fisher–Yates are spelled out in the library, so these rows may only change on purpose.
        TrainTestSplit.Create(10, 0.3, 42).TestRows.Should().Equal(3, 6, 8);
        TrainTestSplit.Create(4898, 0.25, 42).TestRows.Take(8).Should().Equal(5, 6, 13, 19, 25, 28, 29, 36);
    }

    [TestCase(4898, 0.25, 1225)]
    [TestCase(10, 0.3, 3)]
    [TestCase(10, 0.01, 1)]
    [TestCase(1, 0.5, 1)]
    public void TakesTheCeilingOfTheFractionAsTestRows(int rows, double fraction, int expectedTest)
    {
        var split = TrainTestSplit.Create(rows, fraction, 7);

        split.TestRows.Should().HaveCount(expectedTest);
        split.TrainRows.Concat(split.TestRows).Order().Should().Equal(Enumerable.Range(0, rows));
        split.TrainRows.Should().BeInAscendingOrder();
        split.TestRows.Should().BeInAscendingOrder();
    }

    [Test]
    public void PutsEveryRowInTrainingForFractionZero()
    {
        var (train, test) = TestData.WineTable.Split(0, 42);

        test.RowCount.Should().Be(0);
        train.RowCount.Should().Be(4898);
        train.Column("alcohol").ToArray().Should().Equal(TestData.WineTable.Column("alcohol").ToArray());
    }

    [Test]
    public void SplitsTableRowsConsistentlyAcrossColumns()
    {
        var split = TrainTestSplit.Create(TestData.WineTable.RowCount, 0.25, 42);
        var (train, test) = TestData.WineTable.Split(0.25, 42);

        test.RowCount.Should().Be(1225);
        train.RowCount.Should().Be(3673);
        for (int k = 0; k < 5; k++)
        {
            int row = split.TestRows[k];
            Enumerable.Range(0, 12).Select(j => test[k, j]).Should().Equal(Enumerable.Range(0, 12).Select(j => TestData.WineTable[row, j]));
        }
    }

    [TestCase(-0.1)]
    [TestCase(1.0)]
    [TestCase(double.NaN)]
    public void RejectsFractionsOutsideZeroToOne(double fraction)
    {
        var act = () => TrainTestSplit.Create(10, fraction, 1);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("testFraction");
    }
}
