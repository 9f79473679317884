using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearRegression;
using MlTrack.Trainer.Tests.Support;

namespace MlTrack.Trainer.Tests;

/// <summary>Properties the solution must have whatever the data, checked to solver tolerance.</summary>
[TestFixture]
public sealed class ElasticNetPropertyTests
{
    [Test]
    public void EqualsLeastSquaresAsAlphaGoesToZero()
    {
        var data = TestData.Synthetic(300, 6, seed: 1);
        var (x, y) = TestData.Centred(data);
        var expected = MultipleRegression.QR(x, y);

        var fit = Fit(data, alpha: 1e-10, l1Ratio: 0.5, tolerance: 1e-12);

        ShouldMatch(fit, expected, data, 1e-6);
    }

    [Test]
    public void EqualsLeastSquaresOnTheWineDataAsAlphaGoesToZeroWhenStandardised()
    {
        // Density's coefficient is about −150 here: the problem is ill-conditioned, and standardising makes it
        // tractable for coordinate descent. Least squares is scale-invariant, so the original-scale coefficients
        // must still equal QR's on the raw centred data. (1e-12 is the smallest tolerance the gap resolves here.)
        var data = TestData.WineData;
        var (x, y) = TestData.Centred(data);
        var expected = MultipleRegression.QR(x, y);

        var fit = Fit(data, alpha: 1e-10, l1Ratio: 0.5, tolerance: 1e-12, standardize: true);

        ShouldMatch(fit, expected, data, 1e-6);
    }

    [TestCase(1.0, false)]
    [TestCase(0.01, false)]
    [TestCase(0.1, true)]
    public void EqualsTheRidgeClosedFormWhenL1RatioIsZero(double alpha, bool standardize)
    {
        var data = TestData.WineData;
        var (x, y) = TestData.Centred(data);
        int n = x.RowCount;
        var scales = Vector<double>.Build.Dense(x.ColumnCount, 1.0);
        if (standardize)
        {
            scales = Vector<double>.Build.Dense(x.ColumnCount, j => Math.Sqrt(x.Column(j).DotProduct(x.Column(j)) / n));
            x = x * Matrix<double>.Build.DiagonalOfDiagonalVector(1.0 / scales);
        }
        // (XᵀX + nλI)⁻¹Xᵀy with λ = α, on the centred (and scaled) data the trainer uses.
        var gram = x.TransposeThisAndMultiply(x) + Matrix<double>.Build.DenseIdentity(x.ColumnCount).Multiply(n * alpha);
        var expected = gram.Cholesky().Solve(x.TransposeThisAndMultiply(y)).PointwiseDivide(scales);

        var fit = Fit(data, alpha, l1Ratio: 0, tolerance: 1e-14, standardize: standardize);

        fit.ExitReason.Should().Be(FitExitReason.Converged);
        ShouldMatch(fit, expected, data, 1e-6);
    }

    [TestCase(1.0)]
    [TestCase(0.5)]
    [TestCase(0.1)]
    public void GivesAllZeroCoefficientsFromTheCriticalAlphaUp(double l1Ratio)
    {
        var data = TestData.WineData;
        var (x, y) = TestData.Centred(data);
        double alphaMax = x.TransposeThisAndMultiply(y).InfinityNorm() / (x.RowCount * l1Ratio);

        foreach (double factor in new[] { 1 + 1e-9, 2, 100 })
        {
            var fit = Fit(data, alphaMax * factor, l1Ratio, tolerance: 1e-10);

            fit.Coefficients.Should().OnlyContain(c => c == 0, $"α = {factor} · α_max");
            fit.Intercept.Should().BeApproximately(data.Target.Average(), 1e-12);
            fit.ExitReason.Should().Be(FitExitReason.Converged);
            fit.Iterations.Should().Be(1);
        }
        Fit(data, alphaMax * 0.99, l1Ratio, tolerance: 1e-10).Coefficients.Should().Contain(c => c != 0, "just below α_max");
    }

    [TestCase(false)]
    [TestCase(true)]
    public void GivesIdenticalResultsWhenFittedTwice(bool standardize)
    {
        var data = TestData.WineData;
        var trainer = new ElasticNetTrainer(new ElasticNetOptions { Alpha = 0.01, L1Ratio = 0.7, Standardize = standardize });

        var first = trainer.Fit(data);
        var second = trainer.Fit(data);

        second.Coefficients.Should().Equal(first.Coefficients);
        second.Intercept.Should().Be(first.Intercept);
        second.Iterations.Should().Be(first.Iterations);
        second.DualityGap.Should().Be(first.DualityGap);
        second.Predict(data.Features).Should().Equal(first.Predict(data.Features));
    }

    [Test]
    public void LowersTheTrainingErrorAsAlphaFalls()
    {
        var data = TestData.WineData;
        var errors = new[] { 1.0, 0.1, 0.01, 0.001 }
            .Select(alpha => RegressionMetrics.Compute(data.Target, Fit(data, alpha, 0.5, 1e-8).Predict(data.Features)).Rmse)
            .ToArray();

        errors.Should().BeInDescendingOrder();
    }

    private static FitResult Fit(RegressionData data, double alpha, double l1Ratio, double tolerance, bool standardize = false) =>
        new ElasticNetTrainer(new ElasticNetOptions
        {
            Alpha = alpha,
            L1Ratio = l1Ratio,
            Tolerance = tolerance,
            MaxIterations = 100_000,
            Standardize = standardize,
        }).Fit(data);

    private static void ShouldMatch(FitResult fit, Vector<double> expected, RegressionData data, double relative)
    {
        for (int j = 0; j < expected.Count; j++)
        {
            fit.Coefficients[j].Should().BeApproximately(expected[j], relative * Math.Abs(expected[j]), fit.FeatureNames[j]);
        }
        double intercept = data.Target.Average() - data.Features.ColumnSums().DotProduct(expected) / data.Features.RowCount;
        fit.Intercept.Should().BeApproximately(intercept, relative * Math.Abs(intercept));
    }
}
