namespace MlTrack.Trainer.Tests;

[TestFixture]
public sealed class RegressionMetricsTests
{
    [Test]
    public void MatchesScikitLearn()
    {
        // from sklearn.metrics import mean_squared_error, mean_absolute_error, r2_score
        // y, p = [3, -0.5, 2, 7], [2.5, 0.0, 2, 8]
        // mean_squared_error(y, p, squared=False), mean_absolute_error(y, p), r2_score(y, p)
        // -> 0.6123724356957945, 0.5, 0.9486081370449679
        var metrics = RegressionMetrics.Compute([3, -0.5, 2, 7], [2.5, 0.0, 2, 8]);

        metrics.Rmse.Should().BeApproximately(0.6123724356957945, 1e-15);
        metrics.Mae.Should().Be(0.5);
        metrics.R2.Should().BeApproximately(0.9486081370449679, 1e-15);
    }

    [Test]
    public void GivesR2OfOneForExactPredictionsOfAConstantAndZeroOtherwise()
    {
        RegressionMetrics.Compute([2, 2], [2, 2]).R2.Should().Be(1);
        RegressionMetrics.Compute([2, 2], [2, 3]).R2.Should().Be(0);
    }

    [Test]
    public void RejectsEmptyOrMismatchedInput()
    {
        FluentActions.Invoking(() => RegressionMetrics.Compute([], [])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => RegressionMetrics.Compute([1, 2], [1])).Should().Throw<ArgumentException>();
    }
}
