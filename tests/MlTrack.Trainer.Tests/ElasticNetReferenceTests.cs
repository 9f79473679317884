using MathNet.Numerics.LinearAlgebra;
using MlTrack.Trainer.Tests.Support;

namespace MlTrack.Trainer.Tests;

/// <summary>
/// The trainer against scikit-learn 1.2.1 (Debian's python3-sklearn) on the whole wine data set. The expected values
/// were printed, with repr(), by this script run in tests/MlTrack.Trainer.Tests/Data:
/// <code>
/// import pandas as pd
/// from sklearn.linear_model import ElasticNet
/// from sklearn.preprocessing import StandardScaler
/// d = pd.read_csv("wine-quality.csv")
/// X = d.drop(columns=["quality"]).values; y = d["quality"].values
/// rows = [0, 1, 2, 2449, 4897]
/// # Standardize = false:
/// m = ElasticNet(alpha=a, l1_ratio=r, tol=1e-10, max_iter=100000).fit(X, y)
/// coef, intercept, predictions = m.coef_, m.intercept_, m.predict(X[rows])
/// # Standardize = true (coefficients and intercept brought back to the original scale):
/// s = StandardScaler().fit(X)
/// m = ElasticNet(alpha=a, l1_ratio=r, tol=1e-10, max_iter=100000).fit(s.transform(X), y)
/// coef = m.coef_ / s.scale_; intercept = m.intercept_ - s.mean_ @ coef; predictions = m.predict(s.transform(X[rows]))
/// </code>
/// </summary>
[TestFixture]
public sealed class ElasticNetReferenceTests
{
    private const double RelativeTolerance = 1e-6;
    private static readonly int[] PredictedRows = [0, 1, 2, 2449, 4897];

    public sealed record Reference(double Alpha, double L1Ratio, bool Standardize, int SklearnIterations,
        double[] Coefficients, double Intercept, double[] Predictions)
    {
        public override string ToString() => $"alpha={Alpha}, l1_ratio={L1Ratio}{(Standardize ? ", standardised" : "")}";
    }

    // new(alpha, l1_ratio, standardize, m.n_iter_, m.coef_, m.intercept_, m.predict(X[rows])): the script above.
    public static readonly Reference[] Cases =
    [
        new(0.5, 0.5, false, 22,
            [-0.0, -0.0, 0.0, -0.0, -0.0, 0.007664721160038184, -0.00415891392802151, -0.0, 0.0, 0.0, 0.0947357719804019],
            5.186635584670465,
            [5.658207462536064, 5.644954876225978, 5.969993865455583, 5.905619337453161, 6.065567994613939]),
        new(0.5, 0.1, false, 23,
            [-0.0, -0.0, 0.0, 0.006251705347094913, -0.0, 0.008538224081531187, -0.003306944630687191, -0.0, 0.0, 0.0,
                0.2083757829690718],
            3.803116171933425,
            [5.588272859198202, 5.4757072845856865, 5.886221440085283, 5.948553084522925, 6.13071213123249]),
        new(0.1, 0.5, false, 25,
            [-0.0, -0.0, 0.0, 0.012248738343638906, -0.0, 0.008182516762996018, -0.002540543130688751, -0.0, 0.0, 0.0,
                0.28275779266580453],
            2.889233861435839,
            [5.567372242725978, 5.374234414541833, 5.828646681144645, 5.953933777771829, 6.166616947545659]),
        new(0.01, 0.9, false, 32,
            [-0.04637061091930096, -0.9407681770198958, 0.0, 0.020856430062457184, -0.0, 0.0063017442619073966,
                -0.0013850662712116626, -0.0, 0.0, 0.0, 0.3477166690226124],
            2.63737857884964,
            [5.598528909990865, 5.305087592633589, 5.7089101649467615, 5.940163963565334, 6.284237313859668]),
        new(0.001, 0.5, false, 33,
            [-0.0499623215533756, -1.8260999950552705, -0.0, 0.025579780112649535, -0.0, 0.004970647783033479,
                -0.0009837629076089747, -0.0, 0.1610492559840382, 0.37137352746009755, 0.36664538560595905],
            1.9752139752504325,
            [5.595116878628305, 5.289848100745294, 5.680949407493424, 6.007427687792764, 6.295644010785262]),
        new(0.05, 1.0, false, 25,
            [-0.0, -0.0, 0.0, 0.013325264744767976, -0.0, 0.008117740051989192, -0.00240433689458873, -0.0, 0.0, 0.0,
                0.2959821685159279],
            2.7267502726102695,
            [5.5637873660265615, 5.35617718774535, 5.818426024144609, 5.954806533042852, 6.1729653383681]),
        new(0.05, 0.5, true, 32,
            [-0.03852770676596003, -1.6760747329295114, -0.0, 0.013494290664964381, -0.7466720787390441,
                0.002443891818896784, -0.0, -0.0, 0.029374711517998316, 0.18593751081345794, 0.3198567889759804],
            2.9222066813615792,
            [5.542215018589431, 5.422563551107265, 5.6780527205192435, 5.9685035879299875, 6.318264030749092]),
    ];

    [TestCaseSource(nameof(Cases))]
    public void MatchesScikitLearnCoefficientsInterceptAndPredictions(Reference expected)
    {
        var data = TestData.WineData;
        var trainer = new ElasticNetTrainer(new ElasticNetOptions
        {
            Alpha = expected.Alpha,
            L1Ratio = expected.L1Ratio,
            Standardize = expected.Standardize,
            Tolerance = 1e-10,
            MaxIterations = 100_000,
        });

        var fit = trainer.Fit(data);

        fit.ExitReason.Should().Be(FitExitReason.Converged);
        fit.DualityGap.Should().BeLessThan(fit.GapTolerance);
        // Same algorithm, same stopping rule: only rounding can move the stop by a sweep.
        fit.Iterations.Should().BeInRange(expected.SklearnIterations - 1, expected.SklearnIterations + 1);
        for (int j = 0; j < expected.Coefficients.Length; j++)
        {
            ShouldAgree(fit.Coefficients[j], expected.Coefficients[j], $"coefficient of {fit.FeatureNames[j]}");
        }
        ShouldAgree(fit.Intercept, expected.Intercept, "intercept");
        var rows = Matrix<double>.Build.DenseOfRowVectors(PredictedRows.Select(data.Features.Row));
        var predictions = fit.Predict(rows);
        for (int i = 0; i < PredictedRows.Length; i++)
        {
            ShouldAgree(predictions[i], expected.Predictions[i], $"prediction for row {PredictedRows[i]}");
            ShouldAgree(fit.Predict(data.Features.Row(PredictedRows[i]).AsArray()), expected.Predictions[i], "single-row prediction");
        }
    }

    [Test]
    public void NamesFeaturesAfterTheCsvHeaderWithoutTheTarget()
    {
        var fit = new ElasticNetTrainer(new ElasticNetOptions { Alpha = 0.5, L1Ratio = 0.1 }).Fit(TestData.WineData);

        fit.FeatureNames.Should().Equal(
            "fixed acidity", "volatile acidity", "citric acid", "residual sugar", "chlorides", "free sulfur dioxide",
            "total sulfur dioxide", "density", "pH", "sulphates", "alcohol");
        fit.Coefficient("alcohol").Should().Be(fit.Coefficients[10]);
    }

    /// <summary>A zero must be an exact zero (the soft threshold makes it so); anything else agrees to 1e-6 relative.</summary>
    private static void ShouldAgree(double actual, double expected, string what)
    {
        if (expected == 0)
        {
            actual.Should().Be(0, what);
        }
        else
        {
            actual.Should().BeApproximately(expected, RelativeTolerance * Math.Abs(expected), what);
        }
    }
}
