using System.Collections.ObjectModel;
using MathNet.Numerics.LinearAlgebra;

namespace MlTrack.Trainer;

/// <summary>Features, target and feature names, ready for <see cref="ElasticNetTrainer.Fit(RegressionData)"/>.</summary>
/// <param name="Features">X, one row per sample, columns in <paramref name="FeatureNames"/> order.</param>
/// <param name="Target">y.</param>
/// <param name="FeatureNames">The names of X's columns.</param>
/// <param name="TargetName">The name of the target column.</param>
public sealed record RegressionData(Matrix<double> Features, Vector<double> Target, IReadOnlyList<string> FeatureNames, string TargetName);

/// <summary>An immutable table of finite doubles with named columns, stored column by column.</summary>
public sealed class NumericTable
{
    private readonly double[][] _columns;
    private readonly Dictionary<string, int> _indexByName;

    /// <summary>Creates a table; the arrays are copied.</summary>
    /// <exception cref="ArgumentException">Names and columns differ in number, columns differ in length, or a name is
    /// empty or repeated.</exception>
    public NumericTable(IReadOnlyList<string> columnNames, IReadOnlyList<double[]> columns)
    {
        ArgumentNullException.ThrowIfNull(columnNames);
        ArgumentNullException.ThrowIfNull(columns);
        if (columnNames.Count != columns.Count)
        {
            throw new ArgumentException($"{columnNames.Count} names were given for {columns.Count} columns.", nameof(columnNames));
        }
        _columns = columns.Select(c => (double[])c.Clone()).ToArray();
        RowCount = _columns.Length == 0 ? 0 : _columns[0].Length;
        if (_columns.Any(c => c.Length != RowCount))
        {
            throw new ArgumentException("The columns differ in length.", nameof(columns));
        }
        _indexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < columnNames.Count; j++)
        {
            if (string.IsNullOrEmpty(columnNames[j]) || !_indexByName.TryAdd(columnNames[j], j))
            {
                throw new ArgumentException($"Column name '{columnNames[j]}' is empty or repeated.", nameof(columnNames));
            }
        }
        ColumnNames = new ReadOnlyCollection<string>([.. columnNames]);
    }

    /// <summary>The column names, in order.</summary>
    public IReadOnlyList<string> ColumnNames { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The number of columns.</summary>
    public int ColumnCount => _columns.Length;

    /// <summary>The value at a row and column (0-based).</summary>
    public double this[int row, int column] => _columns[column][row];

    /// <summary>The column's 0-based index, or -1 if there is none of that name.</summary>
    public int IndexOf(string columnName) => _indexByName.GetValueOrDefault(columnName, -1);

    /// <summary>A column's values.</summary>
    /// <exception cref="ColumnNotFoundException">There is no such column.</exception>
    public ReadOnlySpan<double> Column(string columnName) => _columns[RequireIndex(columnName)];

    /// <summary>A column's values by 0-based index.</summary>
    public ReadOnlySpan<double> Column(int index) => _columns[index];

    /// <summary>A new table with the given rows, in the given order.</summary>
    public NumericTable SelectRows(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var selected = _columns.Select(column =>
        {
            var values = new double[rows.Count];
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = column[rows[i]];
            }
            return values;
        }).ToArray();
        return new NumericTable(ColumnNames, selected);
    }

    /// <summary>Splits the rows reproducibly (see <see cref="TrainTestSplit.Create"/>).</summary>
    public (NumericTable Train, NumericTable Test) Split(double testFraction, int seed)
    {
        var split = TrainTestSplit.Create(RowCount, testFraction, seed);
        return (SelectRows(split.TrainRows), SelectRows(split.TestRows));
    }

    /// <summary>The target column as y and every other column, in table order, as X.</summary>
    /// <exception cref="ColumnNotFoundException">There is no column named <paramref name="targetColumn"/>.</exception>
    public RegressionData ToRegressionData(string targetColumn)
    {
        int target = RequireIndex(targetColumn);
        var featureIndices = Enumerable.Range(0, ColumnCount).Where(j => j != target).ToArray();
        var features = Matrix<double>.Build.Dense(RowCount, featureIndices.Length);
        var storage = features.AsColumnMajorArray();
        for (int k = 0; k < featureIndices.Length; k++)
        {
            _columns[featureIndices[k]].CopyTo(storage, k * RowCount);
        }
        return new RegressionData(
            features,
            Vector<double>.Build.DenseOfArray((double[])_columns[target].Clone()),
            featureIndices.Select(j => ColumnNames[j]).ToArray(),
            targetColumn);
    }

    private int RequireIndex(string columnName)
    {
        ArgumentNullException.ThrowIfNull(columnName);
        int index = IndexOf(columnName);
        return index >= 0 ? index : throw new ColumnNotFoundException(columnName, ColumnNames);
    }
}
