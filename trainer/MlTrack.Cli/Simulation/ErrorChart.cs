using ScottPlot;

namespace MlTrack.Cli.Simulation;

/// <summary>The simulation's chart: each day's error of the model trained once and of the retrained champion.</summary>
internal static class ErrorChart
{
    /// <param name="path">The PNG file to write.</param>
    /// <param name="firstDay">The day of the first value of both series.</param>
    /// <param name="onceRmse">The daily error of the model trained once.</param>
    /// <param name="retrainedRmse">The daily error of the champion of that day.</param>
    /// <param name="promotionDays">Days after which a new champion took over (drawn as dotted lines).</param>
    /// <param name="title">The chart's title.</param>
    public static void Save(string path, int firstDay, double[] onceRmse, double[] retrainedRmse, IReadOnlyList<int> promotionDays, string title)
    {
        var plot = new Plot();
        var days = Enumerable.Range(firstDay, onceRmse.Length).Select(d => (double)d).ToArray();
        var once = plot.Add.Scatter(days, onceRmse);
        once.LegendText = "trained once (day 0)";
        once.Color = Colors.OrangeRed;
        var retrained = plot.Add.Scatter(days, retrainedRmse);
        retrained.LegendText = "retrained by mltrack";
        retrained.Color = Colors.SteelBlue;
        foreach (var day in promotionDays)
        {
            // A champion promoted after day d first predicts day d + 1.
            var line = plot.Add.VerticalLine(day + 0.5);
            line.Color = Colors.SteelBlue.WithAlpha(0.25);
            line.LinePattern = LinePattern.Dotted;
        }
        plot.Title(title);
        plot.XLabel("day");
        plot.YLabel("RMSE on the day's data");
        plot.ShowLegend(Alignment.UpperLeft);
        plot.SavePng(path, 900, 480);
    }
}
