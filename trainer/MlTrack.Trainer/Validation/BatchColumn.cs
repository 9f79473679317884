namespace MlTrack.Trainer.Validation;

/// <summary>One column of a <see cref="DataBatch"/>: its numbers, with what could not be read as one counted.</summary>
public sealed class BatchColumn
{
    private readonly double[] _values;

    internal BatchColumn(string name, double[] values, int missingCount, int nonNumericCount, IReadOnlyList<string> nonNumericExamples)
    {
        Name = name;
        _values = values;
        MissingCount = missingCount;
        NonNumericCount = nonNumericCount;
        NonNumericExamples = nonNumericExamples;
    }

    /// <summary>The column name.</summary>
    public string Name { get; }

    /// <summary>The values, one per row; <see cref="double.NaN"/> where the cell is missing or not a number.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>Cells that were empty or a missing-value marker (NA, N/A, NaN, null, None, ...).</summary>
    public int MissingCount { get; }

    /// <summary>Cells holding text that is not a finite number (<c>abc</c>, <c>1e400</c>, <c>Infinity</c>).</summary>
    public int NonNumericCount { get; }

    /// <summary>Cells holding a finite number.</summary>
    public int NumericCount => _values.Length - MissingCount - NonNumericCount;

    /// <summary>"string" when text outnumbers numbers (the column is not a numeric feature at all), else "double".</summary>
    public string Type => NonNumericCount > NumericCount ? "string" : "double";

    /// <summary>Up to three distinct non-numeric cells, for messages.</summary>
    public IReadOnlyList<string> NonNumericExamples { get; }

    /// <summary>The finite values only.</summary>
    internal double[] FiniteValues() => _values.Where(double.IsFinite).ToArray();
}
