using System.Globalization;

namespace MlTrack.Trainer.Validation;

/// <summary>Numbers as the reports print them: invariant culture, short.</summary>
internal static class ReportFormat
{
    public static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    public static string Percent(double ratio) => (ratio * 100).ToString("0.##", CultureInfo.InvariantCulture) + "%";

    public static string Share(int count, int total) =>
        $"{count} of {total} ({Percent(total == 0 ? 0 : (double)count / total)})";

    public static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
