using System.CommandLine;
using MlTrack.Client;

namespace MlTrack.Cli.Commands;

/// <summary>Options shared by several commands, named as in MLflow's CLI.</summary>
internal static class CommonOptions
{
    public static Option<string> RunId() => new("--run-id", "-r") { Description = "The run's ID.", Required = true };

    public static Option<ViewType> View(string what) => new("--view", "-v")
    {
        Description = $"Which {what} to list: active_only, deleted_only or all.",
        DefaultValueFactory = _ => ViewType.ActiveOnly,
        CustomParser = result => result.Tokens.Single().Value.ToLowerInvariant() switch
        {
            "active_only" => ViewType.ActiveOnly,
            "deleted_only" => ViewType.DeletedOnly,
            "all" => ViewType.All,
            var other => Invalid(result, $"'{other}' is not a view type; use active_only, deleted_only or all."),
        },
    };

    private static ViewType Invalid(System.CommandLine.Parsing.ArgumentResult result, string message)
    {
        result.AddError(message);
        return default;
    }
}
