using ScottPlot;

namespace MlTrack.Cli.Training;

/// <summary>The predicted-vs-actual chart logged with every training run: points on the diagonal are perfect predictions.</summary>
internal static class PredictionPlot
{
    public static void Save(string path, double[] actual, double[] predicted, string title)
    {
        var plot = new Plot();
        var points = plot.Add.ScatterPoints(actual, predicted);
        points.MarkerSize = 4;
        points.Color = Colors.SteelBlue.WithAlpha(0.35);
        double low = Math.Min(actual.Min(), predicted.Min()), high = Math.Max(actual.Max(), predicted.Max());
        var diagonal = plot.Add.Line(low, low, high, high);
        diagonal.Color = Colors.OrangeRed;
        diagonal.LinePattern = LinePattern.Dashed;
        plot.Title(title);
        plot.XLabel("actual");
        plot.YLabel("predicted");
        plot.SavePng(path, 640, 520);
    }
}
