namespace MlTrack.Cli.Serving;

/// <summary>The rows of one scoring request, each in the model's feature order, stored row after row.</summary>
internal sealed class FeatureMatrix
{
    private double[] _values;

    public FeatureMatrix(int width, int capacityRows = 1)
    {
        Width = width;
        _values = new double[Math.Max(1, width * Math.Max(1, capacityRows))];
    }

    /// <summary>Values per row: the model's feature count.</summary>
    public int Width { get; }

    public int RowCount { get; private set; }

    /// <summary>Appends a row and returns it to be filled.</summary>
    public Span<double> AddRow()
    {
        int end = (RowCount + 1) * Width;
        if (end > _values.Length)
        {
            Array.Resize(ref _values, Math.Max(end, _values.Length * 2));
        }
        RowCount++;
        return _values.AsSpan(end - Width, Width);
    }

    public ReadOnlySpan<double> Row(int index) => _values.AsSpan(index * Width, Width);
}
