using System.CommandLine;
using System.Globalization;
using MlTrack.Cli.Retraining;
using MlTrack.Cli.Simulation;
using Spectre.Console;

namespace MlTrack.Cli.Commands;

/// <summary>`mltrack simulate`: why retraining pays, shown on a drifting stream of wine data.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var defaults = new SimulationSettings { DataPath = "", OutputDirectory = "", ModelName = "" };
        var data = new Option<string>("--data") { Description = "The wine CSV the days are drawn from.", DefaultValueFactory = _ => "examples/wine/wine-quality.csv" };
        var output = new Option<string>("--out") { Description = "Where the chart and the daily data files go.", DefaultValueFactory = _ => "simulation" };
        var days = new Option<int>("--days") { Description = "Simulated days.", DefaultValueFactory = _ => defaults.Days };
        var rowsPerDay = new Option<int>("--rows-per-day") { Description = "Rows of data per day.", DefaultValueFactory = _ => defaults.RowsPerDay };
        var every = new Option<int>("--retrain-every") { Description = "Days between retraining cycles.", DefaultValueFactory = _ => defaults.RetrainEvery };
        var window = new Option<int>("--window") { Description = "Cycles train on the files of this many recent days.", DefaultValueFactory = _ => defaults.Window };
        var seed = new Option<int>("--seed") { Description = "Seed of the data stream and the splits.", DefaultValueFactory = _ => defaults.Seed };
        var modelName = new Option<string?>("--model-name") { Description = "Registered model (and experiment) of this simulation (default: a new simulate-<time> name)." };
        var command = new Command("simulate", "Replay drifting wine data through the retraining loop and chart the error of a model trained once vs retrained.")
        {
            data, output, days, rowsPerDay, every, window, seed, modelName,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new SimulationSettings
            {
                DataPath = result.GetValue(data)!,
                OutputDirectory = result.GetValue(output)!,
                Days = result.GetValue(days),
                RowsPerDay = result.GetValue(rowsPerDay),
                RetrainEvery = result.GetValue(every),
                Window = result.GetValue(window),
                Seed = result.GetValue(seed),
                ModelName = result.GetValue(modelName) ?? $"simulate-{DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}",
            };
            if (settings.Days < 2 || settings.RowsPerDay < 1 || settings.RetrainEvery < 1 || settings.Window < 1)
            {
                throw new CliException("--days must be at least 2, and --rows-per-day, --retrain-every and --window at least 1.");
            }
            var outcome = await new SimulationRunner(context, settings, new RetrainLog(context.Error, TimeProvider.System)).RunAsync(cancellationToken);
            Report(context.Out, settings, outcome);
            return 0;
        });
        return command;
    }

    private static void Report(IAnsiConsole console, SimulationSettings settings, SimulationResult result)
    {
        string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        console.WriteLine($"Simulated {settings.Days} days of {settings.RowsPerDay} rows, retraining every {settings.RetrainEvery} days on the last {settings.Window}.");
        console.WriteLine($"Mean RMSE, trained once:  {F(result.OnceRmse.Average())} (last day {F(result.OnceRmse[^1])})");
        console.WriteLine($"Mean RMSE, retrained:     {F(result.RetrainedRmse.Average())} (last day {F(result.RetrainedRmse[^1])})");
        console.WriteLine($"Promotions on days: {string.Join(", ", result.PromotionDays)}");
        console.WriteLine($"Chart: {result.ChartPath}");
        console.WriteLine($"Runs: {result.OnceRunId} (trained once), {result.RetrainedRunId} (retrained), experiment '{settings.ModelName}'");
    }
}
