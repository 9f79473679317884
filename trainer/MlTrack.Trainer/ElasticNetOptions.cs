namespace MlTrack.Trainer;

/// <summary>
/// Settings of an <see cref="ElasticNetTrainer"/>. The names and defaults are those of scikit-learn's
/// <c>ElasticNet(alpha=1.0, l1_ratio=0.5, tol=1e-4, max_iter=1000)</c>.
/// </summary>
public sealed record ElasticNetOptions
{
    /// <summary>α ≥ 0: the overall penalty strength. With α = 0 the fit is ordinary least squares, which the
    /// duality-gap test cannot certify (as in scikit-learn), so such a fit runs to <see cref="MaxIterations"/>.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>ρ in [0, 1]: the share of the penalty that is L1. ρ = 1 is the lasso, ρ = 0 is ridge regression.</summary>
    public double L1Ratio { get; init; } = 0.5;

    /// <summary>
    /// tol &gt; 0. As in scikit-learn, the duality gap is computed once the largest coefficient change of a sweep
    /// is below tol · max_j |w_j|, and the fit has converged when that gap (in units of the objective) is below
    /// tol · ‖y − ȳ‖² / n.
    /// </summary>
    public double Tolerance { get; init; } = 1e-4;

    /// <summary>The largest number of full sweeps over the coefficients (at least 1).</summary>
    public int MaxIterations { get; init; } = 1000;

    /// <summary>
    /// When true, each feature is divided by its population standard deviation before fitting (as scikit-learn's
    /// <c>StandardScaler</c> does; constant features are left unscaled), so the penalty applies to standardised
    /// coefficients. Coefficients and intercept are still reported in the original feature scale. Off by default:
    /// the penalty then applies to the coefficients of the features as given.
    /// </summary>
    public bool Standardize { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (!(Alpha >= 0) || double.IsInfinity(Alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "Alpha must be a finite number ≥ 0.");
        }
        if (!(L1Ratio >= 0 && L1Ratio <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(L1Ratio), L1Ratio, "L1Ratio must be between 0 and 1.");
        }
        if (!(Tolerance > 0) || double.IsInfinity(Tolerance))
        {
            throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "Tolerance must be a finite number > 0.");
        }
        if (MaxIterations < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "MaxIterations must be at least 1.");
        }
    }
}
