namespace MlTrack.Trainer;

/// <summary>
/// Cyclic coordinate descent for min_w ½‖y − Zw‖² + l1·‖w‖₁ + ½·l2·‖w‖², the objective of scikit-learn's
/// <c>_cd_fast.enet_coordinate_descent</c>, which is n times the documented one (l1 = n·α·ρ, l2 = n·α·(1 − ρ)).
/// The update, the stopping rule and the duality gap follow that function. Z is the centred (and scaled) design,
/// z_ij = (x_ij − m_j) / s_j, formed on the fly from the caller's column-major X, which is only read.
/// </summary>
internal sealed class CoordinateDescent
{
    private readonly double[] _x;
    private readonly int _rows;
    private readonly int _cols;
    private readonly double[] _means;
    private readonly double[] _scales;
    private readonly double[] _y;
    private readonly double[] _normsSquared;

    /// <param name="x">X, column j at [j·rows, (j + 1)·rows).</param>
    /// <param name="rows">n.</param>
    /// <param name="means">m_j, the column means.</param>
    /// <param name="scales">s_j, 1 unless standardising.</param>
    /// <param name="y">The centred target, length n.</param>
    public CoordinateDescent(double[] x, int rows, double[] means, double[] scales, double[] y)
    {
        _x = x;
        _rows = rows;
        _cols = means.Length;
        _means = means;
        _scales = scales;
        _y = y;
        _normsSquared = new double[_cols];
        for (int j = 0; j < _cols; j++)
        {
            _normsSquared[j] = Kernels.CentredSquares(Column(j), means[j]) / (scales[j] * scales[j]);
        }
    }

    /// <summary>The outcome: gap in the n-scaled units of the solver's objective.</summary>
    public readonly record struct Outcome(double[] Coefficients, int Iterations, bool Converged, double Gap, double GapTolerance);

    /// <summary>Runs from w = 0.</summary>
    public Outcome Run(double l1, double l2, double tolerance, int maxIterations)
    {
        var w = new double[_cols];
        var residual = (double[])_y.Clone();
        double yNormSquared = Kernels.Dot(_y, _y);
        double gapTolerance = tolerance * yNormSquared;
        if (yNormSquared == 0)
        {
            // A constant target: w = 0 is exact, and scikit-learn's test "gap < 0" could never pass.
            return new Outcome(w, 0, true, 0, 0);
        }

        int pending = -1;       // the column whose residual update is deferred into the next pass
        double pendingDelta = 0;
        double gap = double.PositiveInfinity;
        for (int iteration = 0; iteration < maxIterations; iteration++)
        {
            double wMax = 0, dwMax = 0;
            for (int j = 0; j < _cols; j++)
            {
                double norm = _normsSquared[j];
                if (norm == 0)
                {
                    continue;
                }
                // z_jᵀ residual, after applying the deferred update residual −= δ·z_pending.
                double correlation = (pending >= 0
                    ? Kernels.SubtractCentredThenCentredDot(
                        residual, Column(pending), _means[pending], pendingDelta / _scales[pending], Column(j), _means[j])
                    : Kernels.CentredDot(Column(j), _means[j], residual)) / _scales[j];
                pending = -1;

                double old = w[j];
                // z_jᵀ(residual + w_j·z_j), the correlation with the residual that leaves feature j out.
                double tmp = correlation + (old * norm);
                double updated = Math.Sign(tmp) * Math.Max(Math.Abs(tmp) - l1, 0) / (norm + l2);
                w[j] = updated;
                double delta = updated - old;
                if (delta != 0)
                {
                    pending = j;
                    pendingDelta = delta;
                }
                dwMax = Math.Max(dwMax, Math.Abs(delta));
                wMax = Math.Max(wMax, Math.Abs(updated));
            }

            if (wMax == 0 || dwMax / wMax < tolerance || iteration == maxIterations - 1)
            {
                if (pending >= 0)
                {
                    Kernels.SubtractCentred(residual, Column(pending), _means[pending], pendingDelta / _scales[pending]);
                    pending = -1;
                }
                gap = DualityGap(w, residual, l1, l2);
                if (gap < gapTolerance)
                {
                    return new Outcome(w, iteration + 1, true, gap, gapTolerance);
                }
            }
        }
        return new Outcome(w, maxIterations, false, gap, gapTolerance);
    }

    /// <summary>
    /// scikit-learn's gap for l1 &gt; 0: the dual point is the residual, rescaled so that ‖Zᵀθ − l2·w‖∞ ≤ l1. For
    /// l1 = 0 and l2 &gt; 0 (ridge) that rescaling degenerates (scikit-learn's gap is then the primal objective and
    /// never falls below tol), so the ridge dual max_θ θᵀy − ½‖θ‖² − ‖Zᵀθ‖² / (2·l2) is used with θ = residual.
    /// </summary>
    private double DualityGap(double[] w, double[] residual, double l1, double l2)
    {
        double dualNorm = 0, xtrSquared = 0;
        for (int j = 0; j < _cols; j++)
        {
            double xtr = Kernels.CentredDot(Column(j), _means[j], residual) / _scales[j];
            xtrSquared += xtr * xtr;
            dualNorm = Math.Max(dualNorm, Math.Abs(xtr - (l2 * w[j])));
        }
        double residualNorm2 = Kernels.Dot(residual, residual);
        double residualDotY = Kernels.Dot(residual, _y);
        double wNorm2 = 0, wNorm1 = 0;
        foreach (double wj in w)
        {
            wNorm2 += wj * wj;
            wNorm1 += Math.Abs(wj);
        }

        if (l1 == 0 && l2 > 0)
        {
            return residualNorm2 - residualDotY + (0.5 * l2 * wNorm2) + (0.5 * xtrSquared / l2);
        }
        double scale, gap;
        if (dualNorm > l1)
        {
            scale = l1 / dualNorm;
            gap = 0.5 * (residualNorm2 + (residualNorm2 * scale * scale));
        }
        else
        {
            scale = 1;
            gap = residualNorm2;
        }
        return gap + (l1 * wNorm1) - (scale * residualDotY) + (0.5 * l2 * (1 + (scale * scale)) * wNorm2);
    }

    private ReadOnlySpan<double> Column(int j) => _x.AsSpan(j * _rows, _rows);
}
