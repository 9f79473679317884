using System.Collections.ObjectModel;

namespace MlTrack.Trainer;

/// <summary>
/// A trained elastic-net model as it is saved and served: ŷ = xᵀw + b over named features in their original scale,
/// with the settings it was trained with.
/// </summary>
public sealed class ElasticNetModel
{
    private readonly double[] _coefficients;
    private readonly Dictionary<string, int> _indexByName;

    /// <summary>Creates a model; the names must be distinct and match the coefficients one to one.</summary>
    public ElasticNetModel(string targetName, IReadOnlyList<string> featureNames, IReadOnlyList<double> coefficients, double intercept, ElasticNetOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(coefficients);
        ArgumentNullException.ThrowIfNull(options);
        if (featureNames.Count != coefficients.Count)
        {
            throw new ArgumentException($"{featureNames.Count} feature names but {coefficients.Count} coefficients.", nameof(coefficients));
        }
        if (coefficients.Any(c => !double.IsFinite(c)) || !double.IsFinite(intercept))
        {
            throw new ArgumentException("Coefficients and intercept must be finite numbers.", nameof(coefficients));
        }
        _indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < featureNames.Count; j++)
        {
            if (!_indexByName.TryAdd(featureNames[j], j))
            {
                throw new ArgumentException($"The feature name '{featureNames[j]}' appears twice.", nameof(featureNames));
            }
        }
        TargetName = targetName;
        FeatureNames = new ReadOnlyCollection<string>([.. featureNames]);
        _coefficients = [.. coefficients];
        Coefficients = new ReadOnlyCollection<double>(_coefficients);
        Intercept = intercept;
        Options = options;
    }

    /// <summary>The column the model predicts.</summary>
    public string TargetName { get; }

    /// <summary>The input columns, in the order of <see cref="Coefficients"/>.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>w, in the original feature scale.</summary>
    public IReadOnlyList<double> Coefficients { get; }

    /// <summary>b.</summary>
    public double Intercept { get; }

    /// <summary>The settings of the fit.</summary>
    public ElasticNetOptions Options { get; }

    /// <summary>The position of a feature in <see cref="FeatureNames"/>, or -1.</summary>
    public int IndexOf(string featureName) => _indexByName.GetValueOrDefault(featureName, -1);

    /// <summary>ŷ = xᵀw + b for one row in <see cref="FeatureNames"/> order.</summary>
    public double Predict(ReadOnlySpan<double> row) => Predict(_coefficients, Intercept, row);

    internal static double Predict(ReadOnlySpan<double> coefficients, double intercept, ReadOnlySpan<double> row)
    {
        if (row.Length != coefficients.Length)
        {
            throw new ArgumentException($"The model has {coefficients.Length} features but the row has {row.Length} values.", nameof(row));
        }
        double sum = intercept;
        for (int j = 0; j < row.Length; j++)
        {
            sum += row[j] * coefficients[j];
        }
        return sum;
    }

    /// <summary>Predictions for every row of a table that has (at least) the model's feature columns.</summary>
    /// <exception cref="ColumnNotFoundException">The table lacks a feature column.</exception>
    public double[] Predict(NumericTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var predictions = new double[table.RowCount];
        Array.Fill(predictions, Intercept);
        for (int j = 0; j < _coefficients.Length; j++)
        {
            var column = table.Column(FeatureNames[j]);
            double w = _coefficients[j];
            for (int i = 0; i < predictions.Length; i++)
            {
                predictions[i] += w * column[i];
            }
        }
        return predictions;
    }
}
