using MathNet.Numerics.LinearAlgebra;

namespace MlTrack.Trainer.Tests.Support;

/// <summary>The wine data shipped with the tests, and small synthetic problems.</summary>
internal static class TestData
{
    private static readonly Lazy<NumericTable> Wine = new(() => CsvTableReader.Load(WinePath));

    /// <summary>Data/wine-quality.csv: 4898 rows, 11 features, target <c>quality</c>.</summary>
    public static string WinePath => Path.Combine(TestContext.CurrentContext.TestDirectory, "Data", "wine-quality.csv");

    public static NumericTable WineTable => Wine.Value;

    public static RegressionData WineData => Wine.Value.ToRegressionData("quality");

    /// <summary>
    /// A well-conditioned problem: n × p features with offsets, different scales and mild correlation, and
    /// y = Xβ + 3 + noise. Deterministic for a seed.
    /// </summary>
    public static RegressionData Synthetic(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var x = Matrix<double>.Build.Dense(rows, cols);
        var y = Vector<double>.Build.Dense(rows);
        for (int i = 0; i < rows; i++)
        {
            double shared = Normal();
            for (int j = 0; j < cols; j++)
            {
                x[i, j] = ((j + 1) * ((0.8 * Normal()) + (0.3 * shared))) + j;
            }
        }
        for (int i = 0; i < rows; i++)
        {
            double sum = 3 + (0.5 * Normal());
            for (int j = 0; j < cols; j++)
            {
                sum += x[i, j] * (j % 2 == 0 ? 1.0 / (j + 1) : -0.5 / (j + 1));
            }
            y[i] = sum;
        }
        return new RegressionData(x, y, Enumerable.Range(0, cols).Select(j => $"f{j}").ToArray(), "y");
    }

    /// <summary>X and y with their column means subtracted.</summary>
    public static (Matrix<double> X, Vector<double> Y) Centred(RegressionData data)
    {
        var x = data.Features.Clone();
        for (int j = 0; j < x.ColumnCount; j++)
        {
            var column = x.Column(j);
            x.SetColumn(j, column - column.Average());
        }
        return (x, data.Target - data.Target.Average());
    }
}
