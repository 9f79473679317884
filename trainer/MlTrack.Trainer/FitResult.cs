using System.Collections.ObjectModel;
using MathNet.Numerics.LinearAlgebra;

namespace MlTrack.Trainer;

/// <summary>Why coordinate descent stopped.</summary>
public enum FitExitReason
{
    /// <summary>The duality gap fell below the tolerance.</summary>
    Converged,

    /// <summary><see cref="ElasticNetOptions.MaxIterations"/> sweeps ran without the gap falling below the tolerance.</summary>
    MaxIterations,
}

/// <summary>
/// An immutable fitted linear model ŷ = Xw + b, in the original feature scale, with how the fit ended.
/// </summary>
public sealed class FitResult
{
    private readonly double[] _coefficients;

    internal FitResult(
        IReadOnlyList<string> featureNames,
        double[] coefficients,
        double intercept,
        int iterations,
        FitExitReason exitReason,
        double dualityGap,
        double gapTolerance,
        ElasticNetOptions options)
    {
        FeatureNames = new ReadOnlyCollection<string>([.. featureNames]);
        _coefficients = coefficients;
        Coefficients = new ReadOnlyCollection<double>(_coefficients);
        Intercept = intercept;
        Iterations = iterations;
        ExitReason = exitReason;
        DualityGap = dualityGap;
        GapTolerance = gapTolerance;
        Options = options;
    }

    /// <summary>The feature names, in column order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>w, one coefficient per feature, in the original feature scale.</summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>b.</summary>
    public double Intercept { get; }

    /// <summary>The number of full sweeps over the coefficients (scikit-learn's <c>n_iter_</c>).</summary>
    public int Iterations { get; }

    /// <summary>Whether the fit converged or ran out of iterations.</summary>
    public FitExitReason ExitReason { get; }

    /// <summary>
    /// The last duality gap computed, in units of the objective (scikit-learn's <c>dual_gap_</c>): an upper bound
    /// on how far the objective is above its minimum.
    /// </summary>
    public double DualityGap { get; }

    /// <summary>The gap the fit had to reach: tol · ‖y − ȳ‖² / n.</summary>
    public double GapTolerance { get; }

    /// <summary>The settings of the fit.</summary>
    public ElasticNetOptions Options { get; }

    /// <summary>The coefficient of a feature by name.</summary>
    /// <exception cref="ColumnNotFoundException">No feature has that name.</exception>
    public double Coefficient(string featureName)
    {
        for (int j = 0; j < FeatureNames.Count; j++)
        {
            if (FeatureNames[j] == featureName)
            {
                return _coefficients[j];
            }
        }
        throw new ColumnNotFoundException(featureName, FeatureNames);
    }

    /// <summary>The fitted model, to save, serve or predict with.</summary>
    public ElasticNetModel ToModel(string targetName) => new(targetName, FeatureNames, _coefficients, Intercept, Options);

    /// <summary>ŷ = Xw + b for each row of X (whose columns are in <see cref="FeatureNames"/> order).</summary>
    public Vector<double> Predict(Matrix<double> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.ColumnCount != _coefficients.Length)
        {
            throw new ArgumentException(
                $"The model has {_coefficients.Length} features but the matrix has {features.ColumnCount} columns.", nameof(features));
        }
        var predictions = features * Vector<double>.Build.DenseOfArray(_coefficients);
        return predictions.Add(Intercept);
    }

    /// <summary>ŷ = xᵀw + b for one row.</summary>
    public double Predict(ReadOnlySpan<double> row) => ElasticNetModel.Predict(_coefficients, Intercept, row);
}
