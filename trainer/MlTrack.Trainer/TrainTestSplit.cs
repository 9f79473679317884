namespace MlTrack.Trainer;

/// <summary>A reproducible division of row indices into a training and a test set; both lists are ascending.</summary>
/// <param name="TrainRows">The training rows.</param>
/// <param name="TestRows">The test rows.</param>
public sealed record TrainTestSplit(IReadOnlyList<int> TrainRows, IReadOnlyList<int> TestRows)
{
    /// <summary>
    /// Shuffles 0 … rowCount − 1 with a Fisher–Yates shuffle driven by SplitMix64 seeded with <paramref name="seed"/>
    /// (so the split is the same on every machine and .NET version), takes the first ⌈testFraction · rowCount⌉ as the
    /// test rows (the count scikit-learn's <c>train_test_split</c> uses) and the rest as the training rows. A fraction
    /// of 0 puts every row in the training set.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">rowCount &lt; 0, or testFraction is not in [0, 1).</exception>
    public static TrainTestSplit Create(int rowCount, double testFraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        if (!(testFraction >= 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be at least 0 and below 1.");
        }
        var order = Enumerable.Range(0, rowCount).ToArray();
        var random = new SplitMix64(unchecked((ulong)seed));
        for (int i = rowCount - 1; i > 0; i--)
        {
            int k = random.NextBelow(i + 1);
            (order[i], order[k]) = (order[k], order[i]);
        }
        int testCount = (int)Math.Ceiling(testFraction * rowCount);
        var test = order[..testCount];
        var train = order[testCount..];
        Array.Sort(test);
        Array.Sort(train);
        return new TrainTestSplit(train, test);
    }
}

/// <summary>Sebastiano Vigna's SplitMix64: tiny, fast, and fixed forever (unlike an unspecified library generator).</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A uniform integer in [0, bound), without modulo bias (Lemire's method with rejection).</summary>
    public int NextBelow(int bound)
    {
        ulong range = (ulong)bound;
        ulong threshold = (0UL - range) % range;
        while (true)
        {
            UInt128 product = (UInt128)Next() * range;
            if ((ulong)product >= threshold)
            {
                return (int)(ulong)(product >> 64);
            }
        }
    }
}
