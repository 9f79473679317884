using MathNet.Numerics.LinearAlgebra;
using MlTrack.Trainer.Tests.Support;

namespace MlTrack.Trainer.Tests;

[TestFixture]
public sealed class ElasticNetTrainerTests
{
    [Test]
    public void DefaultsToScikitLearnsSettings()
    {
        new ElasticNetOptions().Should().BeEquivalentTo(
            new { Alpha = 1.0, L1Ratio = 0.5, Tolerance = 1e-4, MaxIterations = 1000, Standardize = false });
    }

    [TestCase(-1.0, 0.5, 1e-4, 10, "Alpha")]
    [TestCase(double.NaN, 0.5, 1e-4, 10, "Alpha")]
    [TestCase(double.PositiveInfinity, 0.5, 1e-4, 10, "Alpha")]
    [TestCase(1.0, -0.1, 1e-4, 10, "L1Ratio")]
    [TestCase(1.0, 1.1, 1e-4, 10, "L1Ratio")]
    [TestCase(1.0, 0.5, 0.0, 10, "Tolerance")]
    [TestCase(1.0, 0.5, 1e-4, 0, "MaxIterations")]
    public void RejectsOptionsOutOfRange(double alpha, double l1Ratio, double tolerance, int maxIterations, string parameter)
    {
        var options = new ElasticNetOptions { Alpha = alpha, L1Ratio = l1Ratio, Tolerance = tolerance, MaxIterations = maxIterations };

        var act = () => new ElasticNetTrainer(options);

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName(parameter);
    }

    [Test]
    public void RejectsShapesThatDisagree()
    {
        var trainer = new ElasticNetTrainer(new ElasticNetOptions());
        var x = Matrix<double>.Build.Dense(3, 2, 1.0);

        FluentActions.Invoking(() => trainer.Fit(x, Vector<double>.Build.Dense(2)))
            .Should().Throw<ArgumentException>().WithMessage("The target has 2 values but the features have 3 rows.*");
        FluentActions.Invoking(() => trainer.Fit(x, Vector<double>.Build.Dense(3), ["only one"]))
            .Should().Throw<ArgumentException>().WithMessage("1 feature names were given for 2 columns.*");
        FluentActions.Invoking(() => trainer.Fit(Matrix<double>.Build.Dense(0, 2), Vector<double>.Build.Dense(0)))
            .Should().Throw<ArgumentException>().WithMessage("Cannot fit on zero rows.*");
    }

    [Test]
    public void RejectsNonFiniteValuesNamingFeatureAndRow()
    {
        var x = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, 2 }, { 3, double.NaN } });

        var act = () => new ElasticNetTrainer(new ElasticNetOptions()).Fit(x, Vector<double>.Build.Dense(2), ["a", "b"]);

        act.Should().Throw<ArgumentException>().WithMessage("Feature 'b' has the non-finite value NaN in row 1.");
    }

    [Test]
    public void LeavesTheCallersDataUnchanged()
    {
        var data = TestData.Synthetic(50, 3, seed: 2);
        var features = data.Features.Clone();
        var target = data.Target.Clone();

        new ElasticNetTrainer(new ElasticNetOptions { Alpha = 0.1, Standardize = true }).Fit(data);

        data.Features.Equals(features).Should().BeTrue();
        data.Target.Should().Equal(target);
    }

    [Test]
    public void GivesAConstantFeatureAZeroCoefficient()
    {
        var data = TestData.Synthetic(100, 3, seed: 3);
        var x = data.Features.Clone();
        x.SetColumn(1, Vector<double>.Build.Dense(100, 5.0));

        var fit = new ElasticNetTrainer(new ElasticNetOptions { Alpha = 0.01, Standardize = true }).Fit(x, data.Target);

        fit.Coefficients[1].Should().Be(0);
        fit.Coefficients[0].Should().NotBe(0);
        fit.FeatureNames.Should().Equal("x0", "x1", "x2");
    }

    [Test]
    public void FitsAConstantTargetWithTheInterceptAlone()
    {
        var data = TestData.Synthetic(20, 3, seed: 4);

        var fit = new ElasticNetTrainer(new ElasticNetOptions { Alpha = 0.01 }).Fit(data.Features, Vector<double>.Build.Dense(20, 6.5));

        fit.Coefficients.Should().OnlyContain(c => c == 0);
        fit.Intercept.Should().Be(6.5);
        fit.ExitReason.Should().Be(FitExitReason.Converged);
    }

    [Test]
    public void ReportsMaxIterationsWhenTheGapStaysAboveTolerance()
    {
        var options = new ElasticNetOptions { Alpha = 1e-6, L1Ratio = 0.5, Tolerance = 1e-12, MaxIterations = 3 };

        var fit = new ElasticNetTrainer(options).Fit(TestData.WineData);

        fit.ExitReason.Should().Be(FitExitReason.MaxIterations);
        fit.Iterations.Should().Be(3);
        fit.DualityGap.Should().BeGreaterThan(fit.GapTolerance);
        fit.Options.Should().Be(options);
    }

    [Test]
    public void ScalesTheGapToleranceLikeScikitLearn()
    {
        var data = TestData.WineData;
        var centred = data.Target - data.Target.Average();

        var fit = new ElasticNetTrainer(new ElasticNetOptions { Tolerance = 1e-4 }).Fit(data);

        fit.GapTolerance.Should().BeApproximately(1e-4 * centred.DotProduct(centred) / centred.Count, 1e-15);
    }

    [Test]
    public void RejectsPredictionInputOfTheWrongWidth()
    {
        var fit = new ElasticNetTrainer(new ElasticNetOptions()).Fit(TestData.Synthetic(10, 3, seed: 5));

        FluentActions.Invoking(() => fit.Predict(Matrix<double>.Build.Dense(2, 2))).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => fit.Predict([1.0, 2.0])).Should().Throw<ArgumentException>();
        FluentActions.Invoking(() => fit.Coefficient("nope")).Should().Throw<ColumnNotFoundException>();
    }
}
