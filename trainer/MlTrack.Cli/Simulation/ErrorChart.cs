using ScottPlot;

namespace MlTrack.Cli.Simulation;

/// <summary>The simulation's chart: each day's error of the model trained once and of the retrained champion.</summary>
internal static class ErrorChart
{
    public static void Save(string path, double[] onceRmse, double[] retrainedRmse, IReadOnlyList<int> promotionDays, string title)
    {
        var plot = new Plot();
        var days = Enumerable.Range(0, onceRmse.Length).Select(d => (double)d).ToArray();
        var once = plot.Add.Scatter(days, onceRmse);
        once.LegendText = "trained once (day 0)";
        once.Color = Colors.OrangeRed;
        var retrained = plot.Add.Scatter(days, retrainedRmse);
        retrained.LegendText = "retrained by mltrack";
        retrained.Color = Colors.SteelBlue;
        foreach (var day in promotionDays)
        {
            var line = plot.Add.VerticalLine(day);
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
