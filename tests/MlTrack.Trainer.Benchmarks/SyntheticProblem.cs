using MathNet.Numerics.LinearAlgebra;

namespace MlTrack.Trainer.Benchmarks;

/// <summary>
/// A dense regression problem: x_ij = s_j·(0.8·z_ij + 0.6·f_i) + o_j with z, f standard normal (so features
/// correlate at 0.36), scales s_j in [0.5, 2] and offsets o_j in [−5, 5]; y = 5 + Σ_j β_j·x_ij + 2·ε, where every
/// fifth β_j is non-zero. Deterministic for a seed.
/// </summary>
internal sealed class SyntheticProblem
{
    private SyntheticProblem(Matrix<double> features, Vector<double> target)
    {
        Features = features;
        Target = target;
    }

    public Matrix<double> Features { get; }

    public Vector<double> Target { get; }

    public static SyntheticProblem Generate(int rows, int cols, int seed)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        var factor = new double[rows];
        for (int i = 0; i < rows; i++)
        {
            factor[i] = Normal();
        }
        var x = new double[(long)rows * cols];
        var y = new double[rows];
        Array.Fill(y, 5.0);
        for (int j = 0; j < cols; j++)
        {
            double scale = 0.5 + (1.5 * random.NextDouble());
            double offset = -5 + (10 * random.NextDouble());
            double beta = j % 5 == 0 ? (j % 10 == 0 ? 1 : -1) * (1 + (j / 10.0)) : 0;
            var column = x.AsSpan(j * rows, rows);
            for (int i = 0; i < rows; i++)
            {
                column[i] = (scale * ((0.8 * Normal()) + (0.6 * factor[i]))) + offset;
                y[i] += beta * column[i];
            }
        }
        for (int i = 0; i < rows; i++)
        {
            y[i] += 2 * Normal();
        }
        return new SyntheticProblem(
            Matrix<double>.Build.Dense(rows, cols, x),
            Vector<double>.Build.Dense(y));
    }

    /// <summary>
    /// Writes the little-endian file sklearn_bench.py reads: rows and cols as int64, then X column by column
    /// (n·p float64), then y (n float64).
    /// </summary>
    public void Write(string path)
    {
        using var stream = new BufferedStream(File.Create(path), 1 << 20);
        using var writer = new BinaryWriter(stream);
        writer.Write((long)Features.RowCount);
        writer.Write((long)Features.ColumnCount);
        foreach (double v in Features.AsColumnMajorArray())
        {
            writer.Write(v);
        }
        foreach (double v in Target.AsArray())
        {
            writer.Write(v);
        }
    }
}
