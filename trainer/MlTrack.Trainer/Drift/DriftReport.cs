using System.Globalization;
using System.Text;

namespace MlTrack.Trainer.Drift;

/// <summary>One column's shift from the reference.</summary>
/// <param name="Name">The column.</param>
/// <param name="Psi">The Population Stability Index (0: unchanged; above 0.25: a significant shift).</param>
/// <param name="ExpectedShares">The reference's share of each decile bin.</param>
/// <param name="ActualShares">The current data's share of each decile bin.</param>
public sealed record FeatureDrift(string Name, double Psi, IReadOnlyList<double> ExpectedShares, IReadOnlyList<double> ActualShares);

/// <summary>How far new data has moved from the champion's training data, feature by feature.</summary>
public sealed class DriftReport
{
    /// <summary>Creates a report.</summary>
    /// <param name="hasReference">False when there was no reference to compare with.</param>
    /// <param name="features">Each feature compared (the reference's features that the current data has).</param>
    /// <param name="target">The target's shift (label drift), if it was compared.</param>
    public DriftReport(bool hasReference, IReadOnlyList<FeatureDrift> features, FeatureDrift? target)
    {
        ArgumentNullException.ThrowIfNull(features);
        HasReference = hasReference;
        Features = features;
        Target = target;
    }

    /// <summary>The report when there is no reference: nothing compared, nothing drifted.</summary>
    public static DriftReport NoReference { get; } = new(false, [], null);

    /// <summary>False when there was no reference profile (no champion yet).</summary>
    public bool HasReference { get; }

    /// <summary>Each feature compared, in the reference's column order.</summary>
    public IReadOnlyList<FeatureDrift> Features { get; }

    /// <summary>The target's shift, reported apart from the features.</summary>
    public FeatureDrift? Target { get; }

    /// <summary>The largest feature PSI, 0 when nothing was compared.</summary>
    public double MaxPsi => Features.Count == 0 ? 0 : Features.Max(f => f.Psi);

    /// <summary>True when some feature's PSI exceeds the threshold.</summary>
    public bool Drifted(double threshold) => Features.Any(f => f.Psi > threshold);

    /// <summary>The features whose PSI exceeds the threshold, most drifted first.</summary>
    public IReadOnlyList<FeatureDrift> DriftedFeatures(double threshold) =>
        Features.Where(f => f.Psi > threshold).OrderByDescending(f => f.Psi).ToArray();

    /// <summary>A table for a person: each feature's PSI, marked where it exceeds the threshold.</summary>
    public string ToText(double threshold = 0.25)
    {
        if (!HasReference)
        {
            return "Drift: no reference profile (no champion yet); nothing to compare.\n";
        }
        var text = new StringBuilder();
        var drifted = DriftedFeatures(threshold);
        text.Append(CultureInfo.InvariantCulture, $"Drift (PSI over the reference's decile bins, threshold {threshold:0.###}): ")
            .AppendLine(drifted.Count == 0 ? "none" : $"{drifted.Count} of {Features.Count} features drifted ({string.Join(", ", drifted.Select(f => f.Name))})");
        int width = Features.Select(f => f.Name.Length).Append(Target?.Name.Length ?? 0).Append(7).Max();
        foreach (var feature in Features)
        {
            Row(text, feature.Name, feature.Psi, width, feature.Psi > threshold ? "  drifted" : string.Empty);
        }
        if (Target is not null)
        {
            Row(text, Target.Name, Target.Psi, width, "  (target)");
        }
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, double psi, int width, string note) =>
        text.Append("  ").Append(name.PadRight(width)).Append("  ").Append(psi.ToString("0.0000", CultureInfo.InvariantCulture)).AppendLine(note);
}
