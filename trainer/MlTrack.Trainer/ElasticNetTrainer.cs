using MathNet.Numerics.LinearAlgebra;

namespace MlTrack.Trainer;

/// <summary>
/// Fits w, b minimising (1 / 2n)·‖y − Xw − b‖² + α·ρ·‖w‖₁ + (α·(1 − ρ) / 2)·‖w‖²₂
/// by cyclic coordinate descent (α = <see cref="ElasticNetOptions.Alpha"/>, ρ = <see cref="ElasticNetOptions.L1Ratio"/>):
/// the objective, update order and stopping rule of scikit-learn's <c>ElasticNet</c> with its defaults
/// (<c>fit_intercept=True</c>, <c>precompute=False</c>, <c>selection='cyclic'</c>).
/// </summary>
/// <remarks>
/// The intercept is fitted by centring: X and y are centred on their column means, w is fitted without intercept,
/// and b = ȳ − x̄ᵀw. Features keep their original scale unless <see cref="ElasticNetOptions.Standardize"/> is set.
/// The trainer reads a dense matrix's column-major storage in place (other matrices are copied once), centres and
/// scales on the fly, and keeps the residual y − Xw − b up to date, so a sweep streams X once and the residual once
/// per coordinate; the duality gap costs one more pass and is only computed when the largest coefficient change of a
/// sweep is small. The matrix must not change during a fit. The trainer is stateless and can be shared between threads.
/// </remarks>
public sealed class ElasticNetTrainer
{
    /// <summary>Creates a trainer; throws <see cref="ArgumentOutOfRangeException"/> for settings out of range.</summary>
    public ElasticNetTrainer(ElasticNetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
    }

    /// <summary>The settings every fit uses.</summary>
    public ElasticNetOptions Options { get; }

    /// <summary>Fits the model to a table's features and target (see <see cref="NumericTable.ToRegressionData"/>).</summary>
    public FitResult Fit(RegressionData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Fit(data.Features, data.Target, data.FeatureNames);
    }

    /// <summary>Fits the model.</summary>
    /// <param name="features">X, one row per sample and one column per feature; every value finite.</param>
    /// <param name="target">y, one value per row of X; every value finite.</param>
    /// <param name="featureNames">One name per column of X, or null for <c>x0</c>, <c>x1</c>, ….</param>
    /// <exception cref="ArgumentException">The shapes disagree, there are no rows, or a value is not finite.</exception>
    public FitResult Fit(Matrix<double> features, Vector<double> target, IReadOnlyList<string>? featureNames = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(target);
        int n = features.RowCount, p = features.ColumnCount;
        if (target.Count != n)
        {
            throw new ArgumentException($"The target has {target.Count} values but the features have {n} rows.", nameof(target));
        }
        if (n == 0)
        {
            throw new ArgumentException("Cannot fit on zero rows.", nameof(features));
        }
        if ((long)n * p > Array.MaxLength)
        {
            throw new ArgumentException($"{n} × {p} values exceed the largest array .NET can allocate.", nameof(features));
        }
        var names = featureNames?.ToArray() ?? Enumerable.Range(0, p).Select(j => $"x{j}").ToArray();
        if (names.Length != p)
        {
            throw new ArgumentException($"{names.Length} feature names were given for {p} columns.", nameof(featureNames));
        }

        var y = target.ToArray();
        double yMean = Mean(y, "The target");
        for (int i = 0; i < n; i++)
        {
            y[i] -= yMean;
        }
        // A dense matrix is read in place (never written); centring and scaling happen inside the solver's loops.
        var x = features.AsColumnMajorArray() ?? features.ToColumnMajorArray();
        var means = new double[p];
        var scales = new double[p];
        for (int j = 0; j < p; j++)
        {
            var column = x.AsSpan(j * n, n);
            means[j] = Mean(column, $"Feature '{names[j]}'");
            double sd = Math.Sqrt(Kernels.CentredSquares(column, means[j]) / n);
            scales[j] = Options.Standardize && sd > 0 ? sd : 1; // StandardScaler leaves constant columns unscaled
        }

        double l1 = Options.Alpha * Options.L1Ratio * n;
        double l2 = Options.Alpha * (1 - Options.L1Ratio) * n;
        var outcome = new CoordinateDescent(x, n, means, scales, y).Run(l1, l2, Options.Tolerance, Options.MaxIterations);

        var coefficients = new double[p];
        double intercept = yMean;
        for (int j = 0; j < p; j++)
        {
            coefficients[j] = outcome.Coefficients[j] / scales[j];
            intercept -= means[j] * coefficients[j];
        }
        return new FitResult(
            names,
            coefficients,
            intercept,
            outcome.Iterations,
            outcome.Converged ? FitExitReason.Converged : FitExitReason.MaxIterations,
            outcome.Gap / n,
            outcome.GapTolerance / n,
            Options);
    }

    /// <summary>The mean, after checking that every value is finite.</summary>
    private static double Mean(ReadOnlySpan<double> values, string what)
    {
        double sum = Kernels.Sum(values);
        if (!double.IsFinite(sum))
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (!double.IsFinite(values[i]))
                {
                    throw new ArgumentException($"{what} has the non-finite value {values[i]} in row {i}.");
                }
            }
            throw new ArgumentException($"{what} has values too large to sum in double precision.");
        }
        return sum / values.Length;
    }
}
