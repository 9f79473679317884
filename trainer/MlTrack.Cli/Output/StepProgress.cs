using System.Diagnostics;
using Spectre.Console;

namespace MlTrack.Cli.Output;

/// <summary>
/// Shows a long command's steps on standard error: a spinner while a step runs (on a terminal), then one line per
/// finished step with what it found and how long it took, so a log file shows the same story as the screen.
/// </summary>
internal sealed class StepProgress(IAnsiConsole console)
{
    public async Task<T> RunAsync<T>(string description, Func<Task<T>> step, Func<T, string>? summary = null)
    {
        var clock = Stopwatch.StartNew();
        T result = console.Profile.Capabilities.Interactive
            ? await console.Status().StartAsync(Markup.Escape(description) + "…", _ => step())
            : await step();
        var detail = summary?.Invoke(result);
        console.MarkupLine($"[green]✓[/] {Markup.Escape(description)}{(detail is null ? "" : ": " + Markup.Escape(detail))} [grey]({Elapsed(clock.Elapsed)})[/]");
        return result;
    }

    public Task RunAsync(string description, Func<Task> step) =>
        RunAsync(description, async () =>
        {
            await step();
            return true;
        });

    private static string Elapsed(TimeSpan elapsed) =>
        elapsed.TotalSeconds >= 1 ? $"{elapsed.TotalSeconds:0.0} s" : $"{elapsed.TotalMilliseconds:0} ms";
}
