using System.Globalization;

namespace MlTrack.Cli.Retraining;

/// <summary>Whether a challenger replaces the champion: both are measured on the same held-out rows.</summary>
internal static class PromotionPolicy
{
    public static (bool Promote, string Reason) Decide(double challengerRmse, double? championRmse, double minImprovement)
    {
        if (championRmse is not { } champion)
        {
            return (true, "there is no champion yet");
        }
        var needed = champion * (1 - minImprovement);
        var text = string.Create(CultureInfo.InvariantCulture, $"challenger RMSE {challengerRmse:0.######} vs champion {champion:0.######} on the same holdout");
        return challengerRmse < needed
            ? (true, $"{text}: better by {(champion - challengerRmse) / champion:P2}")
            : (false, minImprovement > 0 ? $"{text}: not better by the required {minImprovement:P2}" : $"{text}: not better");
    }
}
