using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MlTrack.Trainer;

/// <summary>
/// The solver's inner loops over one column (n contiguous doubles): SIMD with four independent accumulators, no
/// bounds checks. A column x is centred on the fly as x − m, with the same rounding as centring it in place, so the
/// caller's matrix is read without being copied. The summation order depends only on n and the machine's vector
/// width, so a fit is bit-for-bit repeatable on one machine. The loops are compiled fully optimised on first use
/// (AggressiveOptimization), so a single fit in a fresh process does not run them as unoptimised tier-0 code.
/// </summary>
internal static class Kernels
{
    /// <summary>Returns Σ a_i.</summary>
    public static double Sum(ReadOnlySpan<double> a) => Reduce<Plain>(a, 0, a);

    /// <summary>Returns Σ a_i·b_i.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => Reduce<Product>(a, 0, b);

    /// <summary>Returns Σ (x_i − mean)².</summary>
    public static double CentredSquares(ReadOnlySpan<double> x, double mean) => Reduce<Square>(x, mean, x);

    /// <summary>Returns Σ (x_i − mean)·r_i.</summary>
    public static double CentredDot(ReadOnlySpan<double> x, double mean, ReadOnlySpan<double> r) => Reduce<Product>(x, mean, r);

    /// <summary>r_i ← r_i − delta·(x_i − mean).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SubtractCentred(Span<double> r, ReadOnlySpan<double> x, double mean, double delta)
    {
        CheckLengths(r.Length, x.Length);
        int n = r.Length, i = 0, w = Vector<double>.Count;
        ref double rr = ref MemoryMarshal.GetReference(r);
        ref double rx = ref MemoryMarshal.GetReference(x);
        if (Vector.IsHardwareAccelerated)
        {
            var d = new Vector<double>(delta);
            var m = new Vector<double>(mean);
            for (; i <= n - w; i += w)
            {
                UpdateAt(ref rr, ref rx, m, d, i);
            }
        }
        for (; i < n; i++)
        {
            Unsafe.Add(ref rr, i) -= delta * (Unsafe.Add(ref rx, i) - mean);
        }
    }

    /// <summary>
    /// r_i ← r_i − delta·(previous_i − previousMean), then returns Σ (next_i − nextMean)·r_i, in one pass: a
    /// coordinate's residual update is fused with the next coordinate's correlation, so the residual is streamed
    /// once per coordinate instead of twice.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double SubtractCentredThenCentredDot(
        Span<double> r, ReadOnlySpan<double> previous, double previousMean, double delta, ReadOnlySpan<double> next, double nextMean)
    {
        CheckLengths(r.Length, previous.Length);
        CheckLengths(r.Length, next.Length);
        int n = r.Length, i = 0, w = Vector<double>.Count;
        ref double rr = ref MemoryMarshal.GetReference(r);
        ref double rp = ref MemoryMarshal.GetReference(previous);
        ref double rn = ref MemoryMarshal.GetReference(next);
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= 4 * w)
        {
            var d = new Vector<double>(delta);
            var mp = new Vector<double>(previousMean);
            var mn = new Vector<double>(nextMean);
            Vector<double> s0 = Vector<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i <= n - (4 * w); i += 4 * w)
            {
                s0 += UpdateAt(ref rr, ref rp, mp, d, i) * (Load(ref rn, i) - mn);
                s1 += UpdateAt(ref rr, ref rp, mp, d, i + w) * (Load(ref rn, i + w) - mn);
                s2 += UpdateAt(ref rr, ref rp, mp, d, i + (2 * w)) * (Load(ref rn, i + (2 * w)) - mn);
                s3 += UpdateAt(ref rr, ref rp, mp, d, i + (3 * w)) * (Load(ref rn, i + (3 * w)) - mn);
            }
            sum = Vector.Sum((s0 + s1) + (s2 + s3));
        }
        for (; i < n; i++)
        {
            double updated = Unsafe.Add(ref rr, i) - (delta * (Unsafe.Add(ref rp, i) - previousMean));
            Unsafe.Add(ref rr, i) = updated;
            sum += updated * (Unsafe.Add(ref rn, i) - nextMean);
        }
        return sum;
    }

    /// <summary>Σ T(x_i − mean, b_i); the JIT compiles one loop per term type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double Reduce<T>(ReadOnlySpan<double> x, double mean, ReadOnlySpan<double> b)
        where T : struct, ITerm
    {
        CheckLengths(x.Length, b.Length);
        int n = x.Length, i = 0, w = Vector<double>.Count;
        ref double rx = ref MemoryMarshal.GetReference(x);
        ref double rb = ref MemoryMarshal.GetReference(b);
        double sum = 0;
        if (Vector.IsHardwareAccelerated && n >= 4 * w)
        {
            var m = new Vector<double>(mean);
            Vector<double> s0 = Vector<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
            for (; i <= n - (4 * w); i += 4 * w)
            {
                s0 += T.Of(Load(ref rx, i) - m, ref rb, i);
                s1 += T.Of(Load(ref rx, i + w) - m, ref rb, i + w);
                s2 += T.Of(Load(ref rx, i + (2 * w)) - m, ref rb, i + (2 * w));
                s3 += T.Of(Load(ref rx, i + (3 * w)) - m, ref rb, i + (3 * w));
            }
            sum = Vector.Sum((s0 + s1) + (s2 + s3));
        }
        for (; i < n; i++)
        {
            sum += T.Of(Unsafe.Add(ref rx, i) - mean, Unsafe.Add(ref rb, i));
        }
        return sum;
    }

    private interface ITerm
    {
        static abstract Vector<double> Of(Vector<double> centred, ref double b, int offset);

        static abstract double Of(double centred, double b);
    }

    private readonly struct Product : ITerm
    {
        public static Vector<double> Of(Vector<double> centred, ref double b, int offset) => centred * Load(ref b, offset);

        public static double Of(double centred, double b) => centred * b;
    }

    private readonly struct Square : ITerm
    {
        public static Vector<double> Of(Vector<double> centred, ref double b, int offset) => centred * centred;

        public static double Of(double centred, double b) => centred * centred;
    }

    private readonly struct Plain : ITerm
    {
        public static Vector<double> Of(Vector<double> centred, ref double b, int offset) => centred;

        public static double Of(double centred, double b) => centred;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> Load(ref double origin, int offset) => Vector.LoadUnsafe(ref origin, (nuint)offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<double> UpdateAt(ref double r, ref double x, Vector<double> mean, Vector<double> delta, int offset)
    {
        var updated = Load(ref r, offset) - (delta * (Load(ref x, offset) - mean));
        updated.StoreUnsafe(ref r, (nuint)offset);
        return updated;
    }

    private static void CheckLengths(int a, int b)
    {
        if (a != b)
        {
            throw new ArgumentException($"Spans differ in length ({a} and {b}).");
        }
    }
}
