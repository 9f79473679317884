using MlTrack.Cli;

return await CliApp.RunAsync(args, CliContext.FromProcess());
