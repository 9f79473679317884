using System.CommandLine;
using Cronos;
using MlTrack.Cli.Retraining;
using MlTrack.Trainer;
using Spectre.Console;

namespace MlTrack.Cli.Commands;

/// <summary>`mltrack retrain --data DIR --target COLUMN --model-name NAME [--schedule CRON] [--once] ...`.</summary>
internal static class RetrainCommand
{
    /// <summary>Exit code of `--once` when the data failed the validation gate.</summary>
    public const int GateFailed = 2;

    public static Command Create(CliContext context)
    {
        var data = new Option<string>("--data") { Description = "The folder of CSV files to train on (all *.csv, or the --recent-files newest).", Required = true };
        var target = new Option<string>("--target") { Description = "The column to predict.", DefaultValueFactory = _ => "quality" };
        var modelName = new Option<string>("--model-name") { Description = "The registered model that gets a version per cycle.", Required = true };
        var alias = new Option<string>("--alias") { Description = "The alias of the served model, moved on promotion.", DefaultValueFactory = _ => "champion" };
        var experimentName = new Option<string?>("--experiment-name") { Description = "The experiment of the cycles' runs (default: the model name)." };
        var schedule = new Option<string?>("--schedule") { Description = "A 5-field cron expression, such as \"0 0 * * *\" (midnight)." };
        var timeZone = new Option<string?>("--time-zone") { Description = "The time zone of --schedule, such as Europe/Paris (default: the machine's)." };
        var watch = new Option<bool>("--watch") { Description = "Also retrain when the folder gets new or changed files (the default without --schedule)." };
        var driftOnly = new Option<bool>("--drift-only") { Description = "New data triggers a cycle only when it drifted from the champion's data (PSI)." };
        var pollSeconds = new Option<double>("--poll-interval") { Description = "Seconds between checks of the folder.", DefaultValueFactory = _ => 10 };
        var once = new Option<bool>("--once") { Description = "Run one cycle now and exit (0: done or skipped, 2: the data failed validation)." };
        var force = new Option<bool>("--force") { Description = "Retrain even on data an earlier cycle already used." };
        var minImprovement = new Option<double>("--min-improvement") { Description = "Promote only when the holdout RMSE beats the champion's by this fraction.", DefaultValueFactory = _ => 0.0 };
        var recentFiles = new Option<int?>("--recent-files") { Description = "Train on the N most recently written files only." };
        var alpha = new Option<double>("--alpha") { Description = "Penalty strength α.", DefaultValueFactory = _ => 0.5 };
        var l1Ratio = new Option<double>("--l1-ratio") { Description = "L1 share ρ of the penalty.", DefaultValueFactory = _ => 0.1 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Share of rows held out to compare challenger and champion.", DefaultValueFactory = _ => 0.25 };
        var seed = new Option<int>("--seed") { Description = "Seed of the split.", DefaultValueFactory = _ => 42 };
        var driftThreshold = new Option<double>("--drift-threshold") { Description = "PSI above which a feature counts as drifted.", DefaultValueFactory = _ => 0.25 };

        var command = new Command("retrain", "Retrain on the latest data, on a schedule or when data arrives; register and promote the better model.")
        {
            data, target, modelName, alias, experimentName, schedule, timeZone, watch, driftOnly, pollSeconds, once, force, minImprovement,
            recentFiles, alpha, l1Ratio, testFraction, seed, driftThreshold,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = new RetrainSettings
            {
                DataDirectory = result.GetValue(data)!,
                Target = result.GetValue(target)!,
                ModelName = result.GetValue(modelName)!,
                Alias = result.GetValue(alias)!,
                ExperimentName = result.GetValue(experimentName),
                Model = new ElasticNetOptions { Alpha = result.GetValue(alpha), L1Ratio = result.GetValue(l1Ratio) },
                TestFraction = result.GetValue(testFraction),
                Seed = result.GetValue(seed),
                RecentFiles = result.GetValue(recentFiles),
                MinImprovement = result.GetValue(minImprovement),
                Force = result.GetValue(force),
                DriftThreshold = result.GetValue(driftThreshold),
            };
            settings.Model.Validate();
            var log = new RetrainLog(context.Error, TimeProvider.System);
            var cycle = new RetrainingCycle(context, settings, log);
            if (result.GetValue(once))
            {
                var outcome = await cycle.RunAsync(RetrainTrigger.Manual, cancellationToken);
                context.Out.WriteLine($"{CycleOutcome.TagValue(outcome.Result)}: {outcome.Reason}");
                return outcome.Result == CycleResult.GateFailed ? GateFailed : 0;
            }
            var cron = ParseCron(result.GetValue(schedule));
            var watching = result.GetValue(watch) || result.GetValue(driftOnly) || cron is null;
            var plan = new RetrainSchedule(
                cron,
                ParseTimeZone(result.GetValue(timeZone)),
                watching ? TimeSpan.FromSeconds(Math.Max(0.1, result.GetValue(pollSeconds))) : null,
                result.GetValue(driftOnly));
            var scheduler = new RetrainScheduler(plan, () => cycle.Folder.Take().Sha256, cycle.RunAsync, TimeProvider.System, log);
            await scheduler.RunAsync(cancellationToken);
            return 0;
        });
        return command;
    }

    private static CronExpression? ParseCron(string? text)
    {
        if (text is null)
        {
            return null;
        }
        try
        {
            return CronExpression.Parse(text, CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            throw new CliException($"--schedule '{text}' is not a 5-field cron expression: {e.Message}", e);
        }
    }

    private static TimeZoneInfo ParseTimeZone(string? id)
    {
        if (id is null)
        {
            return TimeZoneInfo.Local;
        }
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException e)
        {
            throw new CliException($"Unknown time zone '{id}'; use an IANA name such as Europe/Paris or UTC.", e);
        }
    }
}
